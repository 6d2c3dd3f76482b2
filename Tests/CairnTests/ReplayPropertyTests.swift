import Foundation
import Testing
@testable import Cairn

/// Random workloads over every family, with the clock moving, lazy and active
/// expiry, and transactions; the effects replayed into a fresh engine (with
/// another clock and seed) must rebuild exactly the same state. This is the
/// property the write-ahead log's recovery will rest on.
///
/// Replay a failure with `CAIRN_SEED=<seed> swift test --filter ReplayPropertyTests`.
@Suite struct ReplayPropertyTests {
    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["CAIRN_SEED"], let seed = UInt64(text) { return [seed] }
        let extra = Int(ProcessInfo.processInfo.environment["CAIRN_REPLAY_RUNS"] ?? "") ?? 0
        return Array(1...UInt64(12 + extra))
    }()

    @Test(arguments: seeds)
    func replayRebuildsTheSameState(seed: UInt64) throws {
        var random = RandomSource(seed: seed)
        let t = TestEngine(seed: seed)
        var effects: [Effect] = []
        var checkpoints: [(effectCount: Int, digest: String)] = []

        for step in 0..<600 {
            if Int.random(in: 0..<10, using: &random) == 0 {
                t.clock.advance(milliseconds: Int64.random(in: 0...3000, using: &random))
            }
            if Int.random(in: 0..<40, using: &random) == 0 {
                effects += t.engine.activeExpireCycle()
            } else if Int.random(in: 0..<25, using: &random) == 0 {
                let batch = (0..<Int.random(in: 1...5, using: &random)).map { _ in Workload.command(&random, now: t.clock.nowMilliseconds()) }
                effects += t.engine.executeTransaction(batch, session: &t.session).effects
            } else {
                let argv = Workload.command(&random, now: t.clock.nowMilliseconds())
                effects += t.engine.execute(argv, session: &t.session).effects
            }
            if step % 150 == 149 { checkpoints.append((effects.count, t.engine.digest())) }
        }

        // Replaying each prefix that ends at a checkpoint gives that checkpoint's state.
        for checkpoint in checkpoints {
            let copy = Engine(configuration: EngineConfiguration(clock: ManualClock(milliseconds: 5), randomSeed: seed &+ 7))
            try copy.replay(Array(effects.prefix(checkpoint.effectCount)))
            #expect(copy.digest() == checkpoint.digest, "seed \(seed): replay of \(checkpoint.effectCount) effects differs; rerun with CAIRN_SEED=\(seed)")
        }
        #expect(effects.count > 100, "seed \(seed): the workload wrote too little to test anything")
    }
}

/// A generator of random commands over a small keyspace, so commands collide.
enum Workload {
    static let keys = ["k0", "k1", "k2", "k3", "k4", "k5", "h0", "h1", "b0", "l0", "l1", "{bin}\0\r\n", "z0", "z1", "z2"]
    static let scores = ["0", "1", "-1", "2.5", "0.1", "-0", "inf", "-inf", "1e3", "7"]
    static let fields = ["f0", "f1", "f2", "f3", "", "f\0x"]
    static let values = ["", "v", "0", "1", "-7", "12345678901234", "9223372036854775807", "3.5", "1e3",
                         "value-longer-than-fourteen-bytes", "\0\r\n", String(repeating: "x", count: 70)]

