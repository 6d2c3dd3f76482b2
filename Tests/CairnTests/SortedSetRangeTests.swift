import Testing
@testable import Cairn

/// The ZRANGE family, ZCOUNT, ZLEXCOUNT, ZRANGESTORE and ZREMRANGEBY*,
/// against `zrangeGenericCommand`, `zslParseRange` and `zslParseLexRange`.
@Suite struct SortedSetRangeTests {
    func scores() -> TestEngine {
        let t = TestEngine()
        t.run("ZADD", "z", "-inf", "ninf", "1", "a", "2", "b", "2", "c", "3.5", "d", "+inf", "pinf")
        return t
    }

    func letters() -> TestEngine {
        let t = TestEngine()
        t.run("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f")
        return t
    }

    @Test func byRank() {
        let t = scores()
        #expect(t.run("ZRANGE", "z", "0", "2") == .texts(["ninf", "a", "b"]))
        #expect(t.run("ZRANGE", "z", "-2", "-1", "WITHSCORES") == scored([("d", 3.5), ("pinf", .infinity)]))
        #expect(t.run("ZRANGE", "z", "0", "1", "REV") == .texts(["pinf", "d"]))
        #expect(t.run("ZREVRANGE", "z", "0", "1", "WITHSCORES") == scored([("pinf", .infinity), ("d", 3.5)]))
        #expect(t.run("ZRANGE", "z", "-100", "100") == .texts(["ninf", "a", "b", "c", "d", "pinf"]))
        #expect(t.run("ZRANGE", "z", "4", "2") == .array([]))
        #expect(t.run("ZRANGE", "z", "6", "10") == .array([]))
        #expect(t.run("ZRANGE", "nope", "0", "-1") == .array([]))
        #expect(t.run("ZRANGE", "z", "a", "1") == notInteger)
        #expect(t.run("ZREVRANGE", "z", "0", "1", "REV") == syntaxError)
    }

    @Test func byScore() {
        let t = scores()
        #expect(t.run("ZRANGE", "z", "1", "2", "BYSCORE") == .texts(["a", "b", "c"]))
        #expect(t.run("ZRANGE", "z", "(1", "2", "BYSCORE") == .texts(["b", "c"]))
        #expect(t.run("ZRANGE", "z", "(1", "(2", "BYSCORE") == .array([]))
        #expect(t.run("ZRANGEBYSCORE", "z", "-inf", "+inf") == .texts(["ninf", "a", "b", "c", "d", "pinf"]))
        #expect(t.run("ZRANGEBYSCORE", "z", "(-inf", "(inf") == .texts(["a", "b", "c", "d"]))
        #expect(t.run("ZRANGEBYSCORE", "z", "2", "1") == .array([]))
        #expect(t.run("ZRANGEBYSCORE", "z", "2", "2", "WITHSCORES") == scored([("b", 2), ("c", 2)]))
        #expect(t.run("ZREVRANGEBYSCORE", "z", "2", "-inf") == .texts(["c", "b", "a", "ninf"]))
        #expect(t.run("ZRANGE", "z", "3.5", "(1", "BYSCORE", "REV") == .texts(["d", "c", "b"]))
        #expect(t.run("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2") == .texts(["a", "b"]))
        #expect(t.run("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "4", "-1") == .texts(["d", "pinf"]))
        #expect(t.run("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2") == .array([]))
        #expect(t.run("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "0") == .array([]))
        #expect(t.run("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2", "WITHSCORES") == scored([("d", 3.5), ("c", 2)]))
        // zslParseRange reads bounds with bare strtod: overflow is infinity,
        // blanks lead, an empty bound is 0; NaN and leftovers fail.
        #expect(t.run("ZRANGEBYSCORE", "z", "1e400", "1e400") == .texts(["pinf"]))
        #expect(t.run("ZRANGEBYSCORE", "z", " 2", "2") == .texts(["b", "c"]))
        #expect(t.run("ZCOUNT", "z", "", "+inf") == .integer(5))
        #expect(t.run("ZCOUNT", "z", "(", "1") == .integer(1))
        let notFloat = Reply.err("ERR min or max is not a float")
        #expect(t.run("ZRANGEBYSCORE", "z", "nan", "1") == notFloat)
        #expect(t.run("ZRANGEBYSCORE", "z", "1", "(nan") == notFloat)
        #expect(t.run("ZRANGEBYSCORE", "z", "1x", "2") == notFloat)
        #expect(t.run("ZCOUNT", "z", "a", "2") == notFloat)
        #expect(t.run("ZCOUNT", "z", "-inf", "+inf") == .integer(6))
        #expect(t.run("ZCOUNT", "z", "(2", "+inf") == .integer(2))
        #expect(t.run("ZCOUNT", "nope", "-inf", "+inf") == .integer(0))
    }

