import Testing
@testable import Cairn

/// The typed list conveniences: the same replies and effects as their
/// commands, Redis's errors thrown as `CommandError`.
@Suite struct TypedListAPITests {
    @Test func queueAndStack() throws {
        let engine = Engine(configuration: EngineConfiguration(clock: ManualClock(milliseconds: 1_700_000_000_000), randomSeed: 3))
        #expect(try engine.rpush("jobs", ["a", "b", Array([0, 13, 10])]) == 3)
        #expect(try engine.lpush("jobs", ["y", "z"]) == 5)
        #expect(try engine.lrange("jobs") == ["z", "y", "a", "b"].map { Array($0.utf8) } + [[0, 13, 10]])
        #expect(try engine.lrange("jobs", 1, 2) == [Array("y".utf8), Array("a".utf8)])
        #expect(try engine.llen("jobs") == 5)
        #expect(try engine.lpop("jobs") == Array("z".utf8))
        #expect(try engine.rpop("jobs") == [0, 13, 10])
        #expect(try engine.lpop("jobs", count: 2) == [Array("y".utf8), Array("a".utf8)])
        #expect(try engine.rpop("jobs", count: 5) == [Array("b".utf8)])
        #expect(try engine.lpop("jobs") == nil)
        #expect(try engine.rpop("jobs", count: 2) == [])
        #expect(try engine.llen("jobs") == 0)
        #expect(try engine.lrange("jobs") == [])
        try engine.set("s", "v")
        #expect(throws: CommandError("WRONGTYPE Operation against a key holding the wrong kind of value")) { try engine.lpush("s", ["x"]) }
        #expect(throws: CommandError("ERR value is out of range, must be positive")) { try engine.lpop("jobs", count: -1) }
    }
}
