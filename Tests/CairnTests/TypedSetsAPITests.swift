import Testing
@testable import Cairn

/// The typed set conveniences: same replies and errors as their commands.
@Suite struct TypedSetsAPITests {
    @Test func setConveniences() throws {
        let engine = Engine(configuration: EngineConfiguration(clock: ManualClock(milliseconds: 1_700_000_000_000), randomSeed: 3))
        #expect(try engine.sadd("tags", ["swift", "redis", "swift"]) == 2)
        #expect(try engine.sadd("tags", [Array([0, 13, 10]), "redis"]) == 1)
        #expect(try engine.scard("tags") == 3)
        #expect(try engine.sismember("tags", "swift"))
        #expect(try engine.sismember("tags", "go") == false)
        #expect(try engine.smembers("tags") == [Array("swift".utf8), Array("redis".utf8), [0, 13, 10]])
        #expect(try engine.srem("tags", ["swift", "go"]) == 1)
        #expect(try engine.smembers("nokey") == [])
        #expect(try engine.scard("nokey") == 0)
        #expect(try engine.srem("tags", ["redis", [0, 13, 10]]) == 2)
        #expect(try engine.exists("tags") == false)
        try engine.set("s", "v")
        #expect(throws: CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")) {
            try engine.sadd("s", ["a"])
        }
        #expect(throws: CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")) {
            try engine.smembers("s")
        }
    }
}