    @Test func byLex() {
        let t = letters()
        #expect(t.run("ZRANGEBYLEX", "l", "-", "+") == .texts(["a", "b", "c", "d", "e", "f"]))
        #expect(t.run("ZRANGEBYLEX", "l", "[b", "(e") == .texts(["b", "c", "d"]))
        #expect(t.run("ZRANGEBYLEX", "l", "(b", "[e", "LIMIT", "1", "2") == .texts(["d", "e"]))
        #expect(t.run("ZREVRANGEBYLEX", "l", "+", "[d") == .texts(["f", "e", "d"]))
        #expect(t.run("ZRANGE", "l", "(d", "-", "BYLEX", "REV", "LIMIT", "0", "2") == .texts(["c", "b"]))
        #expect(t.run("ZRANGEBYLEX", "l", "[", "[c") == .texts(["a", "b", "c"]))
        #expect(t.run("ZRANGEBYLEX", "l", "+", "-") == .array([]))
        #expect(t.run("ZRANGEBYLEX", "l", "-", "-") == .array([]))
        #expect(t.run("ZRANGEBYLEX", "l", "[c", "(c") == .array([]))
        #expect(t.run("ZRANGEBYLEX", "l", "[c", "[c") == .texts(["c"]))
        #expect(t.run("ZLEXCOUNT", "l", "[b", "[d") == .integer(3))
        #expect(t.run("ZLEXCOUNT", "l", "-", "+") == .integer(6))
        #expect(t.run("ZLEXCOUNT", "nope", "-", "+") == .integer(0))
        let invalid = Reply.err("ERR min or max not valid string range item")
        #expect(t.run("ZRANGEBYLEX", "l", "a", "+") == invalid)
        #expect(t.run("ZRANGEBYLEX", "l", "-", "") == invalid)
        #expect(t.run("ZRANGEBYLEX", "l", "+x", "+") == invalid)
        #expect(t.run("ZLEXCOUNT", "l", "-", "c") == invalid)
        #expect(t.run("ZRANGEBYLEX", "l", "-", "+", "WITHSCORES") == .err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"))
    }

    @Test func optionErrors() {
        let t = scores()
        #expect(t.run("ZRANGE", "z", "0", "-1", "LIMIT", "0", "1") == .err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"))
        #expect(t.run("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES") == .err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"))
        #expect(t.run("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX") == syntaxError)
        #expect(t.run("ZRANGE", "z", "0", "1", "LIMIT", "0") == syntaxError)
        #expect(t.run("ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "x", "1") == notInteger)
        #expect(t.run("ZRANGEBYSCORE", "z", "0", "1", "BYLEX") == syntaxError)
        #expect(t.run("ZRANGEBYSCORE", "z", "0", "1", "REV") == syntaxError)
        // Options are parsed before the key is looked up.
        t.run("SET", "s", "x")
        #expect(t.run("ZRANGE", "s", "0", "1", "FOO") == syntaxError)
        #expect(t.run("ZRANGE", "s", "0", "1") == wrongType)
        #expect(t.run("ZRANGE", "z") == arityError("zrange"))
    }

