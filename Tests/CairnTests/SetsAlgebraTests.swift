import Testing
@testable import Cairn

/// SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms (t_set.c's
/// `sinterGenericCommand` and `sunionDiffGenericCommand`).
@Suite struct SetsAlgebraTests {
    let members = SetTestSupport.members

    func fixture() -> TestEngine {
        let t = TestEngine()
        t.run("SADD", "a", "1", "2", "3", "x")
        t.run("SADD", "b", "2", "3", "4")
        t.run("SADD", "c", "3", "x", "9")
        return t
    }

    @Test func inter() {
        let t = fixture()
        #expect(members(t.run("SINTER", "a", "b")) == ["2", "3"])
        #expect(members(t.run("SINTER", "a", "b", "c")) == ["3"])
        #expect(members(t.run("SINTER", "a", "a")) == ["1", "2", "3", "x"])
        #expect(t.run("SINTER", "a", "nokey") == .set([]))
        #expect(t.run("SINTER", "nokey", "a") == .set([]))
        #expect(t.run("SINTER") == arityError("sinter"))
    }

    @Test func interCardAndItsArguments() {
        let t = fixture()
        #expect(t.run("SINTERCARD", "2", "a", "b") == .integer(2))
        #expect(t.run("SINTERCARD", "1", "a") == .integer(4))
        #expect(t.run("SINTERCARD", "2", "a", "b", "LIMIT", "1") == .integer(1))
        #expect(t.run("SINTERCARD", "2", "a", "b", "limit", "0") == .integer(2), "LIMIT 0 means no limit")
        #expect(t.run("SINTERCARD", "2", "a", "b", "LIMIT", "5") == .integer(2))
        #expect(t.run("SINTERCARD", "2", "a", "nokey") == .integer(0))
        #expect(t.run("SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "2") == .integer(2), "the last LIMIT wins")
        let numkeys = Reply.err("ERR numkeys should be greater than 0")
        #expect(t.run("SINTERCARD", "0", "a") == numkeys)
        #expect(t.run("SINTERCARD", "-1", "a") == numkeys)
        #expect(t.run("SINTERCARD", "x", "a") == numkeys)
        #expect(t.run("SINTERCARD", "3", "a", "b") == .err("ERR Number of keys can't be greater than number of args"))
        #expect(t.run("SINTERCARD", "1", "a", "LIMIT") == syntaxError, "LIMIT without a value")
        #expect(t.run("SINTERCARD", "1", "a", "LIMIT", "-1") == .err("ERR LIMIT can't be negative"))
        #expect(t.run("SINTERCARD", "1", "a", "LIMIT", "x") == .err("ERR LIMIT can't be negative"))
        #expect(t.run("SINTERCARD", "1", "a", "FOO", "1") == syntaxError)
        #expect(t.run("SINTERCARD", "1") == arityError("sintercard"))
        t.run("SET", "s", "v")
        #expect(t.run("SINTERCARD", "2", "nokey", "s") == wrongType, "every key is type-checked")
        #expect(t.run("SINTERCARD", "1", "a", "LIMIT", "-1") == .err("ERR LIMIT can't be negative"))
    }

    @Test func union() {
        let t = fixture()
        #expect(members(t.run("SUNION", "a", "b", "nokey")) == ["1", "2", "3", "4", "x"])
        #expect(t.run("SUNION", "nokey") == .set([]))
    }

    @Test func diff() {
        let t = fixture()
        #expect(members(t.run("SDIFF", "a", "b")) == ["1", "x"])
        #expect(members(t.run("SDIFF", "a", "b", "c")) == ["1"])
        #expect(members(t.run("SDIFF", "a", "nokey")) == ["1", "2", "3", "x"])
        #expect(t.run("SDIFF", "nokey", "a") == .set([]))
        #expect(t.run("SDIFF", "a", "b", "a") == .set([]), "the first set again: empty")
    }

    @Test func storeFormsReplaceTheDestinationAndLogThemselves() {
        let t = fixture()
        t.run("SET", "d", "string")
        t.run("EXPIRE", "d", "100")
        #expect(t.run("SINTERSTORE", "d", "a", "b") == .integer(2))
        #expect(t.lastEffects == [["SINTERSTORE", "d", "a", "b"]])
        #expect(members(t.run("SMEMBERS", "d")) == ["2", "3"])
        #expect(t.run("TTL", "d") == .integer(-1), "the old TTL is gone")
        #expect(SetTestSupport.encoding(t, "d") == .text("intset"))
        #expect(t.run("SUNIONSTORE", "d", "a", "c") == .integer(5))
        #expect(SetTestSupport.encoding(t, "d") == .text("hashtable"))
        #expect(t.run("SDIFFSTORE", "d", "a", "c") == .integer(2))
        #expect(members(t.run("SMEMBERS", "d")) == ["1", "2"])
        #expect(t.run("SUNIONSTORE", "a", "a", "b") == .integer(5), "the destination may be a source")
        t.expectReplayMatches()
    }

    @Test func emptyResultsDeleteTheDestination() {
        let t = fixture()
        t.run("SET", "d", "x")
        #expect(t.run("SINTERSTORE", "d", "a", "nokey") == .integer(0))
        #expect(t.lastEffects == [["DEL", "d"]])
        #expect(t.run("EXISTS", "d") == .integer(0))
        #expect(t.run("SDIFFSTORE", "d", "a", "a") == .integer(0))
        #expect(t.lastEffects == [], "nothing to delete: nothing logged")
        t.run("SADD", "d", "q")
        t.run("SADD", "e", "zz")
        #expect(t.run("SINTERSTORE", "d", "b", "e") == .integer(0))
        #expect(t.lastEffects == [["DEL", "d"]])
        #expect(t.run("SUNIONSTORE", "d", "nokey") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func storeOfExpiredSourcesReplays() {
        let t = fixture()
        t.run("PEXPIRE", "b", "10")
        t.clock.advance(milliseconds: 20)
        #expect(t.run("SUNIONSTORE", "d", "a", "b") == .integer(4))
        #expect(t.lastEffects.first == ["DEL", "b"], "lazy expiry is logged before the command")
        t.expectReplayMatches()
    }
}
