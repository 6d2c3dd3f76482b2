import Testing
@testable import Cairn

/// The hash family against Redis 7.0.15's replies (checked on a real
/// redis-server 7.0.15 where noted).
@Suite struct HashesTests {
    // MARK: Helpers

    /// The text of every bulk string in an array or map reply.
    func texts(_ reply: Reply) -> [String] {
        switch reply {
        case .array(let elements), .map(let elements):
            return elements.compactMap { element in
                if case .bulk(let bytes) = element { return String(decoding: bytes, as: UTF8.self) }
                return nil
            }
        default:
            return []
        }
    }

    /// The stored hash at `key` in database 0.
    func storedHash(_ t: TestEngine, _ key: String) -> HashObject? {
        guard case .hash(let hash)? = t.engine.keyspace.databases[0].main[ByteString(Array(key.utf8))] else { return nil }
        return hash
    }

    /// Pearson's chi-square statistic of `counts` against a uniform spread.
    func chiSquare(_ counts: [String: Int], categories: Int) -> Double {
        let total = counts.values.reduce(0, +)
        let expected = Double(total) / Double(categories)
        var sum = 0.0
        for count in counts.values { sum += (Double(count) - expected) * (Double(count) - expected) / expected }
        sum += Double(categories - counts.count) * expected  // categories never drawn
        return sum
    }

    /// HSET of `count` fields `prefix0...`, each valued `v<i>`, in one command.
    func fill(_ t: TestEngine, _ key: String, _ count: Int, prefix: String = "f") {
        var argv: [String] = ["HSET", key]
        for index in 0..<count { argv += ["\(prefix)\(index)", "v\(index)"] }
        t.run(argv.map { Array($0.utf8) })
    }

    // MARK: HSET / HMSET / HSETNX / HGET

    @Test func hsetCountsNewFieldsAndLogsItself() {
        let t = TestEngine()
        #expect(t.run("HSET", "h", "a", "1", "b", "2") == .integer(2))
        #expect(t.lastEffects == [["HSET", "h", "a", "1", "b", "2"]])
        #expect(t.run("HSET", "h", "a", "10", "c", "3", "c", "4") == .integer(1))
        #expect(t.run("HGET", "h", "a") == .text("10"))
        #expect(t.run("HGET", "h", "c") == .text("4"), "the last duplicate wins")
        #expect(t.run("HGET", "h", "zz") == .null)
        #expect(t.run("HGET", "nokey", "a") == .null)
        #expect(t.run("hset", "h", "a", "10") == .integer(0))
        #expect(t.lastEffects == [["HSET", "h", "a", "10"]], "an unchanged value is still logged, as Redis propagates it")
        t.expectReplayMatches()
    }

    @Test func hmsetRepliesOKAndLogsHSET() {
        let t = TestEngine()
        #expect(t.run("HMSET", "h", "a", "1", "b", "2") == .ok)
        #expect(t.lastEffects == [["HSET", "h", "a", "1", "b", "2"]])
        #expect(t.run("HMGET", "h", "a", "b") == .texts(["1", "2"]))
        t.expectReplayMatches()
    }

    @Test func hsetArityAndTypeErrors() {
        let t = TestEngine()
        #expect(t.run("HSET", "h", "a") == arityError("hset"))
        #expect(t.run("HSET", "h", "a", "1", "b") == arityError("hset"))
        #expect(t.run("HMSET", "h", "a", "1", "b") == arityError("hmset"))
        #expect(t.run("HSETNX", "h", "a") == arityError("hsetnx"))
        #expect(t.run("HGET", "h") == arityError("hget"))
        #expect(t.run("EXISTS", "h") == .integer(0))
        t.run("SET", "s", "v")
        // The odd-argument check comes before the type check (`hsetCommand`).
        #expect(t.run("HSET", "s", "a", "1", "b") == arityError("hset"))
        for command in [["HSET", "s", "a", "1"], ["HMSET", "s", "a", "1"], ["HSETNX", "s", "a", "1"], ["HGET", "s", "a"],
                        ["HMGET", "s", "a"], ["HDEL", "s", "a"], ["HLEN", "s"], ["HSTRLEN", "s", "a"], ["HEXISTS", "s", "a"],
                        ["HKEYS", "s"], ["HVALS", "s"], ["HGETALL", "s"], ["HINCRBY", "s", "a", "1"],
                        ["HINCRBYFLOAT", "s", "a", "1"], ["HRANDFIELD", "s"], ["HRANDFIELD", "s", "1"], ["HSCAN", "s", "0"]] {
            #expect(t.run(command.map { Array($0.utf8) }) == wrongType, "\(command)")
            #expect(t.lastEffects == [])
        }
        #expect(t.run("GET", "s") == .text("v"))
        t.expectReplayMatches()
    }

