import Testing
@testable import Cairn

/// The typed conveniences are argv away from their commands: same replies,
/// same effects, Redis's errors thrown as `CommandError`.
@Suite struct TypedAPITests {
    func makeEngine() -> (Engine, ManualClock) {
        let clock = ManualClock(milliseconds: 1_700_000_000_000)
        return (Engine(configuration: EngineConfiguration(clock: clock, randomSeed: 3)), clock)
    }

    @Test func stringsAndCounters() throws {
        let (engine, clock) = makeEngine()
        #expect(try engine.set("user:1", "alice"))
        #expect(try engine.get("user:1") == Array("alice".utf8))
        #expect(try engine.get("missing") == nil)
        #expect(try engine.set("user:1", "bob", condition: .ifAbsent) == false)
        #expect(try engine.set("user:2", "carol", condition: .ifPresent) == false)
        #expect(try engine.set("session", "s", expiration: .seconds(10)))
        #expect(try engine.timeToLive("session") == .milliseconds(10_000))
        #expect(try engine.set("session", "t", expiration: .keep))
        #expect(try engine.timeToLive("session") == .milliseconds(10_000))
        clock.advance(milliseconds: 10_001)
        #expect(try engine.get("session") == nil)
        #expect(try engine.timeToLive("session") == .missing)
        #expect(try engine.incr("visits") == 1)
        #expect(try engine.incr("visits", by: 41) == 42)
        #expect(try engine.incr("price", byFloat: 2.5) == 2.5)
        try engine.mset([("a", "1"), ("b", Array([0, 13, 10]))])
        #expect(try engine.mget(["a", "b", "nope"]) == [Array("1".utf8), [0, 13, 10], nil])
        #expect(throws: CommandError("ERR value is not an integer or out of range")) { try engine.incr("user:1") }
    }

    @Test func keysAndExpiry() throws {
        let (engine, clock) = makeEngine()
        try engine.set("k", "v")
        #expect(try engine.exists("k"))
        #expect(try engine.timeToLive("k") == .persistent)
        #expect(try engine.expire("k", after: .milliseconds(1500)))
        #expect(try engine.timeToLive("k") == .milliseconds(1500))
        #expect(try engine.persist("k"))
        #expect(try engine.persist("k") == false)
        #expect(try engine.expire("k", after: .seconds(1)))
        clock.advance(milliseconds: 1001)
        #expect(try engine.exists("k") == false)
        try engine.set("x", "1")
        try engine.set("y", "2")
        #expect(try engine.delete("x", "y", "z") == 2)
    }

    @Test func hashesWithATTL() throws {
        let (engine, clock) = makeEngine()
        #expect(try engine.hset("product:42", [("name", "lamp"), ("price", "30")]) == 2)
        #expect(try engine.hset("product:42", [("price", "31")]) == 0)
        #expect(try engine.hget("product:42", "price") == Array("31".utf8))
        #expect(try engine.hincr("product:42", "stock", by: 5) == 5)
        #expect(try engine.hgetall("product:42") == [Array("name".utf8): Array("lamp".utf8),
                                                     Array("price".utf8): Array("31".utf8),
                                                     Array("stock".utf8): Array("5".utf8)])
        #expect(try engine.hdel("product:42", "stock", "nope") == 1)
        #expect(try engine.expire("product:42", after: .seconds(3600)))
        clock.advance(milliseconds: 3_600_001)
        #expect(try engine.hgetall("product:42") == [:])
        try engine.set("s", "v")
        #expect(throws: CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")) {
            try engine.hget("s", "f")
        }
    }

    @Test func executeSharesTheEngineSession() {
        let (engine, _) = makeEngine()
        #expect(engine.execute("SELECT", "5") == .ok)
        #expect(engine.session.database == 5)
        engine.execute("SET", "k", "v")
        #expect(engine.keyCount(database: 5) == 1)
        #expect(engine.keyCount(database: 0) == 0)
    }
}
