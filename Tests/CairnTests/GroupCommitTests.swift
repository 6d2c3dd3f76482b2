import Dispatch
import Foundation
import Synchronization
import Testing
import CairnTestSupport
@testable import Cairn

/// The log thread (docs/ARCHITECTURE.md, "Write-ahead log: writer and
/// recovery"): many writers share one `fdatasync` (group commit), every
/// acknowledged write survives a power cut, a failed sync fails its waiters
/// and keeps nothing acknowledged from being lost, `everysec` syncs on its
/// own, and a read revealing unsynced data waits for it. Every wait here has
/// a timeout; the assertions are about outcomes, not durations.
@Suite(.timeLimit(.minutes(1))) struct GroupCommitTests {
    static let start: Int64 = 1_700_000_000_000

    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }

    static func open(_ fileIO: any FileIO, path: String = "/data", policy: FsyncPolicy = .always,
                     syncInterval: Duration = .seconds(1)) throws -> DurableEngine {
        try DurableEngine.open(directory: path, fileIO: fileIO, policy: policy,
                               configuration: EngineConfiguration(clock: ManualClock(milliseconds: start), randomSeed: 7),
                               log: LogConfiguration(segmentSizeLimit: 16 * 1024, syncInterval: syncInterval))
    }

    /// The engine behind a lock, as the server will serialize it: threads
    /// take turns to submit, and wait for their tokens outside the lock.
    final class SerialStore: Sendable {
        let engine: Mutex<DurableEngine>
        let log: GroupCommitLog

        init(_ store: sending DurableEngine) {
            log = store.log
            engine = Mutex(store)
        }
    }

    /// What the writers got back.
    struct Outcome: Sendable {
        var acknowledged: [(key: String, value: String, sequence: UInt64)] = []
        var failures: [StorageError] = []
        var timeouts = 0
    }

    /// `threads` threads each SET `each` keys through `serial`, waiting for
    /// every reply's token before the next; a writer stops at its first
    /// error. `afterAcknowledgements` runs once, on thread 0, after its
    /// `trigger`th acknowledged write.
    static func writeConcurrently(_ serial: SerialStore, threads: Int, each: Int, trigger: Int = -1,
                                  afterAcknowledgements: @escaping @Sendable () -> Void = {}) -> Outcome {
        let outcome = Mutex(Outcome())
        let done = DispatchGroup()
        for thread in 0..<threads {
            done.enter()
            Thread {
                defer { done.leave() }
                var session = Session()
                for index in 0..<each {
                    let key = "w\(thread)-\(index)", value = "v\(index)-\(thread)"
                    do throws(StorageError) {
                        let token = try serial.engine.withLock { (store) throws(StorageError) -> DurabilityToken? in
                            try store.submit(argv("SET", key, value), session: &session).token
                        }
                        guard let token else { continue }
                        guard try serial.log.waitUntilReleased(token.sequence, timeout: .seconds(20)) else {
                            outcome.withLock { $0.timeouts += 1 }
                            return
                        }
                        outcome.withLock { $0.acknowledged.append((key, value, token.sequence)) }
                        if thread == 0, index == trigger { afterAcknowledgements() }
                    } catch {
                        outcome.withLock { $0.failures.append(error) }
                        return
                    }
                }
            }.start()
        }
        if done.wait(timeout: .now() + .seconds(40)) == .timedOut {
            Issue.record("the writers did not finish")
        }
        return outcome.withLock { $0 }
    }

    /// Every acknowledged write is in `store`.
    static func expectAcknowledged(_ outcome: Outcome, in store: DurableEngine, _ context: String) throws {
        var session = Session()
        for (key, value, _) in outcome.acknowledged {
            let reply = try store.execute(argv("GET", key), session: &session).reply
            #expect(reply == .bulk(Array(value.utf8)), "\(context): acknowledged \(key) was lost")
        }
    }

    @Test func concurrentWritersShareSyncsAndSurvivePowerLoss() throws {
        let disk = SimulatedFileSystem(seed: 21)
        let slow = SlowSyncFileIO(disk)
        let store = try Self.open(slow)
        let syncsBefore = disk.statistics.fileSyncs
        let serial = SerialStore(store)
        let outcome = Self.writeConcurrently(serial, threads: 8, each: 40)
        #expect(outcome.acknowledged.count == 320 && outcome.failures.isEmpty && outcome.timeouts == 0)
        let syncs = disk.statistics.fileSyncs - syncsBefore
        #expect(syncs > 0 && syncs * 2 < outcome.acknowledged.count, "\(syncs) syncs for \(outcome.acknowledged.count) records")
        let durable = serial.engine.withLock { $0.writer.durableThrough }
        #expect(outcome.acknowledged.allSatisfy { $0.sequence <= durable })

        // Power cut with the engine still open: every acknowledged write is kept.
        for seed in 1...5 as ClosedRange<UInt64> {
            let recovered = try Self.open(disk.crashedCopy(seed: seed))
            try Self.expectAcknowledged(outcome, in: recovered, "power cut \(seed)")
            try recovered.close()
        }
        try serial.engine.withLock { (store) throws(StorageError) in try store.close() }
    }

    @Test func concurrentWritersOnRealFiles() throws {
        let directory = TemporaryDataDirectory()
        let slow = SlowSyncFileIO(directory.io, delay: .milliseconds(1))
        let store = try Self.open(slow, path: directory.path)
        let serial = SerialStore(store)
        let syncsBefore = slow.syncCount
        let outcome = Self.writeConcurrently(serial, threads: 8, each: 25)
        #expect(outcome.acknowledged.count == 200 && outcome.failures.isEmpty && outcome.timeouts == 0)
        let syncs = slow.syncCount - syncsBefore
        #expect(syncs > 0 && syncs < outcome.acknowledged.count, "\(syncs) syncs for \(outcome.acknowledged.count) records")
        try serial.engine.withLock { (store) throws(StorageError) in try store.close() }
        let reopened = try Self.open(directory.io, path: directory.path)
        #expect(reopened.recovery.lastSequence == 200)
        try Self.expectAcknowledged(outcome, in: reopened, "reopen")
        try reopened.close()
    }

    @Test(arguments: 1...4 as ClosedRange<UInt64>)
    func failedSyncFailsItsWaitersAndLosesNothingAcknowledged(seed: UInt64) throws {
        let disk = SimulatedFileSystem(seed: seed)
        let store = try Self.open(SlowSyncFileIO(disk, delay: .milliseconds(1)))
        let serial = SerialStore(store)
        let outcome = Self.writeConcurrently(serial, threads: 8, each: 40, trigger: 5) {
            disk.failSyncs(.next(1), paths: .suffix(".wal"))
        }
        #expect(outcome.timeouts == 0)
        #expect(!outcome.failures.isEmpty, "seed \(seed): the failed sync reached no waiter")
        for failure in outcome.failures {
            guard case .failStopped(let cause) = failure else {
                Issue.record("seed \(seed): \(failure)")
                continue
            }
            #expect(cause.operation == .fdatasync)
        }
        let durable = serial.engine.withLock { $0.writer.durableThrough }
        #expect(outcome.acknowledged.allSatisfy { $0.sequence <= durable }, "seed \(seed): acknowledged beyond the durable record")
        // Later writes are refused, reads still served.
        var session = Session()
        let refused = serial.engine.withLock { store in
            (try? store.execute(Self.argv("SET", "later", "x"), session: &session)) == nil
        }
        #expect(refused)
        for cut in 1...3 as ClosedRange<UInt64> {
            let recovered = try Self.open(disk.crashedCopy(seed: seed &* 100 &+ cut))
            try Self.expectAcknowledged(outcome, in: recovered, "seed \(seed), cut \(cut)")
            try recovered.close()
        }
        serial.engine.withLock { store in _ = try? store.close() }
    }

    @Test func everySecondSyncsOnItsOwn() throws {
        let disk = SimulatedFileSystem(seed: 4)
        let store = try Self.open(disk, policy: .everySecond, syncInterval: .milliseconds(30))
        var session = Session()
        for index in 0..<5 {
            _ = try store.execute(Self.argv("SET", "k\(index)", "v"), session: &session)
            // The reply waits for the write, as Redis writes before replying.
            #expect(store.writer.writtenThrough == store.writer.lastSequence)
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while store.writer.durableThrough < 5, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
        #expect(store.writer.durableThrough == 5, "no sync within the interval's timer")
        #expect(store.writer.lateSyncs >= 0)
        let recovered = try Self.open(disk.crashedCopy(seed: 9))
        #expect(recovered.recovery.lastSequence == 5)
        try recovered.close()
        try store.close()
    }

    /// A failed timer sync under `everysec` stops the log like any other.
    @Test func everySecondFailedSyncStopsTheLog() throws {
        let disk = SimulatedFileSystem(seed: 12)
        let store = try Self.open(disk, policy: .everySecond, syncInterval: .milliseconds(20))
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        let deadline = ContinuousClock.now + .seconds(10)
        while store.writer.durableThrough < 1, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.002) }
        disk.failSyncs(.next(1), paths: .suffix(".wal"))
        _ = try store.execute(Self.argv("SET", "b", "2"), session: &session)  // written; its timer sync fails
        while store.writer.refusal == nil, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.002) }
        guard case .failStopped(let cause)? = store.writer.refusal else {
            Issue.record("the failed timer sync did not stop the log: \(String(describing: store.writer.refusal))")
            return
        }
        #expect(cause.operation == .fdatasync)
        #expect(throws: StorageError.failStopped(cause: cause)) {
            _ = try store.execute(Self.argv("SET", "c", "3"), session: &session)
        }
        #expect(store.writer.durableThrough == 1)
        try? store.close()
    }

    @Test func noPolicyWritesBeforeReplying() throws {
        let disk = SimulatedFileSystem(seed: 5)
        let store = try Self.open(disk, policy: .no)
        var session = Session()
        for index in 0..<5 {
            _ = try store.execute(Self.argv("SET", "k\(index)", "v"), session: &session)
            #expect(store.writer.writtenThrough == store.writer.lastSequence)
        }
        let killed = try Self.open(disk.copyAfterProcessKill())
        #expect(killed.recovery.lastSequence == 5, "a process crash lost a replied write")
        try killed.close()
        try store.close()
    }

    /// The token rule: a read waits for the last record appended before it
    /// when that one is not durable yet; once it is, reads are not held.
    @Test func readOfUnsyncedDataWaitsForIt() throws {
        let disk = SimulatedFileSystem(seed: 6)
        let slow = SlowSyncFileIO(disk, delay: .zero)
        let store = try Self.open(slow)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "warm", "up"), session: &session)
        slow.hold()
        let write = try store.submit(Self.argv("SET", "k", "v"), session: &session)
        #expect(write.token == DurabilityToken(sequence: 2))
        let read = try store.submit(Self.argv("GET", "k"), session: &session)
        #expect(read.execution.reply == .bulk(Array("v".utf8)))
        #expect(read.token == DurabilityToken(sequence: 2), "the read reveals record 2 before it is durable")
        let unrelated = try store.submit(Self.argv("GET", "warm"), session: &session)
        #expect(unrelated.token == DurabilityToken(sequence: 2), "the simple rule holds every read behind the last record")
        #expect(store.writer.durableThrough < 2)
        slow.release()
        #expect(try store.waitUntilDurable(read.token, timeout: .seconds(10)))
        #expect(store.writer.durableThrough >= 2)
        #expect(try store.submit(Self.argv("GET", "k"), session: &session).token == nil)
        #expect(try store.submit(Self.argv("GET", "missing"), session: &session).token == nil)
        try store.close()
    }

    @Test func executeDurablyReturnsOnceDurable() async throws {
        let disk = SimulatedFileSystem(seed: 8)
        let store = try Self.open(disk)
        var session = Session()
        for index in 0..<10 {
            let reply = try await store.executeDurably(Self.argv("INCR", "counter"), session: &session)
            #expect(reply == .integer(Int64(index + 1)))
            #expect(store.writer.durableThrough == UInt64(index + 1))
        }
        disk.failSyncs(.next(1), paths: .suffix(".wal"))
        await #expect(throws: StorageError.self) {
            _ = try await store.executeDurably(Self.argv("INCR", "counter"), session: &session)
        }
        #expect(store.writer.durableThrough == 10)
        try? store.close()
    }

    /// The callback form a server uses (it may not block its event loop):
    /// each callback runs once, after its record is durable, or with the
    /// failed sync's error.
    @Test func whenReleasedCallsBackOnceDurableOrFailed() throws {
        let disk = SimulatedFileSystem(seed: 9)
        let store = try Self.open(disk)
        var session = Session()
        let outcomes = Mutex<[(sequence: UInt64, durable: UInt64, failed: Bool)]>([])
        let done = DispatchGroup()
        let writer = store.writer
        for index in 0..<20 {
            let execution = try store.submit(Self.argv("SET", "k\(index)", "v"), session: &session)
            let sequence = try #require(execution.token).sequence
            done.enter()
            store.log.whenReleased(sequence) { error in
                let durable = writer.durableThrough
                outcomes.withLock { $0.append((sequence, durable, error != nil)) }
                done.leave()
            }
        }
        #expect(done.wait(timeout: .now() + 20) == .success)
        let first = outcomes.withLock { $0 }
        #expect(first.count == 20)
        #expect(first.allSatisfy { !$0.failed && $0.durable >= $0.sequence })

        disk.failSyncs(.next(1), paths: .suffix(".wal"))
        let failing = try store.submit(Self.argv("SET", "lost", "v"), session: &session)
        let failed = Mutex<StorageError?>(nil)
        done.enter()
        store.log.whenReleased(try #require(failing.token).sequence) { error in
            failed.withLock { $0 = error }
            done.leave()
        }
        #expect(done.wait(timeout: .now() + 20) == .success)
        #expect(failed.withLock { $0 } != nil)
        #expect(store.writer.durableThrough == 20)
        try? store.close()
    }

    /// `CONFIG SET appendfsync`: the running log switches policy. Under
    /// `.no` a write returns unsynced; after switching to `.always` the
    /// next one returns synced (and makes the earlier one durable too).
    @Test func policyChangesWhileRunning() throws {
        let disk = SimulatedFileSystem(seed: 10)
        let store = try Self.open(disk, policy: .no)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        #expect(store.writer.writtenThrough == 1)
        #expect(store.writer.durableThrough == 0)
        store.setPolicy(.always)
        #expect(store.policy == .always)
        _ = try store.execute(Self.argv("SET", "b", "2"), session: &session)
        #expect(store.writer.durableThrough == 2)
        store.setPolicy(.no)
        _ = try store.execute(Self.argv("SET", "c", "3"), session: &session)
        #expect(store.writer.durableThrough == 2)
        try store.close()
    }
}