    @Test func hsetnxSetsOnlyAbsentFields() {
        let t = TestEngine()
        #expect(t.run("HSETNX", "h", "a", "1") == .integer(1))
        #expect(t.lastEffects == [["HSET", "h", "a", "1"]])
        #expect(t.run("HSETNX", "h", "a", "2") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("HGET", "h", "a") == .text("1"))
        #expect(t.run("HSETNX", "h", "b", "2") == .integer(1))
        #expect(t.run("HLEN", "h") == .integer(2))
        t.expectReplayMatches()
    }

    // MARK: Reads

    @Test func hmgetHlenHstrlenHexists() {
        let t = TestEngine()
        t.run("HSET", "h", "a", "hello", "n", "-123", "e", "")
        #expect(t.run("HMGET", "h", "a", "zz", "e") == .array([.text("hello"), .null, .text("")]))
        #expect(t.run("HMGET", "nokey", "a", "b") == .array([.null, .null]))
        #expect(t.run("HLEN", "h") == .integer(3))
        #expect(t.run("HLEN", "nokey") == .integer(0))
        #expect(t.run("HSTRLEN", "h", "a") == .integer(5))
        #expect(t.run("HSTRLEN", "h", "n") == .integer(4))
        #expect(t.run("HSTRLEN", "h", "e") == .integer(0))
        #expect(t.run("HSTRLEN", "h", "zz") == .integer(0))
        #expect(t.run("HSTRLEN", "nokey", "a") == .integer(0))
        t.run("HINCRBY", "h", "i", "-9223372036854775808")
        #expect(t.run("HSTRLEN", "h", "i") == .integer(20), "an integer value's length is its decimal text's")
        #expect(t.run("HEXISTS", "h", "a") == .integer(1))
        #expect(t.run("HEXISTS", "h", "e") == .integer(1))
        #expect(t.run("HEXISTS", "h", "zz") == .integer(0))
        #expect(t.run("HEXISTS", "nokey", "a") == .integer(0))
        #expect(t.run("HMGET", "h") == arityError("hmget"))
    }

    @Test func hkeysHvalsHgetallInInsertionOrderWhileCompact() {
        let t = TestEngine()
        t.run("HSET", "h", "b", "2", "a", "1", "c", "3")
        t.run("HSET", "h", "a", "10")
        #expect(t.run("HKEYS", "h") == .texts(["b", "a", "c"]))
        #expect(t.run("HVALS", "h") == .texts(["2", "10", "3"]))
        #expect(t.run("HGETALL", "h") == .map([.text("b"), .text("2"), .text("a"), .text("10"), .text("c"), .text("3")]))
        #expect(t.run("HKEYS", "nokey") == .array([]))
        #expect(t.run("HVALS", "nokey") == .array([]))
        #expect(t.run("HGETALL", "nokey") == .map([]))
        #expect(t.run("HGETALL", "h", "x") == arityError("hgetall"))
    }

