import Testing
@testable import Cairn

/// MEMORY USAGE: Redis 7.0.15's argument checks and null for a missing key;
/// the size is an estimate that grows with the value.
@Suite struct MemoryUsageTests {
    @Test func argumentsAndMissingKey() {
        let t = TestEngine()
        t.run("SET", "a", "b")
        #expect(t.run("MEMORY", "USAGE", "nokey") == .null)
        #expect(t.run("MEMORY", "USAGE", "a", "SAMPLES", "x") == notInteger)
        #expect(t.run("MEMORY", "USAGE", "a", "SAMPLES", "-1") == syntaxError)
        #expect(t.run("MEMORY", "USAGE", "a", "foo") == syntaxError)
        #expect(t.run("MEMORY", "USAGE", "a", "SAMPLES") == syntaxError)
        #expect(t.run("MEMORY", "USAGE") == arityError("memory|usage"))
    }

    @Test func usageGrowsWithTheValue() {
        let t = TestEngine()
        t.run("SET", "s", "x")
        t.run("SET", "big", String(repeating: "A", count: 33000))
        t.run("HSET", "h", "a", "1", "b", "2")
        guard case .integer(let small) = t.run("MEMORY", "USAGE", "s", "SAMPLES", "0"),
              case .integer(let big) = t.run("MEMORY", "USAGE", "big"),
              case .integer(let hash) = t.run("MEMORY", "USAGE", "h") else {
            Issue.record("MEMORY USAGE did not answer an integer")
            return
        }
        #expect(small > 0 && small < 100)
        #expect(big > 33000 && big < 42000)
        #expect(hash > small)
        #expect(t.lastEffects == [])
    }
}
