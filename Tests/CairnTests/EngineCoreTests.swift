import Testing
@testable import Cairn

@Suite struct EngineCoreTests {
    @Test func unknownCommandNamesItsArguments() {
        let t = TestEngine()
        #expect(t.run("NOPE", "a", "b") == .err("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' "))
        #expect(t.run("nope") == .err("ERR unknown command 'nope', with args beginning with: "))
    }

    @Test func arityIsCheckedBeforeTheHandlerRuns() {
        let t = TestEngine()
        #expect(t.run("GET") == arityError("get"))
        #expect(t.run("get", "a", "b") == arityError("get"))
        #expect(t.run("DBSIZE", "x") == arityError("dbsize"))
    }

    @Test func commandNamesAreCaseInsensitive() {
        let t = TestEngine()
        #expect(t.run("sEt", "k", "v") == .ok)
        #expect(t.run("GeT", "k") == .text("v"))
    }

    @Test func selectSwitchesTheSessionDatabase() {
        let t = TestEngine()
        t.run("SET", "k", "zero")
        #expect(t.run("SELECT", "3") == .ok)
        #expect(t.session.database == 3)
        #expect(t.run("GET", "k") == .null)
        t.run("SET", "k", "three")
        #expect(t.lastEffects == [["SET", "k", "three"]])
        #expect(t.records.last?.first?.database == 3)
        #expect(t.run("SELECT", "16") == .err("ERR DB index is out of range"))
        #expect(t.run("SELECT", "-1") == .err("ERR DB index is out of range"))
        #expect(t.run("SELECT", "x") == notInteger)
        t.run("SELECT", "0")
        #expect(t.run("GET", "k") == .text("zero"))
    }

    @Test func flushAndSwap() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        t.run("SELECT", "1")
        t.run("SET", "b", "2")
        #expect(t.run("SWAPDB", "0", "1") == .ok)
        #expect(t.lastEffects == [["SWAPDB", "0", "1"]])
        #expect(t.run("GET", "a") == .text("1"))
        #expect(t.run("SWAPDB", "0", "x") == .err("ERR invalid second DB index"))
        #expect(t.run("SWAPDB", "0", "20") == .err("ERR DB index is out of range"))
        #expect(t.run("DBSIZE") == .integer(1))
        #expect(t.run("FLUSHDB", "bogus") == syntaxError)
        #expect(t.run("FLUSHDB", "ASYNC") == .ok)
        #expect(t.lastEffects == [["FLUSHDB"]])
        #expect(t.run("FLUSHDB") == .ok)
        #expect(t.lastEffects == [], "flushing an empty database logs nothing")
        #expect(t.run("DBSIZE") == .integer(0))
        #expect(t.run("FLUSHALL") == .ok)
        #expect(t.lastEffects == [["FLUSHALL"]])
        t.run("SELECT", "0")
        #expect(t.run("DBSIZE") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func transactionIsOneRecordWithEveryEffect() {
        let t = TestEngine()
        var session = Session()
        let execution = t.engine.executeTransaction([
            ["SET", "a", "1"].map { Array($0.utf8) },
            ["GET", "a"].map { Array($0.utf8) },
            ["SELECT", "2"].map { Array($0.utf8) },
            ["SET", "b", "2"].map { Array($0.utf8) },
        ], session: &session)
        #expect(execution.reply == .array([.ok, .text("1"), .ok, .ok]))
        #expect(execution.effects.count == 2)
        #expect(execution.effects[1].database == 2)
        #expect(session.database == 2)
    }

    @Test func watchVersionsChangeOnWriteFlushAndSwap() {
        let t = TestEngine()
        let key = Array("w".utf8)
        let v0 = t.engine.watch(database: 0, key: key)
        t.run("SET", "other", "x")
        #expect(t.engine.modificationVersion(database: 0, key: key) == v0)
        t.run("SET", "w", "x")
        let v1 = t.engine.modificationVersion(database: 0, key: key)
        #expect(v1 != v0)
        t.run("FLUSHALL")
        let v2 = t.engine.modificationVersion(database: 0, key: key)
        #expect(v2 != v1)
        t.run("SELECT", "1")
        t.run("SET", "w", "y")
        t.run("SWAPDB", "0", "1")
        #expect(t.engine.modificationVersion(database: 0, key: key) != v2)
        t.engine.unwatch(database: 0, key: key)
    }

    @Test func watchVersionsChangeWhenAKeyExpires() {
        let t = TestEngine()
        let lazy = Array("lazy".utf8), active = Array("active".utf8)
        t.run("SET", "lazy", "v", "PX", "100")
        t.run("SET", "active", "v", "PX", "100")
        let lazyBefore = t.engine.watch(database: 0, key: lazy)
        let activeBefore = t.engine.watch(database: 0, key: active)
        t.clock.advance(milliseconds: 101)
        #expect(t.engine.isLogicallyExpired(database: 0, key: lazy))
        #expect(t.run("GET", "lazy") == .null)
        #expect(t.engine.modificationVersion(database: 0, key: lazy) != lazyBefore, "lazy expiry is a modification")
        #expect(t.engine.activeExpireCycle() == [Effect(database: 0, argv: [Array("DEL".utf8), active])])
        #expect(t.engine.modificationVersion(database: 0, key: active) != activeBefore, "active expiry is a modification")
    }

    @Test func digestIgnoresInsertionOrder() {
        let a = TestEngine(), b = TestEngine()
        for i in 0..<200 { a.run("SET", "k\(i)", "v\(i)") }
        for i in (0..<200).reversed() { b.run("SET", "k\(i)", "v\(i)") }
        #expect(a.engine.digest() == b.engine.digest())
        b.run("SET", "k7", "changed")
        #expect(a.engine.digest() != b.engine.digest())
        #expect(TestEngine().engine.digest() == String(repeating: "0", count: 32))
    }
}
