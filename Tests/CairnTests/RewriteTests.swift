import Foundation
import Testing
@testable import Cairn
import CairnTestSupport

/// Rewrites on real files: a snapshot of the state at its start while
/// writes go on, then the log restarts after it; recovery loads the
/// snapshot and replays what came after.
@Suite struct RewriteTests {
    static let now: Int64 = 1_700_000_000_000

    static func open(_ directory: TemporaryDataDirectory, clock: ManualClock = ManualClock(milliseconds: now),
                     segmentSizeLimit: Int = 64 << 20) throws -> DurableEngine {
        try DurableEngine.open(directory: directory.path, fileIO: directory.io,
                               configuration: EngineConfiguration(clock: clock, randomSeed: 1),
                               log: LogConfiguration(segmentSizeLimit: segmentSizeLimit))
    }

    static func run(_ store: DurableEngine, _ words: String..., session: inout Session) throws -> Reply {
        try store.execute(words.map { Array($0.utf8) }, session: &session).reply
    }

    /// Keys of every type in three databases, `count` of them per database.
    static func fill(_ store: DurableEngine, count: Int) throws {
        var session = Session()
        for database in 0..<3 {
            _ = try run(store, "SELECT", String(database), session: &session)
            for index in 0..<count {
                let key = "key:\(index)"
                switch index % 6 {
                case 0: _ = try run(store, "SET", key, "value-\(index)", session: &session)
                case 1: _ = try run(store, "RPUSH", key, "a", "b", String(index), session: &session)
                case 2: _ = try run(store, "HSET", key, "f", String(index), "g", "x", session: &session)
                case 3: _ = try run(store, "SADD", key, "1", "2", String(index), session: &session)
                case 4: _ = try run(store, "ZADD", key, "1.5", "m", String(index), "n", session: &session)
                default: _ = try run(store, "SET", key, String(index), "PXAT", String(now + 3_600_000), session: &session)
                }
            }
        }
    }

    /// The state a snapshot file holds, loaded into an empty engine.
    static func snapshotDigest(_ directory: TemporaryDataDirectory, _ name: String) throws -> (digest: String, summary: SnapshotSummary) {
        let engine = Engine()
        let summary = try SnapshotFileReader.read(path: directory.path + "/" + name, fileIO: directory.io,
                                                  limits: engine.keyspace.limits) { (entry: SnapshotEntry) throws(StorageError) in
            engine.keyspace.databases[entry.database].main.updateValue(entry.value, forKey: entry.key)
            if let expireAt = entry.expireAt { engine.keyspace.databases[entry.database].expires.updateValue(expireAt, forKey: entry.key) }
        }
        return (engine.digest(), summary)
    }

    static func files(_ directory: TemporaryDataDirectory) throws -> [String] {
        try directory.io.listDirectory(directory.path).filter { $0 != "LOCK" }.sorted()
    }

