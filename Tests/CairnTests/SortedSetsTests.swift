import Testing
@testable import Cairn

/// A flat WITHSCORES reply (RESP2 shape): member, score, member, score...
func scored(_ pairs: [(String, Double)]) -> Reply {
    .array(pairs.flatMap { [Reply.text($0.0), .double($0.1)] })
}

/// RESP3's WITHSCORES shape: an array of [member, score] pairs.
func scoredPairs(_ pairs: [(String, Double)]) -> Reply {
    .array(pairs.map { .array([.text($0.0), .double($0.1)]) })
}

/// ZADD, ZINCRBY, ZREM and the single-member reads, against Redis 7.0.15's
/// `t_zset.c`: options, replies, error strings and their order, effects.
@Suite struct SortedSetsTests {
    @Test func addCountsNewMembersAndKeepsScoreOrder() {
        let t = TestEngine()
        #expect(t.run("ZADD", "z", "1", "a", "2", "b", "1", "c") == .integer(3))
        #expect(t.lastEffects == [["ZADD", "z", "1", "a", "2", "b", "1", "c"]])
        #expect(t.run("ZADD", "z", "3", "a", "5", "d") == .integer(1))
        #expect(t.run("ZRANGE", "z", "0", "-1", "WITHSCORES") == scored([("c", 1), ("b", 2), ("a", 3), ("d", 5)]))
        #expect(t.run("ZCARD", "z") == .integer(4))
        #expect(t.run("ZCARD", "nope") == .integer(0))
        #expect(t.run("TYPE", "z") == .simple("zset"))
        // Same scores again: nothing changed, nothing logged.
        #expect(t.run("ZADD", "z", "3", "a") == .integer(0))
        #expect(t.lastEffects == [])
        t.expectReplayMatches()
    }

    @Test func addOptions() {
        let t = TestEngine()
        t.run("ZADD", "z", "1", "a", "5", "b")
        #expect(t.run("ZADD", "z", "NX", "9", "a", "3", "c") == .integer(1))
        #expect(t.run("ZSCORE", "z", "a") == .double(1))
        #expect(t.run("ZADD", "z", "XX", "9", "a", "3", "d") == .integer(0))
        #expect(t.run("ZSCORE", "z", "a") == .double(9))
        #expect(t.run("ZSCORE", "z", "d") == .null)
        #expect(t.run("ZADD", "z", "XX", "CH", "10", "a", "5", "b") == .integer(1))
        #expect(t.run("ZADD", "z", "CH", "11", "a", "1", "e") == .integer(2))
        #expect(t.run("ZADD", "z", "GT", "CH", "2", "a", "6", "b", "0", "f") == .integer(2))
        #expect(t.run("ZMSCORE", "z", "a", "b", "f", "nope") == .array([.double(11), .double(6), .double(0), .null]))
        #expect(t.run("ZADD", "z", "LT", "CH", "20", "a", "1", "b") == .integer(1))
        #expect(t.run("ZMSCORE", "z", "a", "b") == .array([.double(11), .double(1)]))
        #expect(t.run("ZADD", "z", "XX", "LT", "0", "b", "0", "new") == .integer(0))
        #expect(t.run("ZSCORE", "z", "b") == .double(0))
        // XX on a missing key creates nothing.
        #expect(t.run("ZADD", "none", "XX", "1", "a") == .integer(0))
        #expect(t.run("EXISTS", "none") == .integer(0))
        #expect(t.run("ZADD", "none", "XX", "INCR", "1", "a") == .null)
        t.expectReplayMatches()
    }