    @Test func readsOfATableHashSeeEveryField() {
        let t = TestEngine()
        fill(t, "h", 500)
        #expect(storedHash(t, "h")?.isCompact == false)
        #expect(t.run("HLEN", "h") == .integer(500))
        #expect(Set(texts(t.run("HKEYS", "h"))) == Set((0..<500).map { "f\($0)" }))
        #expect(Set(texts(t.run("HVALS", "h"))) == Set((0..<500).map { "v\($0)" }))
        let all = texts(t.run("HGETALL", "h"))
        #expect(all.count == 1000)
        for index in stride(from: 0, to: all.count, by: 2) { #expect(all[index + 1] == "v" + all[index].dropFirst()) }
        #expect(t.run("HGET", "h", "f499") == .text("v499"))
    }

    // MARK: HDEL

    @Test func hdelCountsAndLogsOnlyDeletedFields() {
        let t = TestEngine()
        t.run("HSET", "h", "a", "1", "b", "2", "c", "3")
        #expect(t.run("HDEL", "h", "a", "zz", "a") == .integer(1))
        #expect(t.lastEffects == [["HDEL", "h", "a"]])
        #expect(t.run("HDEL", "h", "zz") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("HDEL", "nokey", "a") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("HDEL", "h") == arityError("hdel"))
        #expect(t.run("HGETALL", "h") == .map([.text("b"), .text("2"), .text("c"), .text("3")]))
        t.expectReplayMatches()
    }

    @Test func hdelOfTheLastFieldDeletesTheKey() {
        let t = TestEngine()
        t.run("HSET", "h", "a", "1", "b", "2")
        #expect(t.run("HDEL", "h", "zz", "a", "b", "c") == .integer(2))
        #expect(t.lastEffects == [["HDEL", "h", "a", "b"]])
        #expect(t.run("EXISTS", "h") == .integer(0))
        #expect(storedHash(t, "h") == nil)
        // A table hash emptied field by field goes the same way.
        fill(t, "big", 200)
        for index in 0..<199 { t.run("HDEL", "big", "f\(index)") }
        #expect(t.run("HDEL", "big", "f199") == .integer(1))
        #expect(t.run("EXISTS", "big") == .integer(0))
        t.expectReplayMatches()
    }

    // MARK: HINCRBY / HINCRBYFLOAT

    @Test func hincrbyAddsAndLogsTheResultAsHSET() {
        let t = TestEngine()
        #expect(t.run("HINCRBY", "h", "n", "5") == .integer(5))
        #expect(t.lastEffects == [["HSET", "h", "n", "5"]])
        #expect(t.run("HINCRBY", "h", "n", "-7") == .integer(-2))
        #expect(t.lastEffects == [["HSET", "h", "n", "-2"]])
        #expect(t.run("HGET", "h", "n") == .text("-2"))
        t.run("HSET", "h", "s", "17179869184")
        #expect(t.run("HINCRBY", "h", "s", "1") == .integer(17_179_869_185))
        #expect(t.run("HINCRBY", "h", "s", "0") == .integer(17_179_869_185))
        t.expectReplayMatches()
    }

    @Test func hincrbyErrorsChangeNothing() {
        let t = TestEngine()
        #expect(t.run("HINCRBY", "nokey", "n", "x") == notInteger)
        #expect(t.run("HINCRBY", "nokey", "n", "1.5") == notInteger)
        #expect(t.run("EXISTS", "nokey") == .integer(0))
        t.run("HSET", "h", "s", "abc", "sp", " 1", "z", "007", "max", "9223372036854775807", "min", "-9223372036854775808")
        #expect(t.run("HINCRBY", "h", "s", "1") == .err("ERR hash value is not an integer"))
        #expect(t.run("HINCRBY", "h", "sp", "1") == .err("ERR hash value is not an integer"))
        #expect(t.run("HINCRBY", "h", "z", "1") == .err("ERR hash value is not an integer"))
        #expect(t.run("HINCRBY", "h", "max", "1") == .err("ERR increment or decrement would overflow"))
        #expect(t.run("HINCRBY", "h", "min", "-1") == .err("ERR increment or decrement would overflow"))
        #expect(t.lastEffects == [])
        #expect(t.run("HINCRBY", "h", "min", "0") == .integer(.min))
        #expect(t.run("HINCRBY", "h", "max", "-9223372036854775808") == .integer(-1))
        #expect(t.run("HGET", "h", "s") == .text("abc"))
        t.expectReplayMatches()
    }

    @Test func hincrbyfloatFormatsAsRedis() {
        // Replies checked against redis-server 7.0.15.
        let t = TestEngine()
        t.run("HSET", "h", "x", "10.50")
        #expect(t.run("HINCRBYFLOAT", "h", "x", "0.1") == .text("10.6"))
        #expect(t.lastEffects == [["HSET", "h", "x", "10.6"]])
        #expect(t.run("HINCRBYFLOAT", "h", "x", "-5.0e3") == .text("-4989.39999999999999991"))
        #expect(t.run("HINCRBYFLOAT", "h", "y", "3.0e3") == .text("3000"))
        #expect(t.run("HINCRBYFLOAT", "h", "z", "1.23456789012345678901") == .text("1.23456789012345679"))
        #expect(t.run("HINCRBYFLOAT", "h", "w", "-0") == .text("0"))
        #expect(t.run("HINCRBYFLOAT", "h", "e", "1e-20") == .text("0"))
        #expect(t.run("HINCRBYFLOAT", "h", "m", "5.0000000000000001") == .text("5.0000000000000001"))
        t.run("HSET", "h", "hex", "0x10")
        #expect(t.run("HINCRBYFLOAT", "h", "hex", "1") == .text("17"), "strtold reads hex, as Redis's string2ld")
        t.run("HINCRBY", "h", "i", "17179869184")
        #expect(t.run("HINCRBYFLOAT", "h", "i", "1.5") == .text("17179869185.5"))
        #expect(t.run("HGET", "h", "i") == .text("17179869185.5"))
        t.expectReplayMatches()
    }

    @Test func hincrbyfloatErrorsChangeNothing() {
        let t = TestEngine()
        #expect(t.run("HINCRBYFLOAT", "nokey", "f", "x") == .err("ERR value is not a valid float"))
        #expect(t.run("HINCRBYFLOAT", "nokey", "f", "nan") == .err("ERR value is not a valid float"))
        #expect(t.run("HINCRBYFLOAT", "nokey", "f", "inf") == .err("ERR value is NaN or Infinity"))
        #expect(t.run("HINCRBYFLOAT", "nokey", "f", "-inf") == .err("ERR value is NaN or Infinity"))
        #expect(t.run("HINCRBYFLOAT", "nokey", "f", "1e5000") == .err("ERR value is not a valid float"))
        #expect(t.run("EXISTS", "nokey") == .integer(0))
        t.run("HSET", "h", "s", "abc", "sp", "1 ", "big", "1e4932")
        #expect(t.run("HINCRBYFLOAT", "h", "s", "1") == .err("ERR hash value is not a float"))
        #expect(t.run("HINCRBYFLOAT", "h", "sp", "1") == .err("ERR hash value is not a float"))
        #expect(t.run("HINCRBYFLOAT", "h", "big", "1e4932") == .err("ERR increment would produce NaN or Infinity"))
        #expect(t.lastEffects == [])
        #expect(t.run("HGET", "h", "big") == .text("1e4932"))
        t.expectReplayMatches()
    }

    @Test func hincrbyfloatLongResultConvertsToTable() {
        let t = TestEngine()
        let reply = t.run("HINCRBYFLOAT", "h", "f", "1e400")
        #expect(texts(.array([reply])).first?.hasPrefix("10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880") == true)
        #expect(storedHash(t, "h")?.isCompact == false)
        t.expectReplayMatches()
    }

    // MARK: Encoding

    @Test func convertsToTableByFieldCount() {
        let t = TestEngine()
        fill(t, "h", 128)
        #expect(storedHash(t, "h")?.isCompact == true)
        #expect(storedHash(t, "h").map { Value.hash($0).encodingName } == "listpack")
        t.run("HSET", "h", "f0", "changed")
        #expect(storedHash(t, "h")?.isCompact == true, "updating a field adds none")
        t.run("HSETNX", "h", "one-more", "x")
        #expect(storedHash(t, "h")?.isCompact == false)
        #expect(storedHash(t, "h").map { Value.hash($0).encodingName } == "hashtable")
        #expect(t.run("HLEN", "h") == .integer(129))
        #expect(t.run("HGET", "h", "f0") == .text("changed"))
        for index in 0..<120 { t.run("HDEL", "h", "f\(index)") }
        #expect(storedHash(t, "h")?.isCompact == false, "a table never turns back")
        t.expectReplayMatches()
    }

    @Test func convertsToTableByLength() {
        let t = TestEngine()
        let max = String(repeating: "x", count: 64), over = String(repeating: "x", count: 65)
        t.run("HSET", "v", "a", max)
        t.run("HSET", "f", max, "1")
        #expect(storedHash(t, "v")?.isCompact == true)
        #expect(storedHash(t, "f")?.isCompact == true)
        t.run("HSET", "v", "a", over)
        t.run("HSET", "f", over, "1")
        #expect(storedHash(t, "v")?.isCompact == false)
        #expect(storedHash(t, "f")?.isCompact == false)
        t.run("HSET", "n", "a", "1", "b", over)
        #expect(storedHash(t, "n")?.isCompact == false, "any long argument of a new hash")
        t.run("HSET", "x", "a", "1")
        #expect(t.run("HSETNX", "x", "a", over) == .integer(0))
        #expect(storedHash(t, "x")?.isCompact == true, "HSETNX of an existing field converts nothing")
        #expect(t.run("HINCRBY", "x", over, "1") == .integer(1))
        #expect(storedHash(t, "x")?.isCompact == false, "HINCRBY of a long new field converts")
        t.engine.keyspace.limits.hashMaxListpackValue = 100
        t.run("HSET", "y", "a", over)
        #expect(storedHash(t, "y")?.isCompact == true, "the limit is configurable")
        t.expectReplayMatches()
    }

    // MARK: Binary safety

    @Test func binaryFieldsAndValues() {
        let t = TestEngine()
        let field: Bytes = [0, 13, 10, 255, 0]
        let value: Bytes = [13, 10, 0, 1, 2]
        let empty: Bytes = []
        #expect(t.run([Bytes("HSET".utf8), Bytes("h".utf8), field, value, empty, empty]) == .integer(2))
        #expect(t.run([Bytes("HGET".utf8), Bytes("h".utf8), field]) == .bulk(value))
        #expect(t.run([Bytes("HGET".utf8), Bytes("h".utf8), empty]) == .bulk(empty))
        #expect(t.run([Bytes("HGET".utf8), Bytes("h".utf8), [0, 13, 10, 255]]) == .null)
        #expect(t.run([Bytes("HEXISTS".utf8), Bytes("h".utf8), empty]) == .integer(1))
        #expect(t.run([Bytes("HSTRLEN".utf8), Bytes("h".utf8), field]) == .integer(5))
        #expect(t.run("HGETALL", "h") == .map([.bulk(field), .bulk(value), .bulk(empty), .bulk(empty)]))
        #expect(t.run([Bytes("HDEL".utf8), Bytes("h".utf8), empty]) == .integer(1))
        #expect(t.run("HLEN", "h") == .integer(1))
        t.expectReplayMatches()
    }

    @Test func oneMebibyteValue() {
        let t = TestEngine()
        let big = Bytes((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(t.run([Bytes("HSET".utf8), Bytes("h".utf8), Bytes("big".utf8), big]) == .integer(1))
        #expect(t.run("HGET", "h", "big") == .bulk(big))
        #expect(t.run("HSTRLEN", "h", "big") == .integer(1 << 20))
        #expect(storedHash(t, "h")?.isCompact == false)
        t.expectReplayMatches()
    }

    // MARK: Keyspace bookkeeping

    @Test func writesKeepTheTTLAndBumpTheWatchVersion() {
        let t = TestEngine()
        t.run("HSET", "h", "a", "1")
        let key = ByteString(Array("h".utf8))
        let deadline = t.clock.nowMilliseconds() + 10_000
        t.engine.keyspace.setExpire(0, key, at: deadline)
        var version = t.engine.watch(database: 0, key: Array("h".utf8))
        for command in [["HSET", "h", "b", "2"], ["HMSET", "h", "c", "3"], ["HSETNX", "h", "d", "4"], ["HINCRBY", "h", "n", "1"],
                        ["HINCRBYFLOAT", "h", "n", "1.5"], ["HDEL", "h", "a"]] {
            t.run(command.map { Array($0.utf8) })
            #expect(t.engine.keyspace.expireTime(0, key) == deadline, "\(command)")
            let next = t.engine.modificationVersion(database: 0, key: Array("h".utf8))
            #expect(next != version, "\(command)")
            version = next
        }
        for command in [["HSETNX", "h", "b", "x"], ["HDEL", "h", "zz"], ["HGET", "h", "b"], ["HRANDFIELD", "h", "-3"]] {
            t.run(command.map { Array($0.utf8) })
            #expect(t.engine.modificationVersion(database: 0, key: Array("h".utf8)) == version, "\(command) changed nothing")
        }
    }

    @Test func anExpiredHashIsGoneBeforeTheWrite() {
        let t = TestEngine()
        t.run("HSET", "h", "old", "1")
        t.engine.keyspace.setExpire(0, ByteString(Array("h".utf8)), at: t.clock.nowMilliseconds() + 100)
        t.clock.advance(milliseconds: 200)
        #expect(t.run("HSET", "h", "new", "2") == .integer(1))
        #expect(t.lastEffects == [["DEL", "h"], ["HSET", "h", "new", "2"]])
        #expect(t.run("HGETALL", "h") == .map([.text("new"), .text("2")]))
        #expect(t.engine.keyspace.expireTime(0, ByteString(Array("h".utf8))) == nil)
    }

    // MARK: HRANDFIELD

    @Test func hrandfieldWithoutCount() {
        let t = TestEngine()
        #expect(t.run("HRANDFIELD", "nokey") == .null)
        t.run("HSET", "h", "a", "1", "b", "2", "c", "3")
        var seen = Set<String>()
        for _ in 0..<100 { seen.formUnion(texts(.array([t.run("HRANDFIELD", "h")]))) }
        #expect(seen == ["a", "b", "c"])
        #expect(t.lastEffects == [])
    }

    @Test func hrandfieldArgumentErrors() {
        // Messages checked against redis-server 7.0.15.
        let t = TestEngine()
        t.run("HSET", "h", "a", "1")
        #expect(t.run("HRANDFIELD", "h", "x") == notInteger)
        #expect(t.run("HRANDFIELD", "h", "-9223372036854775808")
                == .err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"))
        #expect(t.run("HRANDFIELD", "h", "1", "foo") == syntaxError)
        #expect(t.run("HRANDFIELD", "h", "1", "withvalues", "extra") == syntaxError)
        #expect(t.run("HRANDFIELD", "nokey", "-5", "bogus") == syntaxError, "options are checked before the key")
        #expect(t.run("HRANDFIELD", "h", "-9223372036854770000", "withvalues") == .err("ERR value is out of range"))
        #expect(t.run("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES") == .err("ERR value is out of range"))
        #expect(t.run("HRANDFIELD", "h", "4611686018427387904", "withvalues") == .err("ERR value is out of range"))
        #expect(t.run("HRANDFIELD", "h", "4611686018427387903", "withvalues") == .texts(["a", "1"]))
        #expect(t.run("HRANDFIELD", "h", "9223372036854775807") == .texts(["a"]))
        #expect(t.run("HRANDFIELD", "nokey", "-9223372036854775807") == .array([]), "a missing key answers before any draw")
        #expect(t.run("HRANDFIELD", "h", "-9223372036854775807") == .err("ERR value is out of range"), "Cairn's reply-size bound")
        #expect(t.run("HRANDFIELD") == arityError("hrandfield"))
    }

    @Test func hrandfieldCountEdges() {
        let t = TestEngine()
        #expect(t.run("HRANDFIELD", "nokey", "100") == .array([]))
        #expect(t.run("HRANDFIELD", "nokey", "-3", "withvalues") == .array([]))
        t.run("HSET", "h", "a", "1", "b", "2", "c", "3")
        #expect(t.run("HRANDFIELD", "h", "0") == .array([]))
        #expect(t.run("HRANDFIELD", "h", "0", "withvalues") == .array([]))
        #expect(t.run("HRANDFIELD", "h", "3") == .texts(["a", "b", "c"]), "the whole hash, in order, as Redis's CASE 2")
        #expect(t.run("HRANDFIELD", "h", "10", "withvalues") == .texts(["a", "1", "b", "2", "c", "3"]))
        #expect(t.lastEffects == [])
        t.session.protocolVersion = 3
        #expect(t.run("HRANDFIELD", "h", "10", "withvalues") == .array([.texts(["a", "1"]), .texts(["b", "2"]), .texts(["c", "3"])]),
                "RESP3 replies field/value pairs")
        if case .array(let pairs) = t.run("HRANDFIELD", "h", "-4", "withvalues") {
            #expect(pairs.count == 4)
        } else {
            Issue.record("HRANDFIELD -4 WITHVALUES must reply an array")
        }
    }

    /// Positive counts give distinct fields (values matching), negative
    /// counts exactly |count| existing fields, for both encodings.
    @Test(arguments: [false, true]) func hrandfieldCounts(table: Bool) {
        let t = TestEngine()
        var hash: [String: String] = [:]
        for index in 0..<10 { hash["k\(index)"] = "v\(index)" }
        if table { hash["k9"] = String(repeating: "v", count: 80) }
        for (field, value) in hash { t.run("HSET", "h", field, value) }
        #expect(storedHash(t, "h")?.isCompact == !table)
        for count in [1, 2, 3, 8, 9, 10, 20] {
            let fields = texts(t.run("HRANDFIELD", "h", "\(count)"))
            #expect(fields.count == min(count, 10))
            #expect(Set(fields).count == fields.count, "distinct")
            #expect(fields.allSatisfy { hash[$0] != nil })
            let pairs = texts(t.run("HRANDFIELD", "h", "\(count)", "withvalues"))
            #expect(pairs.count == 2 * min(count, 10))
            for index in stride(from: 0, to: pairs.count, by: 2) { #expect(hash[pairs[index]] == pairs[index + 1]) }
        }
        for count in [1, 5, 20, 1001] {
            let fields = texts(t.run("HRANDFIELD", "h", "-\(count)"))
            #expect(fields.count == count)
            #expect(fields.allSatisfy { hash[$0] != nil })
            let pairs = texts(t.run("HRANDFIELD", "h", "-\(count)", "withvalues"))
            #expect(pairs.count == 2 * count)
            for index in stride(from: 0, to: pairs.count, by: 2) { #expect(hash[pairs[index]] == pairs[index + 1]) }
        }
        let repeated = texts(t.run("HRANDFIELD", "h", "-30"))
        #expect(Set(repeated).count < repeated.count, "negative counts repeat fields")
    }

    /// Rough uniformity with the fixed seed: chi-square with 9 degrees of
    /// freedom under 40 (p about 0.00001), Redis's own test bound.
    @Test(arguments: [false, true]) func hrandfieldIsRoughlyUniform(table: Bool) {
        let t = TestEngine()
        for index in 0..<10 { t.run("HSET", "h", "k\(index)", table && index == 0 ? String(repeating: "v", count: 80) : "v") }
        #expect(storedHash(t, "h")?.isCompact == !table)
        var counts: [String: Int] = [:]
        for field in texts(t.run("HRANDFIELD", "h", "-10000")) { counts[field, default: 0] += 1 }
        #expect(chiSquare(counts, categories: 10) < 40)
        for size in [2, 8] {
            counts = [:]
            for _ in 0..<(5000 / size) {
                for field in texts(t.run("HRANDFIELD", "h", "\(size)")) { counts[field, default: 0] += 1 }
            }
            #expect(chiSquare(counts, categories: 10) < 40, "count \(size)")
        }
        counts = [:]
        for _ in 0..<3000 { for field in texts(.array([t.run("HRANDFIELD", "h")])) { counts[field, default: 0] += 1 } }
        #expect(chiSquare(counts, categories: 10) < 40)
    }

    // MARK: HSCAN

    @Test func hscanOfACompactHashReturnsItWhole() {
        // Replies checked against redis-server 7.0.15.
        let t = TestEngine()
        t.run("HSET", "h", "a", "1", "b", "2", "ab", "3")
        #expect(t.run("HSCAN", "h", "0") == .scanPage(cursor: 0, [.text("a"), .text("1"), .text("b"), .text("2"), .text("ab"), .text("3")]))
        #expect(t.run("HSCAN", "h", "0", "match", "a*") == .scanPage(cursor: 0, [.text("a"), .text("1"), .text("ab"), .text("3")]))
        #expect(t.run("HSCAN", "h", "5", "COUNT", "1") == .scanPage(cursor: 0, [.text("a"), .text("1"), .text("b"), .text("2"), .text("ab"), .text("3")]))
        #expect(t.run("HSCAN", "h", "0", "MATCH", "1") == .scanPage(cursor: 0, []), "MATCH filters fields, not values")
        #expect(t.run("HSCAN", "h", "-1") == .scanPage(cursor: 0, [.text("a"), .text("1"), .text("b"), .text("2"), .text("ab"), .text("3")]))
        #expect(t.lastEffects == [])
    }

    @Test func hscanArgumentErrors() {
        let t = TestEngine()
        t.run("HSET", "h", "a", "1")
        t.run("SET", "s", "v")
        #expect(t.run("HSCAN", "h", "x") == .err("ERR invalid cursor"))
        #expect(t.run("HSCAN", "h", "18446744073709551616") == .err("ERR invalid cursor"))
        #expect(t.run("HSCAN", "nokey", "x") == .err("ERR invalid cursor"), "the cursor comes before the key")
        #expect(t.run("HSCAN", "h", "0", "count", "0") == syntaxError)
        #expect(t.run("HSCAN", "h", "0", "count", "x") == notInteger)
        #expect(t.run("HSCAN", "h", "0", "match") == syntaxError)
        #expect(t.run("HSCAN", "h", "0", "MATCH", "x", "COUNT", "1", "bogus") == syntaxError)
        #expect(t.run("HSCAN", "h", "0", "type", "string") == syntaxError, "TYPE is SCAN's only")
        #expect(t.run("HSCAN", "nokey", "0", "bogus") == .scanPage(cursor: 0, []), "a missing key ends before the options")
        #expect(t.run("HSCAN", "s", "0", "bogus") == wrongType)
        #expect(t.run("HSCAN", "h") == arityError("hscan"))
    }

    @Test func hscanOfATableWalksInPages() {
        let t = TestEngine()
        fill(t, "h", 1000)
        var cursor = "0"
        var seen: [String: String] = [:]
        var calls = 0
        repeat {
            guard case .array(let page) = t.run("HSCAN", "h", cursor, "COUNT", "20"), page.count == 2,
                  case .bulk(let next) = page[0] else { Issue.record("bad page"); return }
            let elements = texts(page[1])
            #expect(elements.count < 200)
            for index in stride(from: 0, to: elements.count, by: 2) { seen[elements[index]] = elements[index + 1] }
            cursor = String(decoding: next, as: UTF8.self)
            calls += 1
        } while cursor != "0" && calls < 10_000
        #expect(calls > 10, "COUNT bounds the page")
        #expect(seen.count == 1000)
        #expect(seen["f7"] == "v7")
        var matched = Set<String>()
        cursor = "0"
        repeat {
            guard case .array(let page) = t.run("HSCAN", "h", cursor, "MATCH", "f9*"), case .bulk(let next) = page[0] else { return }
            matched.formUnion(texts(page[1]).filter { $0.hasPrefix("f") })
            cursor = String(decoding: next, as: UTF8.self)
        } while cursor != "0"
        #expect(matched == Set(["f9"] + (90..<100).map { "f\($0)" } + (900..<1000).map { "f\($0)" }))
    }

    /// Redis's SCAN guarantee: a field present for the whole scan is
    /// returned, even while the table grows (fields added) and shrinks
    /// (fields removed) between calls.
    @Test func hscanReturnsEveryStableFieldWhileTheHashChanges() {
        let t = TestEngine()
        fill(t, "h", 1000, prefix: "stable")
        fill(t, "h", 2000, prefix: "volatile")
        var removable = (0..<2000).map { "volatile\($0)" }
        var added = 0
        var cursor = "0"
        var seen = Set<String>()
        var calls = 0
        repeat {
            guard case .array(let page) = t.run("HSCAN", "h", cursor, "COUNT", "25"), case .bulk(let next) = page[0] else {
                Issue.record("bad page")
                return
            }
            let elements = texts(page[1])
            for index in stride(from: 0, to: elements.count, by: 2) { seen.insert(elements[index]) }
            cursor = String(decoding: next, as: UTF8.self)
            calls += 1
            if calls <= 20 {
                // Grow: 300 new fields per call, 6000 in all.
                var argv = ["HSET", "h"]
                for _ in 0..<300 {
                    argv += ["added\(added)", "x"]
                    removable.append("added\(added)")
                    added += 1
                }
                t.run(argv.map { Array($0.utf8) })
            } else if !removable.isEmpty {
                // Then shrink: remove 400 per call until only the stable fields are left.
                let batch = removable.suffix(400)
                removable.removeLast(batch.count)
                t.run((["HDEL", "h"] + batch).map { Array($0.utf8) })
            }
        } while cursor != "0" && calls < 100_000
        #expect(cursor == "0")
        #expect(t.run("HLEN", "h") == .integer(Int64(1000 + removable.count)))
        let missing = (0..<1000).map { "stable\($0)" }.filter { !seen.contains($0) }
        #expect(missing.count == 0, "fields never returned: \(missing.prefix(10))")
        t.expectReplayMatches()
    }
}