    @Test func aRewriteReplacesTheLogWithASnapshotAndANewSegment() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory, segmentSizeLimit: 4096)
        try Self.fill(store, count: 300)
        let sequence = store.writer.lastSequence
        let digest = store.engine.digest()
        #expect(try Self.files(directory).filter { $0.hasSuffix(".wal") }.count > 3)
        try store.rewrite()
        let snapshot = DataDirectory.snapshotName(sequence: sequence)
        #expect(try Self.files(directory) == ["MANIFEST", snapshot, DataDirectory.segmentName(firstSequence: sequence + 1)].sorted())
        #expect(store.persistence.lastSucceeded && store.persistence.rewritesCompleted == 1)
        #expect(store.persistence.snapshotSequence == sequence && store.persistence.snapshotBytes > 0)
        #expect(store.changesSinceLastSave == 0)
        let loaded = try Self.snapshotDigest(directory, snapshot)
        #expect(loaded.digest == digest && loaded.summary.keyCount == 900 && loaded.summary.header.sequence == sequence)
        var session = Session()
        _ = try Self.run(store, "SET", "after", "1", session: &session)
        #expect(store.changesSinceLastSave == 1)
        let after = store.engine.digest()
        try store.close()

        let reopened = try Self.open(directory, segmentSizeLimit: 4096)
        #expect(reopened.recovery.snapshotName == snapshot && reopened.recovery.snapshotKeys == 900)
        #expect(reopened.recovery.recordsReplayed == 1 && reopened.recovery.lastSequence == sequence + 1)
        #expect(reopened.engine.digest() == after)
        try reopened.close()
    }

    /// The snapshot holds the state at its start, whatever writes do to keys
    /// the walk has not reached yet (overwrites, in-place changes, deletes,
    /// expiries, renames, FLUSHDB, SWAPDB, new keys); restart gives the state
    /// after the last write.
    @Test(arguments: [UInt64(3), 4, 5])
    func writesDuringTheWalkDoNotReachTheSnapshot(seed: UInt64) throws {
        let directory = TemporaryDataDirectory()
        let clock = ManualClock(milliseconds: Self.now)
        let store = try Self.open(directory, clock: clock)
        try Self.fill(store, count: 2000)
        var random = RandomSource(seed: seed)
        var session = Session()
        // Workload keys mixed among the filler, so the walk meets them late and early.
        for _ in 0..<300 { _ = try store.execute(Workload.command(&random, now: clock.nowMilliseconds()), session: &session) }
        let sequence = store.writer.lastSequence
        let atStart = store.engine.digest()
        #expect(try store.startRewrite())
        #expect(try store.startRewrite() == false)
        var steps = 0
        var commands = 0
        var finished = false
        while !finished {
            switch store.stepRewrite(budget: .zero) {
            case .finished(let succeeded):
                #expect(succeeded, "\(store.persistence.lastError ?? "")")
                finished = true
            case .working, .waiting:
                steps += 1
                for _ in 0..<3 {
                    clock.advance(milliseconds: 7)
                    let argv: [Bytes]
                    switch Int.random(in: 0..<40, using: &random) {
                    case 0: argv = [Array("FLUSHDB".utf8)]
                    case 1: argv = ["SWAPDB", "1", "2"].map { Array($0.utf8) }
                    case 2: argv = ["DEL", "key:\(Int.random(in: 0..<2000, using: &random))"].map { Array($0.utf8) }
                    case 3: argv = ["RPUSH", "key:\(6 * Int.random(in: 0..<300, using: &random) + 1)", "pushed"].map { Array($0.utf8) }
                    case 4: argv = ["RENAME", "key:\(Int.random(in: 0..<2000, using: &random))", "renamed"].map { Array($0.utf8) }
                    default: argv = Workload.command(&random, now: clock.nowMilliseconds())
                    }
                    _ = try store.execute(argv, session: &session)
                    commands += 1
                }
                if Int.random(in: 0..<10, using: &random) == 0 { _ = try store.activeExpireCycle() }
            case .idle:
                Issue.record("the rewrite vanished")
                finished = true
            }
        }
        #expect(steps > 20 && commands > 60, "steps \(steps), commands \(commands)")
        #expect(store.persistence.keysEncodedEarly > 0)
        let snapshot = DataDirectory.snapshotName(sequence: sequence)
        let loaded = try Self.snapshotDigest(directory, snapshot)
        #expect(loaded.digest == atStart, "the snapshot is not the state at its start (seed \(seed))")
        let last = store.writer.lastSequence
        let final = store.engine.digest()
        try store.close()
        let reopened = try Self.open(directory, clock: clock)
        #expect(reopened.recovery.lastSequence == last && reopened.recovery.snapshotSequence == sequence)
        #expect(reopened.engine.digest() == final, "restart lost or changed writes made during the rewrite (seed \(seed))")
        try reopened.close()
    }

    /// Each rewrite counts its own slices: every walking `stepRewrite` call
    /// is one, the longest is at least as long as any, and the next rewrite
    /// starts from zero.
    @Test func slicesAreMeasuredPerRewrite() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        try Self.fill(store, count: 500)
        for round in 0..<2 {
            #expect(try store.startRewrite())
            #expect(store.persistence.steps == 0 && store.persistence.longestStepMicroseconds == 0)
            var walking = 0
            var longestSeen: Int64 = 0
            loop: while true {
                let before = ContinuousClock.now
                let progress = store.stepRewrite(budget: .zero)
                if progress == .working { walking += 1 }
                longestSeen = max(longestSeen, Int64((ContinuousClock.now - before) / .microseconds(1)))
                switch progress {
                case .working: continue
                case .waiting: usleep(100)
                case .finished, .idle: break loop
                }
            }
            let status = store.persistence
            // A zero budget stops after 8 keys: 1500 keys take about 190 slices,
            // plus the one that ends the walk.
            #expect(status.steps == walking + 1, "round \(round)")
            #expect(walking > 150, "round \(round): \(walking) slices")
            #expect(status.longestStepMicroseconds <= longestSeen && status.stepsOverOneMillisecond <= status.steps)
            #expect(status.longestStepCPUMicroseconds >= 0 && status.lastSucceeded)
        }
        try store.close()
    }

    /// A key whose expiry passed while the server was down loads, then
    /// expires on first access through the log (recovery never reads the clock).
    @Test func aKeyExpiredAtLoadTimeIsDeletedThroughTheLog() throws {
        let directory = TemporaryDataDirectory()
        let clock = ManualClock(milliseconds: Self.now)
        let store = try Self.open(directory, clock: clock)
        var session = Session()
        _ = try Self.run(store, "SET", "soon", "v", "PX", "1000", session: &session)
        _ = try Self.run(store, "SET", "later", "v", "PX", "100000", session: &session)
        try store.rewrite()
        try store.close()
        clock.advance(milliseconds: 5000)
        let reopened = try Self.open(directory, clock: clock)
        #expect(reopened.recovery.snapshotKeys == 2 && reopened.engine.keyCount(database: 0) == 2)
        #expect(try Self.run(reopened, "GET", "soon", session: &session) == .null)
        #expect(try Self.run(reopened, "PTTL", "later", session: &session) == .integer(95000))
        let sequence = reopened.writer.lastSequence
        try reopened.close()
        let again = try Self.open(directory, clock: clock)
        #expect(again.recovery.lastSequence == sequence && again.engine.keyCount(database: 0) == 1)
        try again.close()
    }

    /// Two rewrites in a row, the second with nothing new: the same name, replaced atomically.
    @Test func rewritesInARowKeepOneSnapshot() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        try Self.fill(store, count: 50)
        try store.rewrite()
        try store.rewrite()
        var session = Session()
        _ = try Self.run(store, "SET", "x", "1", session: &session)
        try store.rewrite()
        let sequence = store.writer.lastSequence
        #expect(try Self.files(directory) == ["MANIFEST", DataDirectory.snapshotName(sequence: sequence),
                                              DataDirectory.segmentName(firstSequence: sequence + 1)].sorted())
        let digest = store.engine.digest()
        try store.close()
        let reopened = try Self.open(directory)
        #expect(reopened.engine.digest() == digest && reopened.recovery.recordsReplayed == 0)
        try reopened.close()
    }

    /// Files a rewrite left unnamed (a crash before its MANIFEST, or before
    /// it deleted the old files) are removed at open.
    @Test func unnamedFilesLeftByARewriteAreRemovedAtOpen() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory, segmentSizeLimit: 4096)
        try Self.fill(store, count: 100)
        try store.rewrite()
        let digest = store.engine.digest()
        try store.close()
        let io = directory.io
        for name in ["00000000000000000001.snap", "00000000000000000002.snap.tmp", "00000000000000000001.wal"] {
            try io.writeAll(try io.open(directory.path + "/" + name, .readWrite, options: [.create]), Array("junk".utf8), at: 0)
        }
        let reopened = try Self.open(directory, segmentSizeLimit: 4096)
        #expect(reopened.recovery.obsoleteFilesRemoved == 3)
        #expect(reopened.recovery.unlistedSegments == 0, "a removed leftover segment is not counted as unlisted")
        #expect(reopened.engine.digest() == digest)
        #expect(try Self.files(directory).count == 3)
        try reopened.close()
    }

    /// A damaged snapshot refuses to open, naming the file.
    @Test func aDamagedSnapshotRefusesToOpen() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        try Self.fill(store, count: 100)
        try store.rewrite()
        let path = directory.path + "/" + (store.writer.snapshotName ?? "")
        try store.close()
        var bytes = try directory.io.readFile(path)
        bytes[bytes.count / 2] ^= 0x40
        try directory.io.writeAll(try directory.io.open(path, .readWrite, options: []), bytes, at: 0)
        #expect {
            try Self.open(directory)
        } throws: { error in
            guard case .corruption(let file, _, _) = error as? StorageError else { return false }
            return file == path
        }
    }
}