    @Test func addErrorsInRedisOrder() {
        let t = TestEngine()
        #expect(t.run("ZADD", "z", "1", "a", "2") == syntaxError)
        #expect(t.run("ZADD", "z", "NX", "CH", "1") == syntaxError)
        #expect(t.run("ZADD", "z", "NX", "1", "a", "2") == syntaxError)
        #expect(t.run("ZADD", "z", "NX", "XX", "1", "a") == .err("ERR XX and NX options at the same time are not compatible"))
        let conflict = Reply.err("ERR GT, LT, and/or NX options at the same time are not compatible")
        #expect(t.run("ZADD", "z", "GT", "LT", "1", "a") == conflict)
        #expect(t.run("ZADD", "z", "NX", "GT", "1", "a") == conflict)
        #expect(t.run("ZADD", "z", "LT", "NX", "1", "a") == conflict)
        #expect(t.run("ZADD", "z", "INCR", "1", "a", "2", "b") == .err("ERR INCR option supports a single increment-element pair"))
        #expect(t.run("ZADD", "z", "nan", "a") == .err("ERR value is not a valid float"))
        #expect(t.run("ZADD", "z", "1", "a", "x", "b") == .err("ERR value is not a valid float"))
        // string2d: overflow is refused, spelled-out infinity is not.
        #expect(t.run("ZADD", "z", "1e400", "a") == .err("ERR value is not a valid float"))
        #expect(t.run("ZADD", "z", " 1", "a") == .err("ERR value is not a valid float"))
        #expect(t.run("EXISTS", "z") == .integer(0))
        #expect(t.run("ZADD", "z", "+inf", "a", "-inf", "b", "inf", "c") == .integer(3))
        #expect(t.run("ZRANGE", "z", "0", "-1", "WITHSCORES") == scored([("b", -.infinity), ("a", .infinity), ("c", .infinity)]))
        t.run("SET", "s", "x")
        // Scores are parsed before the type check.
        #expect(t.run("ZADD", "s", "x", "a") == .err("ERR value is not a valid float"))
        #expect(t.run("ZADD", "s", "1", "a") == wrongType)
        #expect(t.run("ZADD", "z") == arityError("zadd"))
        t.expectReplayMatches()
    }

    @Test func incrementLogsTheFinalScore() {
        let t = TestEngine()
        #expect(t.run("ZINCRBY", "z", "0.1", "a") == .double(0.1))
        #expect(t.lastEffects == [["ZADD", "z", "0.10000000000000001", "a"]])
        #expect(t.run("ZINCRBY", "z", "0.2", "a") == .double(0.1 + 0.2))
        #expect(t.lastEffects == [["ZADD", "z", "0.30000000000000004", "a"]])
        #expect(t.run("ZADD", "z", "INCR", "5", "a") == .double(0.1 + 0.2 + 5))
        #expect(t.run("ZADD", "z", "NX", "INCR", "5", "a") == .null)
        #expect(t.run("ZADD", "z", "GT", "INCR", "-1", "a") == .null)
        #expect(t.run("ZADD", "z", "INCR", "0", "a") == .double(0.1 + 0.2 + 5))
        #expect(t.lastEffects == [])
        #expect(t.run("ZINCRBY", "z", "+inf", "b") == .double(.infinity))
        #expect(t.run("ZINCRBY", "z", "-inf", "b") == .err("ERR resulting score is not a number (NaN)"))
        #expect(t.run("ZSCORE", "z", "b") == .double(.infinity))
        #expect(t.run("ZINCRBY", "z", "x", "b") == .err("ERR value is not a valid float"))
        #expect(t.run("ZINCRBY", "z", "1") == arityError("zincrby"))
        t.expectReplayMatches()
    }

    @Test func removeDeletesTheEmptiedKey() {
        let t = TestEngine()
        t.run("ZADD", "z", "1", "a", "2", "b", "3", "c")
        #expect(t.run("ZREM", "z", "a", "nope", "a") == .integer(1))
        #expect(t.lastEffects == [["ZREM", "z", "a"]])
        #expect(t.run("ZREM", "z", "nope") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("ZREM", "z", "b", "c", "d") == .integer(2))
        #expect(t.run("EXISTS", "z") == .integer(0))
        #expect(t.run("ZREM", "z", "a") == .integer(0))
        t.run("SET", "s", "x")
        #expect(t.run("ZREM", "s", "a") == wrongType)
        t.expectReplayMatches()
    }

    @Test func ranksAndScores() {
        let t = TestEngine()
        t.run("ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d")
        #expect(t.run("ZRANK", "z", "a") == .integer(0))
        #expect(t.run("ZRANK", "z", "c") == .integer(2))
        #expect(t.run("ZREVRANK", "z", "a") == .integer(3))
        #expect(t.run("ZREVRANK", "z", "d") == .integer(0))
        #expect(t.run("ZRANK", "z", "nope") == .null)
        #expect(t.run("ZRANK", "nope", "a") == .null)
        #expect(t.run("ZSCORE", "nope", "a") == .null)
        #expect(t.run("ZMSCORE", "nope", "a", "b") == .array([.null, .null]))
        t.run("SET", "s", "x")
        for command in ["ZRANK", "ZREVRANK", "ZSCORE", "ZMSCORE"] {
            #expect(t.run(command, "s", "a") == wrongType)
        }
        #expect(t.run("ZCARD", "s") == wrongType)
    }

