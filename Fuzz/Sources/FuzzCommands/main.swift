import Cairn
import CairnTestSupport
import FuzzSupport

/// Command sequences decoded from the input (a vocabulary of writes and
/// reads of every type, arguments from a small key pool, numbers, options
/// and raw bytes, now and then a MULTI/EXEC) run on a DurableEngine over a
/// simulated file system. Invariants: no crash; the effects it logged,
/// replayed into a fresh Engine, give the live engine's digest; and the
/// directory reopened (recovery replaying the log) gives it too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommands(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let fileSystem = SimulatedFileSystem(seed: 1)
    // The clock stands still: no key expires between the run and the
    // reopen, so the digests compare the same keys.
    let configuration = EngineConfiguration(clock: ManualClock(milliseconds: 1_700_000_000_000), randomSeed: 1)
    let log = LogConfiguration(segmentSizeLimit: 4096)
    guard let store = try? DurableEngine.open(directory: "/data", fileIO: fileSystem, configuration: configuration, log: log)
    else { fatalError("the simulated directory did not open") }
    let replica = Engine(configuration: configuration)
    var session = Session()
    var commands = 0
    while !input.isAtEnd && commands < 64 {
        commands += 1
        let execution: Execution
        do {
            if input.below(16) == 0 {
                let batch = (0..<1 + input.below(3)).map { _ in Vocabulary.command(&input) }
                execution = try store.executeTransaction(batch, session: &session)
            } else {
                execution = try store.execute(Vocabulary.command(&input), session: &session)
            }
        } catch {
            fatalError("a command failed in storage: \(error)")
        }
        do {
            try replica.replay(execution.effects)
        } catch {
            fatalError("logged effects \(execution.effects) do not replay: \(error)")
        }
    }
    let digest = store.engine.digest()
    fuzzCheck(replica.digest() == digest, "the replayed effects give another dataset")
    do {
        try store.close()
        let reopened = try DurableEngine.open(directory: "/data", fileIO: fileSystem, configuration: configuration, log: log)
        fuzzCheck(reopened.engine.digest() == digest, "recovery gives another dataset")
        try reopened.close()
    } catch {
        fatalError("close or reopen failed: \(error)")
    }
    return 0
}

enum Vocabulary {
    /// Name and how many arguments it usually takes (the input may give more or fewer).
    static let commands: [(String, Int)] = [
        ("SET", 2), ("GET", 1), ("DEL", 2), ("INCR", 1), ("INCRBY", 2), ("INCRBYFLOAT", 2), ("APPEND", 2),
        ("SETRANGE", 3), ("GETRANGE", 3), ("GETDEL", 1), ("GETEX", 2), ("MSET", 4), ("SETNX", 2), ("STRLEN", 1),
        ("SETBIT", 3), ("BITFIELD", 5), ("EXPIRE", 2), ("PEXPIRE", 2), ("PEXPIREAT", 2), ("PERSIST", 1), ("TTL", 1),
        ("RENAME", 2), ("COPY", 2), ("MOVE", 2), ("SELECT", 1), ("SWAPDB", 2), ("FLUSHDB", 0), ("TYPE", 1),
        ("LPUSH", 3), ("RPUSH", 3), ("LPOP", 2), ("RPOP", 1), ("LINSERT", 4), ("LSET", 3), ("LREM", 3),
        ("LTRIM", 3), ("LMOVE", 4), ("LRANGE", 3), ("BLPOP", 2),
        ("HSET", 3), ("HDEL", 2), ("HINCRBY", 3), ("HINCRBYFLOAT", 3), ("HSETNX", 3), ("HGETALL", 1),
        ("SADD", 3), ("SREM", 2), ("SPOP", 2), ("SMOVE", 3), ("SINTERSTORE", 3), ("SUNIONSTORE", 3), ("SDIFFSTORE", 3),
        ("ZADD", 3), ("ZINCRBY", 3), ("ZREM", 2), ("ZPOPMIN", 2), ("ZPOPMAX", 1), ("ZRANGESTORE", 4),
        ("ZUNIONSTORE", 4), ("ZINTERSTORE", 4), ("ZREMRANGEBYSCORE", 3), ("ZREMRANGEBYRANK", 3), ("ZRANGE", 4),
        ("SORT", 3), ("RESTORE", 3), ("DUMP", 1), ("OBJECT", 2), ("RANDOMKEY", 0), ("SCAN", 3),
    ]
    static let words = ["EX", "PX", "NX", "XX", "GT", "LT", "CH", "INCR", "KEEPTTL", "GET", "WITHSCORES", "LIMIT",
                        "BYSCORE", "BYLEX", "REV", "LEFT", "RIGHT", "BEFORE", "AFTER", "COUNT", "STORE", "ALPHA",
                        "OVERFLOW", "SAT", "WRAP", "FAIL", "INCRBY", "u8", "i16", "#1", "WEIGHTS", "AGGREGATE", "MAX",
                        "REPLACE", "ABSTTL", "PERSIST", "ENCODING", "MATCH", "TYPE"]
    static let numbers = ["0", "1", "-1", "2", "3", "5", "10", "100", "-100", "1000", "1.5", "-inf", "+inf",
                          "9223372036854775807", "-9223372036854775808", "1700000000000", "4102444800000", "0.1", "nan"]

    static func command(_ input: inout FuzzInput) -> [Bytes] {
        let (name, arity) = commands[input.below(commands.count)]
        let extra = input.below(8)
        let count = extra < 5 ? arity : extra - 5 + max(0, arity - 1)
        return [Array(name.utf8)] + (0..<count).map { _ in argument(&input) }
    }

    static func argument(_ input: inout FuzzInput) -> Bytes {
        switch input.below(8) {
        case 0, 1, 2: return Array("k\(input.below(4))".utf8)
        case 3: return Array(numbers[input.below(numbers.count)].utf8)
        case 4: return Array(words[input.below(words.count)].utf8)
        case 5: return Array("m\(input.below(6))".utf8)
        case 6: return Array(String(input.below(1 << 16) - (1 << 15)).utf8)
        default: return input.take(input.below(24))
        }
    }
}
