import Testing
@testable import Cairn

/// `Engine.activeExpireCycle` on the manual clock: no test sleeps. Each
/// cycle samples 20 volatile keys per database, deletes the expired ones
/// through `DEL` effects, and samples again while more than a quarter of a
/// sample had expired (within the time limit).
@Suite struct ActiveExpiryTests {
    /// A generous limit, so a slow debug build never cuts a cycle short
    /// where the test expects it to run to its natural end.
    static let noTimeLimit = Duration.seconds(30)

    /// Adds `count` string keys `prefix0...` that expire `ttl` ms from now.
    static func addVolatile(_ t: TestEngine, _ prefix: String, count: Int, ttl: Int64) {
        for i in 0..<count {
            t.run("SET", "\(prefix)\(i)", "v")
            t.run("PEXPIRE", "\(prefix)\(i)", String(ttl))
        }
    }

    /// Replays the commands' effects followed by the cycles' effects into a
    /// fresh engine, which must end up with the same data.
    static func expectReplayMatches(_ t: TestEngine, cycles: [Effect],
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        t.expectReplayMatches(extraEffects: cycles, sourceLocation: sourceLocation)
    }

    /// Every effect must be `DEL key` of a key named with `prefix`.
    static func areDeletes(_ effects: [Effect], prefix: String) -> Bool {
        effects.allSatisfy { effect in
            effect.argv.count == 2 && effect.argv[0] == Array("DEL".utf8)
                && String(decoding: effect.argv[1], as: UTF8.self).hasPrefix(prefix)
        }
    }

    @Test func nothingToDoLogsNothing() {
        let t = TestEngine()
        #expect(t.engine.activeExpireCycle().isEmpty)
        t.run("SET", "forever", "v")
        ActiveExpiryTests.addVolatile(t, "later", count: 50, ttl: 60_000)
        #expect(t.engine.activeExpireCycle().isEmpty)
        #expect(t.engine.keyCount(database: 0) == 51)
    }