    @Test func resp3NestsScorePairs() {
        let t = scores()
        t.session.protocolVersion = 3
        #expect(t.run("ZRANGE", "z", "0", "1", "WITHSCORES") == scoredPairs([("ninf", -.infinity), ("a", 1)]))
        #expect(t.run("ZRANGEBYSCORE", "z", "2", "2", "WITHSCORES") == scoredPairs([("b", 2), ("c", 2)]))
        #expect(t.run("ZRANGE", "z", "0", "1") == .texts(["ninf", "a"]))
        #expect(t.run("ZSCORE", "z", "d") == .double(3.5))
    }

    @Test func rangeStore() {
        let t = scores()
        #expect(t.run("ZRANGESTORE", "dst", "z", "1", "2", "BYSCORE") == .integer(3))
        #expect(t.lastEffects == [["ZRANGESTORE", "dst", "z", "1", "2", "BYSCORE"]])
        #expect(t.run("ZRANGE", "dst", "0", "-1", "WITHSCORES") == scored([("a", 1), ("b", 2), ("c", 2)]))
        #expect(t.run("ZRANGESTORE", "dst", "z", "0", "0", "REV") == .integer(1))
        #expect(t.run("ZRANGE", "dst", "0", "-1") == .texts(["pinf"]))
        #expect(t.run("ZRANGESTORE", "dst", "z", "5", "1", "BYSCORE") == .integer(0))
        #expect(t.run("EXISTS", "dst") == .integer(0))
        #expect(t.run("ZRANGESTORE", "dst", "z", "5", "1", "BYSCORE") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES") == syntaxError)
        #expect(t.run("ZRANGESTORE", "dst", "z", "(b", "+", "BYLEX", "LIMIT", "0", "2") == .integer(2))
        // The destination loses its TTL (setKey).
        t.run("PEXPIRE", "dst", "5000")
        t.run("ZRANGESTORE", "dst", "z", "0", "0")
        #expect(t.run("PTTL", "dst") == .integer(-1))
        t.run("SET", "s", "x")
        #expect(t.run("ZRANGESTORE", "dst", "s", "0", "1") == wrongType)
        #expect(t.run("ZRANGESTORE", "s", "z", "0", "1") == .integer(2))
        #expect(t.run("TYPE", "s") == .simple("zset"))
        t.expectReplayMatches()
    }

    @Test func removeRanges() {
        let t = scores()
        #expect(t.run("ZREMRANGEBYSCORE", "z", "(1", "2") == .integer(2))
        #expect(t.lastEffects == [["ZREMRANGEBYSCORE", "z", "(1", "2"]])
        #expect(t.run("ZRANGE", "z", "0", "-1") == .texts(["ninf", "a", "d", "pinf"]))
        #expect(t.run("ZREMRANGEBYRANK", "z", "-2", "-2") == .integer(1))
        #expect(t.run("ZRANGE", "z", "0", "-1") == .texts(["ninf", "a", "pinf"]))
        #expect(t.run("ZREMRANGEBYRANK", "z", "5", "10") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("ZREMRANGEBYRANK", "z", "x", "1") == notInteger)
        #expect(t.run("ZREMRANGEBYSCORE", "z", "x", "1") == .err("ERR min or max is not a float"))
        #expect(t.run("ZREMRANGEBYRANK", "z", "0", "-1") == .integer(3))
        #expect(t.run("EXISTS", "z") == .integer(0))
        let l = letters()
        #expect(l.run("ZREMRANGEBYLEX", "l", "[b", "(e") == .integer(3))
        #expect(l.run("ZRANGE", "l", "0", "-1") == .texts(["a", "e", "f"]))
        #expect(l.run("ZREMRANGEBYLEX", "l", "x", "+") == .err("ERR min or max not valid string range item"))
        #expect(l.run("ZREMRANGEBYLEX", "l", "-", "+") == .integer(3))
        #expect(l.run("EXISTS", "l") == .integer(0))
        t.expectReplayMatches()
        l.expectReplayMatches()
    }

