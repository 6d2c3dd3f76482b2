import Testing
@testable import Cairn

/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD
/// (`zunionInterDiffGenericCommand`); expected replies recorded from
/// redis-server 7.0.15.
@Suite struct SortedSetAlgebraTests {
    func engine() -> TestEngine {
        let t = TestEngine()
        t.run("ZADD", "a", "1", "x", "2", "y", "3", "z")
        t.run("ZADD", "b", "10", "y", "20", "z", "30", "w")
        t.run("ZADD", "i", "inf", "x", "-inf", "y")
        return t
    }

    @Test func unionWeightsAndAggregates() {
        let t = engine()
        #expect(t.run("ZUNION", "2", "a", "b", "WITHSCORES") == scored([("x", 1), ("y", 12), ("z", 23), ("w", 30)]))
        #expect(t.run("ZUNION", "2", "a", "b") == .texts(["x", "y", "z", "w"]))
        #expect(t.run("ZUNION", "2", "a", "b", "WEIGHTS", "2", "0.5", "AGGREGATE", "MAX", "WITHSCORES")
                == scored([("x", 2), ("y", 5), ("z", 10), ("w", 15)]))
        #expect(t.run("ZUNION", "3", "a", "b", "missing", "AGGREGATE", "MIN", "WITHSCORES")
                == scored([("x", 1), ("y", 2), ("z", 3), ("w", 30)]))
        // inf * 0 is NaN, which Redis turns into 0; +inf + -inf likewise.
        #expect(t.run("ZUNION", "2", "i", "a", "WEIGHTS", "0", "1", "WITHSCORES") == scored([("x", 1), ("y", 2), ("z", 3)]))
        #expect(t.run("ZUNION", "2", "a", "i", "WITHSCORES") == scored([("y", -.infinity), ("z", 3), ("x", .infinity)]))
        t.run("ZADD", "j", "-inf", "x")
        #expect(t.run("ZUNION", "2", "i", "j", "WITHSCORES") == scored([("y", -.infinity), ("x", 0)]))
    }

    @Test func intersectionAndCardinality() {
        let t = engine()
        #expect(t.run("ZINTER", "2", "a", "b", "AGGREGATE", "MIN", "WITHSCORES") == scored([("y", 2), ("z", 3)]))
        #expect(t.run("ZINTER", "2", "a", "b", "WITHSCORES") == scored([("y", 12), ("z", 23)]))
        #expect(t.run("ZINTER", "2", "i", "a", "WEIGHTS", "0", "1", "WITHSCORES") == scored([("x", 1), ("y", 2)]))
        #expect(t.run("ZINTER", "2", "a", "i", "WITHSCORES") == scored([("y", -.infinity), ("x", .infinity)]))
        #expect(t.run("ZINTER", "2", "a", "a", "WITHSCORES") == scored([("x", 2), ("y", 4), ("z", 6)]))
        #expect(t.run("ZINTER", "2", "a", "missing") == .array([]))
        #expect(t.run("ZINTERCARD", "2", "a", "b") == .integer(2))
        #expect(t.run("ZINTERCARD", "2", "a", "b", "LIMIT", "1") == .integer(1))
        #expect(t.run("ZINTERCARD", "2", "a", "b", "LIMIT", "0") == .integer(2))
        #expect(t.run("ZINTERCARD", "1", "a", "LIMIT", "-1") == .err("ERR LIMIT can't be negative"))
        #expect(t.run("ZINTERCARD", "0", "a") == .err("ERR at least 1 input key is needed for 'zintercard' command"))
        #expect(t.run("ZINTERCARD", "1", "a", "WITHSCORES") == syntaxError)
    }

    @Test func difference() {
        let t = engine()
        #expect(t.run("ZDIFF", "2", "b", "a", "WITHSCORES") == scored([("w", 30)]))
        #expect(t.run("ZDIFF", "3", "a", "b", "i") == .array([]))
        #expect(t.run("ZDIFF", "2", "missing", "a") == .array([]))
        #expect(t.run("ZDIFF", "1", "missing", "a") == syntaxError)
        #expect(t.run("ZDIFF", "1", "a", "WEIGHTS", "1") == syntaxError)
        #expect(t.run("ZDIFF", "1", "a", "AGGREGATE", "MIN") == syntaxError)
    }

    @Test func errorsInRedisOrder() {
        let t = engine()
        #expect(t.run("ZUNION", "2", "a") == syntaxError)
        #expect(t.run("ZUNION", "0", "a") == .err("ERR at least 1 input key is needed for 'zunion' command"))
        #expect(t.run("ZUNIONSTORE", "d", "0", "a") == .err("ERR at least 1 input key is needed for 'zunionstore' command"))
        #expect(t.run("ZUNION", "x", "a") == notInteger)
        #expect(t.run("ZINTER", "2", "a", "b", "WEIGHTS", "1", "x") == .err("ERR weight value is not a float"))
        #expect(t.run("ZINTER", "2", "a", "b", "WEIGHTS", "1") == syntaxError)
        #expect(t.run("ZUNION", "1", "a", "AGGREGATE", "AVG") == syntaxError)
        #expect(t.run("ZINTERSTORE", "d", "2", "a", "b", "WITHSCORES") == syntaxError)
        // Types are checked before the options are parsed.
        t.run("SET", "s", "v")
        #expect(t.run("ZUNION", "2", "a", "s", "BOGUS") == wrongType)
        #expect(t.run("ZUNION", "2", "a", "b", "BOGUS") == syntaxError)
    }

    @Test func storeVariants() {
        let t = engine()
        #expect(t.run("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2") == .integer(4))
        #expect(t.lastEffects == [["ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"]])
        #expect(t.run("ZRANGE", "d", "0", "-1", "WITHSCORES") == scored([("x", 1), ("y", 22), ("z", 43), ("w", 60)]))
        #expect(t.run("OBJECT", "ENCODING", "d") == .text("listpack"))
        #expect(t.run("ZINTERSTORE", "d", "2", "a", "b", "AGGREGATE", "MAX") == .integer(2))
        #expect(t.run("ZRANGE", "d", "0", "-1", "WITHSCORES") == scored([("y", 10), ("z", 20)]))
        #expect(t.run("ZDIFFSTORE", "d", "2", "a", "b") == .integer(1))
        #expect(t.run("ZRANGE", "d", "0", "-1", "WITHSCORES") == scored([("x", 1)]))
        // An empty result deletes the destination (logged only if it existed).
        #expect(t.run("ZINTERSTORE", "d", "2", "a", "missing") == .integer(0))
        #expect(t.lastEffects == [["ZINTERSTORE", "d", "2", "a", "missing"]])
        #expect(t.run("EXISTS", "d") == .integer(0))
        #expect(t.run("ZINTERSTORE", "d", "2", "a", "missing") == .integer(0))
        #expect(t.lastEffects == [])
        // The destination may be an input, and of another type.
        t.run("SET", "s", "v")
        #expect(t.run("ZUNIONSTORE", "s", "1", "a") == .integer(3))
        #expect(t.run("ZUNIONSTORE", "a", "2", "a", "b") == .integer(4))
        #expect(t.run("ZSCORE", "a", "z") == .double(23))
        t.expectReplayMatches()
    }

    @Test func storedResultsTakeTheCompactFormWhenTheyFit() {
        let t = TestEngine()
        for index in 0..<200 { t.run("ZADD", "big", String(index), "m\(index)") }
        t.run("ZADD", "small", "1", "m1", "2", "m2")
        #expect(t.run("OBJECT", "ENCODING", "big") == .text("skiplist"))
        #expect(t.run("ZINTERSTORE", "d", "2", "big", "small") == .integer(2))
        #expect(t.run("OBJECT", "ENCODING", "d") == .text("listpack"))
        #expect(t.run("ZUNIONSTORE", "d", "2", "big", "small") == .integer(200))
        #expect(t.run("OBJECT", "ENCODING", "d") == .text("skiplist"))
        #expect(t.run("ZRANGESTORE", "d", "big", "0", "127") == .integer(128))
        #expect(t.run("OBJECT", "ENCODING", "d") == .text("listpack"))
        t.expectReplayMatches()
    }

    /// Movable keys follow `numkeys`, as `COMMAND GETKEYS` reports them.
    @Test func keyPositionsFollowNumkeys() {
        func positions(_ words: String...) -> [Int] {
            CommandTable.lookup(words[0])!.keyPositions(in: words.map { Bytes(ascii: $0) })
        }
        #expect(positions("ZUNION", "2", "a", "b", "WEIGHTS", "1", "2") == [2, 3])
        #expect(positions("ZUNIONSTORE", "d", "2", "a", "b") == [1, 3, 4])
        #expect(positions("ZINTERCARD", "1", "a", "LIMIT", "1") == [2])
        #expect(positions("ZMPOP", "2", "a", "b", "MIN") == [2, 3])
        #expect(positions("ZDIFF", "x", "a") == [])
    }

    /// A plain set is an input whose members all score 1 (`zuiNext` on OBJ_SET);
    /// replies recorded from redis-server 7.0.15.
    @Test func plainSetsAreInputsWithScoreOne() {
        func scored(_ pairs: [(String, Double)]) -> Reply { .array(pairs.flatMap { [Reply.text($0.0), .double($0.1)] }) }
        let t = TestEngine()
        t.run("SADD", "s", "a", "b", "c")
        t.run("ZADD", "z", "1", "b", "2", "c", "3", "d")
        #expect(t.run("ZUNIONSTORE", "d", "2", "s", "z", "WEIGHTS", "2", "3") == .integer(4))
        #expect(t.run("ZRANGE", "d", "0", "-1", "WITHSCORES") == scored([("a", 2), ("b", 5), ("c", 8), ("d", 9)]))
        #expect(t.run("ZINTERSTORE", "d", "2", "s", "z", "WEIGHTS", "2", "3") == .integer(2))
        #expect(t.run("ZRANGE", "d", "0", "-1", "WITHSCORES") == scored([("b", 5), ("c", 8)]))
        #expect(t.run("ZDIFFSTORE", "d", "2", "s", "z") == .integer(1))
        #expect(t.run("ZRANGE", "d", "0", "-1", "WITHSCORES") == scored([("a", 1)]))
        #expect(t.run("ZINTER", "2", "s", "s", "WITHSCORES") == scored([("a", 2), ("b", 2), ("c", 2)]))
        #expect(t.run("ZINTERCARD", "2", "s", "z") == .integer(2))
        t.expectReplayMatches()
    }
}
