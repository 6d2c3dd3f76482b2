import Testing
@testable import Cairn

/// LINSERT, LREM, LTRIM and LPOS against Redis 7.0.15.
@Suite struct ListEditsTests {
    @Test func insertAroundThePivot() {
        let t = TestEngine()
        #expect(t.run("LINSERT", "l", "MIDDLE", "a", "b") == syntaxError)
        #expect(t.run("LINSERT", "l", "BEFORE", "a", "b") == .integer(0), "missing key")
        #expect(t.lastEffects == [])
        t.run("RPUSH", "l", "a", "b", "a")
        #expect(t.run("LINSERT", "l", "BEFORE", "zz", "x") == .integer(-1), "missing pivot")
        #expect(t.lastEffects == [])
        #expect(t.run("LINSERT", "l", "before", "a", "x") == .integer(4), "the first pivot from the head")
        #expect(t.lastEffects == [["LINSERT", "l", "before", "a", "x"]])
        #expect(t.run("LINSERT", "l", "AFTER", "a", "y") == .integer(5))
        #expect(t.run("LINSERT", "l", "AFTER", "b", "z") == .integer(6))
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["x", "a", "y", "b", "z", "a"]))
        #expect(t.run("LINSERT", "l", "nope", "a", "y") == syntaxError)
        t.expectReplayMatches()
    }

    @Test func removeByCountAndDirection() {
        let t = TestEngine()
        #expect(t.run("LREM", "l", "x", "a") == notInteger)
        #expect(t.run("LREM", "l", "0", "a") == .integer(0))
        t.run("RPUSH", "l", "a", "b", "a", "c", "a", "b")
        #expect(t.run("LREM", "l", "0", "zz") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("LREM", "l", "1", "a") == .integer(1))
        #expect(t.lastEffects == [["LREM", "l", "1", "a"]])
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["b", "a", "c", "a", "b"]))
        #expect(t.run("LREM", "l", "-1", "a") == .integer(1), "negative: from the tail")
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["b", "a", "c", "b"]))
        #expect(t.run("LREM", "l", "0", "b") == .integer(2))
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["a", "c"]))
        #expect(t.run("LREM", "l", "-9223372036854775808", "a") == .integer(1))
        #expect(t.run("LREM", "l", "5", "c") == .integer(1))
        #expect(t.run("EXISTS", "l") == .integer(0), "an emptied list is deleted")
        t.expectReplayMatches()
    }

    @Test func trimKeepsTheRange() {
        let t = TestEngine()
        #expect(t.run("LTRIM", "l", "0", "x") == notInteger)
        #expect(t.run("LTRIM", "l", "0", "1") == .simple("OK"))
        #expect(t.lastEffects == [])
        t.run("RPUSH", "l", "a", "b", "c", "d", "e")
        #expect(t.run("LTRIM", "l", "0", "-1") == .simple("OK"))
        #expect(t.lastEffects == [], "a trim that removes nothing logs nothing")
        #expect(t.run("LTRIM", "l", "1", "100") == .simple("OK"))
        #expect(t.lastEffects == [["LTRIM", "l", "1", "100"]])
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["b", "c", "d", "e"]))
        #expect(t.run("LTRIM", "l", "-3", "-2") == .simple("OK"))
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["c", "d"]))
        #expect(t.run("LTRIM", "l", "5", "1") == .simple("OK"))
        #expect(t.run("EXISTS", "l") == .integer(0), "an empty range deletes the list")
        t.expectReplayMatches()
    }

    @Test func positionsWithRankCountAndMaxlen() {
        let t = TestEngine()
        #expect(t.run("LPOS", "l", "a") == .null)
        #expect(t.run("LPOS", "l", "a", "COUNT", "0") == .array([]))
        t.run("RPUSH", "l", "a", "b", "c", "a", "b", "a")
        #expect(t.run("LPOS", "l", "a") == .integer(0))
        #expect(t.run("LPOS", "l", "zz") == .null)
        #expect(t.run("LPOS", "l", "zz", "COUNT", "2") == .array([]))
        #expect(t.run("LPOS", "l", "a", "RANK", "2") == .integer(3))
        #expect(t.run("LPOS", "l", "a", "RANK", "-1") == .integer(5))
        #expect(t.run("LPOS", "l", "a", "RANK", "-3") == .integer(0))
        #expect(t.run("LPOS", "l", "a", "RANK", "4") == .null)
        #expect(t.run("LPOS", "l", "a", "COUNT", "0") == .array([.integer(0), .integer(3), .integer(5)]))
        #expect(t.run("LPOS", "l", "a", "COUNT", "2") == .array([.integer(0), .integer(3)]))
        #expect(t.run("LPOS", "l", "a", "RANK", "-1", "COUNT", "2") == .array([.integer(5), .integer(3)]))
        #expect(t.run("LPOS", "l", "a", "RANK", "2", "COUNT", "0") == .array([.integer(3), .integer(5)]))
        #expect(t.run("LPOS", "l", "a", "MAXLEN", "3", "COUNT", "0") == .array([.integer(0)]))
        #expect(t.run("LPOS", "l", "a", "MAXLEN", "4", "RANK", "-1") == .integer(5))
        #expect(t.run("LPOS", "l", "b", "MAXLEN", "1") == .null)
        #expect(t.run("LPOS", "l", "a", "RANK", "1", "RANK", "3") == .integer(5), "a later option wins")
    }

    @Test func positionErrors() {
        let t = TestEngine()
        t.run("RPUSH", "l", "a")
        let rankZero = Reply.err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
        #expect(t.run("LPOS", "l", "a", "RANK", "0") == rankZero)
        #expect(t.run("LPOS", "missing", "a", "RANK", "0") == rankZero, "options are parsed before the lookup")
        #expect(t.run("LPOS", "l", "a", "RANK", "x") == notInteger)
        #expect(t.run("LPOS", "l", "a", "COUNT", "-1") == .err("ERR COUNT can't be negative"))
        #expect(t.run("LPOS", "l", "a", "COUNT", "x") == .err("ERR COUNT can't be negative"))
        #expect(t.run("LPOS", "l", "a", "MAXLEN", "-1") == .err("ERR MAXLEN can't be negative"))
        #expect(t.run("LPOS", "l", "a", "COUNT") == syntaxError)
        #expect(t.run("LPOS", "l", "a", "BOGUS", "1") == syntaxError)
        // redis-server 7.0.15 negates RANK in a long: LLONG_MIN stays
        // negative, so it is the first match from the tail, and COUNT is
        // never reached (every match).
        #expect(t.run("LPOS", "l", "a", "RANK", "-9223372036854775808") == .integer(0))
        t.run("RPUSH", "l2", "1", "x", "1", "y", "1")
        #expect(t.run("LPOS", "l2", "1", "RANK", "-9223372036854775808") == .integer(4))
        #expect(t.run("LPOS", "l2", "1", "RANK", "-9223372036854775808", "COUNT", "1")
            == .array([.integer(4), .integer(2), .integer(0)]))
        #expect(t.run("LPOS", "l2", "1", "RANK", "-9223372036854775808", "MAXLEN", "2") == .integer(4))
        #expect(t.run("LPOS", "l2", "1", "RANK", "-9223372036854775807") == .null)
        #expect(t.run("LPOS", "l2", "1", "RANK", "9223372036854775808") == notInteger)
    }
}