    @Test func binaryMembersWithNulAndCRLF() {
        let t = TestEngine()
        let members: [Bytes] = [[0], [0, 0], [13, 10], [0x61, 0, 0x62], [], [0xFF]]
        for (index, member) in members.enumerated() {
            #expect(t.run([Array("ZADD".utf8), Array("z".utf8), Array(String(index % 2).utf8), member]) == .integer(1))
        }
        // Score 0 first, then 1; ties ordered by member bytes (memcmp).
        let expected: [Bytes] = [[], [0], [13, 10], [0, 0], [0x61, 0, 0x62], [0xFF]]
        #expect(t.run("ZRANGE", "z", "0", "-1") == .array(expected.map { .bulk($0) }))
        #expect(t.run([Array("ZSCORE".utf8), Array("z".utf8), [13, 10]]) == .double(0))
        #expect(t.run([Array("ZREM".utf8), Array("z".utf8), [0, 0]]) == .integer(1))
        t.expectReplayMatches()
    }

    @Test func keyCommandsSeeSortedSets() {
        let t = TestEngine()
        t.run("ZADD", "z", "1", "a", "2", "b")
        #expect(t.run("OBJECT", "ENCODING", "z") == .text("listpack"))
        #expect(t.run("COPY", "z", "c") == .integer(1))
        t.run("ZADD", "c", "3", "c")
        #expect(t.run("ZCARD", "z") == .integer(2))
        #expect(t.run("ZCARD", "c") == .integer(3))
        #expect(t.run("RENAME", "c", "r") == .ok)
        #expect(t.run("ZRANGE", "r", "0", "-1") == .texts(["a", "b", "c"]))
        #expect(t.run("MOVE", "r", "1") == .integer(1))
        t.run("SELECT", "1")
        #expect(t.run("ZCARD", "r") == .integer(3))
        t.run("SELECT", "0")
        t.run("SET", "s", "x")
        #expect(t.run("SCAN", "0", "TYPE", "zset") == .array([.text("0"), .texts(["z"])]))
        // A big set copies into its own skiplist.
        for index in 0..<200 { t.run("ZADD", "big", String(index), "m\(index)") }
        #expect(t.run("OBJECT", "ENCODING", "big") == .text("skiplist"))
        #expect(t.run("COPY", "big", "big2") == .integer(1))
        t.run("ZREM", "big2", "m0")
        #expect(t.run("ZCARD", "big") == .integer(200))
        #expect(t.run("OBJECT", "ENCODING", "big2") == .text("skiplist"))
        #expect(t.run("ZRANK", "big2", "m199") == .integer(198))
        t.expectReplayMatches()
    }

    @Test func typedConveniences() throws {
        let engine = Engine(configuration: EngineConfiguration(clock: ManualClock(milliseconds: 0), randomSeed: 1))
        #expect(try engine.zadd("z", [(10, "alice"), (7.5, "bob"), (12, "carol")]) == 3)
        #expect(try engine.zscore("z", "bob") == 7.5)
        #expect(try engine.zscore("z", "nobody") == nil)
        #expect(try engine.zrank("z", "alice") == 1)
        #expect(try engine.zrank("z", "alice", reverse: true) == 1)
        #expect(try engine.zincrby("z", 0.25, "bob") == 7.75)
        let top = try engine.zrange("z", ranks: 0...0, reverse: true)
        #expect(top.map { String(decoding: $0.member, as: UTF8.self) } == ["carol"])
        #expect(top.map(\.score) == [12])
        let middle = try engine.zrange("z", scores: 7...11)
        #expect(middle.map { String(decoding: $0.member, as: UTF8.self) } == ["bob", "alice"])
        let limited = try engine.zrange("z", scores: -.infinity...Double.infinity, reverse: true, offset: 1, limit: 1)
        #expect(limited.map(\.score) == [10])
        #expect(try engine.zrem("z", "bob", "nobody") == 1)
        #expect(try engine.zcard("z") == 2)
        try engine.set("s", "x")
        #expect(throws: CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")) { try engine.zadd("s", [(1, "a")]) }
    }
}