    static func command(_ random: inout RandomSource, now: Int64) -> [Bytes] {
        func pick(_ options: [String]) -> String { options[Int.random(in: 0..<options.count, using: &random)] }
        func key() -> String { pick(keys) }
        func field() -> String { pick(fields) }
        func value() -> String { pick(values) }
        func small() -> String { String(Int.random(in: -3...40, using: &random)) }
        func ttl() -> String { String(Int.random(in: -1...5, using: &random)) }
        func future() -> String { String(now + Int64.random(in: -2000...8000, using: &random)) }

        func score() -> String { pick(scores) }
        func zkey() -> String { Int.random(in: 0..<4, using: &random) == 0 ? key() : pick(["z0", "z1", "z2"]) }
        func member() -> String { Int.random(in: 0..<6, using: &random) == 0 ? value() : "m\(Int.random(in: 0..<12, using: &random))" }

        let argv: [String]
        switch Int.random(in: 0..<75, using: &random) {
        case 0: argv = ["SET", key(), value()]
        case 1: argv = ["SET", key(), value(), "PX", String(Int.random(in: 1...6000, using: &random))]
        case 2: argv = ["SET", key(), value(), pick(["NX", "XX", "KEEPTTL", "GET"])]
        case 3: argv = ["SET", key(), value(), "PXAT", future()]
        case 4: argv = ["SETEX", key(), String(Int.random(in: 1...5, using: &random)), value()]
        case 5: argv = ["INCR", key()]
        case 6: argv = ["INCRBY", key(), small()]
        case 7: argv = ["INCRBYFLOAT", key(), pick(["0.1", "-2.5", "1e2", "3"])]
        case 8: argv = ["APPEND", key(), value()]
        case 9: argv = ["SETRANGE", key(), String(Int.random(in: 0...20, using: &random)), value()]
        case 10: argv = ["GETDEL", key()]
        case 11: argv = ["GETEX", key(), pick(["PX", "EX", "PERSIST"])] + (Bool.random(using: &random) ? [] : ["2"])
        case 12: argv = ["MSET", key(), value(), key(), value()]
        case 13: argv = ["MSETNX", key(), value(), key(), value()]
        case 14: argv = ["DEL", key(), key()]
        case 15: argv = ["EXPIRE", key(), ttl()] + (Bool.random(using: &random) ? [] : [pick(["NX", "XX", "GT", "LT"])])
        case 16: argv = ["PEXPIRE", key(), String(Int.random(in: -10...4000, using: &random))]
        case 17: argv = ["PEXPIREAT", key(), future()]
        case 18: argv = ["PERSIST", key()]
        case 19: argv = ["RENAME", key(), key()]
        case 20: argv = ["RENAMENX", key(), key()]
        case 21: argv = ["COPY", key(), key()] + (Bool.random(using: &random) ? ["REPLACE"] : ["DB", String(Int.random(in: 0...2, using: &random))])
        case 22: argv = ["MOVE", key(), String(Int.random(in: 0...2, using: &random))]
        case 23: argv = ["SELECT", String(Int.random(in: 0...2, using: &random))]
        case 24: argv = ["SWAPDB", String(Int.random(in: 0...2, using: &random)), String(Int.random(in: 0...2, using: &random))]
        case 25: argv = Int.random(in: 0..<8, using: &random) == 0 ? ["FLUSHDB"] : ["GET", key()]
        case 26: argv = ["HSET", key(), field(), value(), field(), value()]
        case 27: argv = ["HSETNX", key(), field(), value()]
        case 28: argv = ["HDEL", key(), field(), field()]
        case 29: argv = ["HINCRBY", key(), field(), small()]
        case 30: argv = ["HINCRBYFLOAT", key(), field(), pick(["1.5", "-0.25", "2e1"])]
        case 31: argv = ["HMSET", key(), field(), String(repeating: "y", count: Int.random(in: 0...80, using: &random))]
        case 32: argv = ["SETBIT", key(), String(Int.random(in: 0...200, using: &random)), pick(["0", "1"])]
        case 33: argv = ["BITOP", pick(["AND", "OR", "XOR"]), key(), key(), key()]
        case 34: argv = ["BITOP", "NOT", key(), key()]
        case 35: argv = ["BITFIELD", key(), "OVERFLOW", pick(["WRAP", "SAT", "FAIL"]), "INCRBY", pick(["u8", "i5", "i16"]), small(), small()]
        case 36: argv = ["BITFIELD", key(), "SET", "u4", "#" + String(Int.random(in: 0...9, using: &random)), small()]
        case 37: argv = ["HRANDFIELD", key(), small()]
        case 38: argv = ["HGETALL", key()]
        case 39: argv = ["TTL", key()]
        case 40: argv = ["GETSET", key(), value()]
        case 41: argv = ["SETNX", key(), value()]
        case 42: argv = ["EXPIREAT", key(), String(now / 1000 + Int64.random(in: -2...6, using: &random))]
        case 43: argv = [pick(["LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]), key(), value(), value()]
        case 44: argv = [pick(["LPOP", "RPOP"]), key()] + (Bool.random(using: &random) ? [] : [String(Int.random(in: 0...3, using: &random))])
        case 45: argv = ["LSET", key(), small(), value()]
        case 46: argv = ["LINSERT", key(), pick(["BEFORE", "AFTER"]), value(), value()]
        case 47: argv = ["LREM", key(), String(Int.random(in: -2...2, using: &random)), value()]
        case 48: argv = ["LTRIM", key(), String(Int.random(in: -4...4, using: &random)), String(Int.random(in: -4...4, using: &random))]
        case 49: argv = ["LMOVE", key(), key(), pick(["LEFT", "RIGHT"]), pick(["LEFT", "RIGHT"])]
        case 50: argv = ["RPOPLPUSH", key(), key()]
        case 51: argv = ["LMPOP", "2", key(), key(), pick(["LEFT", "RIGHT"]), "COUNT", String(Int.random(in: 1...3, using: &random))]
        case 52: argv = ["RPUSH", pick(["l0", "l1"])] + (0..<Int.random(in: 1...8, using: &random)).map { _ in value() }
        case 53: argv = ["LRANGE", key(), "0", "-1"]
        case 54: argv = ["LPOS", key(), value(), "RANK", pick(["1", "-1", "2"])]
        case 55..<61: argv = setCommand(&random)
        case 61: argv = ["ZADD", zkey()] + (Bool.random(using: &random) ? [] : [pick(["NX", "XX", "GT", "LT", "CH"])])
            + [score(), member(), score(), member()]
        case 62: argv = ["ZADD", zkey(), "INCR", pick(["0.1", "-2.5", "inf", "1e300", "3"]), member()]
        case 63: argv = ["ZINCRBY", zkey(), pick(["0.1", "1", "-0.3"]), member()]
        case 64: argv = ["ZREM", zkey(), member(), member()]
        case 65: argv = [pick(["ZPOPMIN", "ZPOPMAX"]), zkey()] + (Bool.random(using: &random) ? [] : [String(Int.random(in: 0...3, using: &random))])
        case 66: argv = ["ZMPOP", "2", zkey(), zkey(), pick(["MIN", "MAX"]), "COUNT", String(Int.random(in: 1...3, using: &random))]
        case 67: argv = ["ZREMRANGEBYSCORE", zkey(), pick(["-inf", "(0", "1"]), pick(["+inf", "2.5", "(7"])]
        case 68: argv = ["ZREMRANGEBYRANK", zkey(), String(Int.random(in: -3...3, using: &random)), String(Int.random(in: -3...3, using: &random))]
        case 69: argv = ["ZREMRANGEBYLEX", zkey(), pick(["-", "[m3", "(m5"]), pick(["+", "[m8", "(m2"])]
        case 70: argv = [pick(["ZUNIONSTORE", "ZINTERSTORE"]), zkey(), "2", zkey(), zkey()]
            + (Bool.random(using: &random) ? [] : ["WEIGHTS", pick(["0", "2", "inf"]), "0.5"])
            + (Bool.random(using: &random) ? [] : ["AGGREGATE", pick(["SUM", "MIN", "MAX"])])
        case 71: argv = ["ZDIFFSTORE", zkey(), "2", zkey(), zkey()]
        case 72: argv = ["ZRANGESTORE", zkey(), zkey(), pick(["0", "(1", "-inf"]), pick(["-1", "+inf", "3"])]
            + (Bool.random(using: &random) ? ["BYSCORE"] : []) + (Bool.random(using: &random) ? ["REV"] : [])
        case 73: argv = ["ZRANDMEMBER", zkey(), String(Int.random(in: -4...4, using: &random))]
        default: argv = ["SCAN", "0", "COUNT", "100"]
        }
        return argv.map { Array($0.utf8) }
    }
}