    @Test func rangesOnASkiplist() {
        let t = TestEngine()
        for index in 0..<300 { t.run("ZADD", "z", String(index / 2), "m\(1000 + index)") }
        #expect(t.run("OBJECT", "ENCODING", "z") == .text("skiplist"))
        #expect(t.run("ZRANGE", "z", "10", "12") == .texts(["m1010", "m1011", "m1012"]))
        #expect(t.run("ZRANGE", "z", "0", "1", "REV") == .texts(["m1299", "m1298"]))
        #expect(t.run("ZRANGEBYSCORE", "z", "(10", "11", "LIMIT", "1", "5") == .texts(["m1023"]))
        #expect(t.run("ZREVRANGEBYSCORE", "z", "11", "(10", "LIMIT", "1", "5") == .texts(["m1022"]))
        #expect(t.run("ZCOUNT", "z", "100", "+inf") == .integer(100))
        #expect(t.run("ZRANK", "z", "m1150") == .integer(150))
        #expect(t.run("ZREMRANGEBYSCORE", "z", "-inf", "(50") == .integer(100))
        #expect(t.run("ZRANK", "z", "m1150") == .integer(50))
        #expect(t.run("ZREMRANGEBYRANK", "z", "0", "9") == .integer(10))
        #expect(t.run("ZCARD", "z") == .integer(190))
        t.expectReplayMatches()
    }

    /// Mixed scores: Redis leaves BYLEX unspecified, but a listpack's answer
    /// is its linear walk, which a compact set replays (recorded from
    /// redis-server 7.0.15).
    @Test func byLexOnMixedScoresFollowsTheListpackWalk() {
        let t = TestEngine()
        t.run("ZADD", "m", "1", "d", "2", "a", "3", "c", "4", "b", "5", "e")
        #expect(t.run("ZRANGEBYLEX", "m", "[b", "+") == .texts(["d", "a", "c", "b", "e"]))
        #expect(t.run("ZRANGEBYLEX", "m", "-", "[c") == .array([]))
        #expect(t.run("ZREVRANGEBYLEX", "m", "+", "[b") == .texts(["e", "b", "c"]))
        #expect(t.run("ZREVRANGEBYLEX", "m", "[c", "-") == .array([]))
        #expect(t.run("ZLEXCOUNT", "m", "[b", "+") == .integer(5))
        #expect(t.run("ZLEXCOUNT", "m", "-", "[c") == .integer(0))
        #expect(t.run("ZRANGEBYLEX", "m", "(d", "+") == .texts(["e"]))
        #expect(t.run("ZREMRANGEBYLEX", "m", "[b", "[c") == .integer(0))
    }

    @Test func byLexOnASkiplistWithLimits() {
        let t = TestEngine()
        for index in 0..<300 { t.run("ZADD", "z", "0", "m\(1000 + index)") }
        #expect(t.run("OBJECT", "ENCODING", "z") == .text("skiplist"))
        #expect(t.run("ZRANGEBYLEX", "z", "(m1010", "+", "LIMIT", "0", "3") == .texts(["m1011", "m1012", "m1013"]))
        #expect(t.run("ZRANGEBYLEX", "z", "[m1010", "[m1012", "LIMIT", "1", "-1") == .texts(["m1011", "m1012"]))
        #expect(t.run("ZREVRANGEBYLEX", "z", "(m1100", "-", "LIMIT", "2", "2") == .texts(["m1097", "m1096"]))
        #expect(t.run("ZLEXCOUNT", "z", "[m1100", "(m1200") == .integer(100))
        #expect(t.run("ZLEXCOUNT", "z", "(m1299", "+") == .integer(0))
        #expect(t.run("ZREMRANGEBYLEX", "z", "[m1000", "(m1100") == .integer(100))
        #expect(t.run("ZRANGE", "z", "0", "0") == .texts(["m1100"]))
        t.expectReplayMatches()
    }
}