    @Test func oneCycleDeletesEveryKeyWhenAllHaveExpired() {
        let t = TestEngine()
        for i in 0..<100 { t.run("SET", "plain\(i)", "v") }
        ActiveExpiryTests.addVolatile(t, "gone", count: 1000, ttl: 100)
        t.clock.advance(milliseconds: 101)
        let effects = t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit)
        #expect(effects.count == 1000, "every sample is all expired, so the cycle repeats to the end")
        #expect(ActiveExpiryTests.areDeletes(effects, prefix: "gone"))
        #expect(Set(effects.map(\.argv[1])).count == 1000)
        #expect(t.engine.expiringKeyCount(database: 0) == 0)
        #expect(t.engine.keyCount(database: 0) == 100, "keys without a TTL stay")
        #expect(t.engine.keyspace.statistics.expiredKeys == 1000)
        ActiveExpiryTests.expectReplayMatches(t, cycles: effects)
    }

    @Test func defaultTimeLimitIsEnoughForAThousandKeys() {
        let t = TestEngine()
        ActiveExpiryTests.addVolatile(t, "gone", count: 1000, ttl: 1)
        t.clock.advance(milliseconds: 2)
        var effects = t.engine.activeExpireCycle()
        // A loaded machine may cut the 25 ms cycle short; later cycles finish.
        var cycles = 1
        while t.engine.expiringKeyCount(database: 0) > 0 && cycles < 100 {
            effects += t.engine.activeExpireCycle()
            cycles += 1
        }
        #expect(effects.count == 1000)
        #expect(t.engine.keyCount(database: 0) == 0)
    }

    @Test func fewExpiredKeysStopTheCycleAfterOneSample() {
        let t = TestEngine()
        ActiveExpiryTests.addVolatile(t, "stale", count: 30, ttl: 10)
        ActiveExpiryTests.addVolatile(t, "fresh", count: 970, ttl: 3_600_000)
        t.clock.advance(milliseconds: 11)
        let first = t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit)
        #expect(first.count <= 5, "3% stale: the first sample of 20 is under the 25% bar")
        #expect(ActiveExpiryTests.areDeletes(first, prefix: "stale"))

        var effects = first
        var cycles = 1
        while t.engine.expiringKeyCount(database: 0) > 970 && cycles < 5000 {
            effects += t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit)
            cycles += 1
        }
        #expect(effects.count == 30, "many cycles reach every stale key (\(cycles) cycles)")
        #expect(ActiveExpiryTests.areDeletes(effects, prefix: "stale"))
        #expect(t.engine.keyCount(database: 0) == 970)
        ActiveExpiryTests.expectReplayMatches(t, cycles: effects)
    }

    @Test func halfExpiredRepeatsUntilASampleIsMostlyFresh() {
        let t = TestEngine()
        ActiveExpiryTests.addVolatile(t, "stale", count: 500, ttl: 10)
        ActiveExpiryTests.addVolatile(t, "fresh", count: 500, ttl: 3_600_000)
        t.clock.advance(milliseconds: 11)
        let effects = t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit)
        #expect(effects.count > 20, "the first samples are about half expired, so the cycle repeats")
        #expect(effects.count < 500, "it stops once a sample is at most a quarter expired")
        #expect(ActiveExpiryTests.areDeletes(effects, prefix: "stale"))
        #expect(t.engine.expiringKeyCount(database: 0) == 1000 - effects.count)
        ActiveExpiryTests.expectReplayMatches(t, cycles: effects)
    }

    @Test func timeLimitStopsAfterOneSample() {
        let t = TestEngine()
        ActiveExpiryTests.addVolatile(t, "gone", count: 1000, ttl: 1)
        t.clock.advance(milliseconds: 2)
        let effects = t.engine.activeExpireCycle(timeLimit: .zero)
        #expect(effects.count == 20, "one sample, then the deadline has passed")
        ActiveExpiryTests.expectReplayMatches(t, cycles: effects)
    }

    @Test func keyExpiresOnlyOnceTheClockIsPastItsTime() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIRE", "k", "50")
        t.clock.advance(milliseconds: 50)
        #expect(t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit).isEmpty,
                "now == when is not expired yet (Redis: now > when)")
        t.clock.advance(milliseconds: 1)
        let effects = t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit)
        #expect(effects.map(\.argv) == [[Array("DEL".utf8), Array("k".utf8)]])
        ActiveExpiryTests.expectReplayMatches(t, cycles: effects)
    }

    @Test func everyDatabaseIsVisited() {
        let t = TestEngine()
        for database in [0, 5, 15] {
            t.run("SELECT", String(database))
            ActiveExpiryTests.addVolatile(t, "db\(database)-", count: 100, ttl: 5)
            t.run("SET", "keep", "v")
        }
        t.clock.advance(milliseconds: 6)
        let effects = t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit)
        #expect(effects.count == 300)
        for database in [0, 5, 15] {
            let here = effects.filter { $0.database == database }
            #expect(here.count == 100)
            #expect(ActiveExpiryTests.areDeletes(here, prefix: "db\(database)-"))
            #expect(t.engine.keyCount(database: database) == 1)
        }
        ActiveExpiryTests.expectReplayMatches(t, cycles: effects)
    }

    @Test func expiredKeysAreGoneForCommandsAfterwards() {
        let t = TestEngine()
        ActiveExpiryTests.addVolatile(t, "gone", count: 40, ttl: 5)
        t.clock.advance(milliseconds: 6)
        _ = t.engine.activeExpireCycle(timeLimit: ActiveExpiryTests.noTimeLimit)
        #expect(t.run("DBSIZE") == .integer(0))
        #expect(t.run("EXISTS", "gone0") == .integer(0))
        #expect(t.lastEffects == [], "nothing left for lazy expiry to delete")
    }
}
