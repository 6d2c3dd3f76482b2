import Foundation
import Testing
import CairnTestSupport
@testable import Cairn

/// Random workloads through `DurableEngine` on a simulated disk, with power
/// cut at random points (inside writes and syncs too). After each cut the
/// engine reopens on what the disk kept (never refusing: no cut is
/// corruption), and:
/// 1. every durable write is there: the state equals the model after record
///    L, for some L at least the writer's durable-through at the cut (under
///    `appendfsync always`: every acknowledged write);
/// 2. no record is half applied (the state is one of the model's states
///    between records; a MULTI/EXEC is one record);
/// 3. new writes after recovery are numbered after L, and survive a reopen.
///
/// Under `appendfsync no` the unsynced records of the last segment persist
/// in any order: a later record kept while an earlier one is lost must read
/// as a torn tail (its durable-through is below the lost one), not as
/// corruption.
///
/// Replay a failure with `CAIRN_SEED=<seed> swift test --filter PowerLossTests`;
/// run more crash points with `CAIRN_CRASH_POINTS=20000`.
@Suite struct PowerLossTests {
    /// Per policy: 3 × 5,000 = 15,000 crash points in the default run.
    static let crashPointTarget = Int(ProcessInfo.processInfo.environment["CAIRN_CRASH_POINTS"] ?? "") ?? 5000
    static let fixedSeed = ProcessInfo.processInfo.environment["CAIRN_SEED"].flatMap { UInt64($0) }
    static let start: Int64 = 1_700_000_000_000

    static func open(_ fileIO: any FileIO, seed: UInt64, policy: FsyncPolicy = .always,
                     clock: ManualClock = ManualClock(milliseconds: start),
                     maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes) throws -> DurableEngine {
        // everysec: sync every 2 ms, so syncs land between commands.
        var log = LogConfiguration(segmentSizeLimit: 1500, maximumPayloadBytes: maximumPayloadBytes,
                                   syncInterval: .milliseconds(2))
        // Reserved space in steps of 1500 bytes (the segment limit), a write
        // needing 256 bytes beyond its arguments: cuts land in fallocates too.
        log.writeHeadroomBytes = 256
        return try DurableEngine.open(directory: "/data", fileIO: fileIO, policy: policy,
                                      configuration: EngineConfiguration(clock: clock, randomSeed: seed), log: log)
    }

    /// What the crash points exercised, so the test can tell it tested something.
    final class Tally {
        var checked = 0
        var tornTails = 0
        var unacknowledgedKept = 0
        var segmentsRotated = 0
        var transactions = 0
        /// Crash points with some record durable (under everysec: the timer synced).
        var withDurableRecords = 0
        var activeExpiryRecords = 0
        /// Records split into part frames (long records).
        var longRecords = 0
    }

    /// `.everySecond`: the loss is bounded by what was written since the
    /// last completed sync (the crash point's `acknowledged` is the writer's
    /// durable-through, advanced by the timer's syncs, not by the commands).
    @Test(arguments: [FsyncPolicy.always, .everySecond, .no])
    func durableWritesSurvivePowerLoss(policy: FsyncPolicy) throws {
        let tally = Tally()
        var seed: UInt64 = Self.fixedSeed ?? 1
        repeat {
            try run(seed: seed, policy: policy, tally: tally)
            seed += 1
        } while Self.fixedSeed == nil && tally.checked < Self.crashPointTarget
        #expect(tally.checked >= min(Self.crashPointTarget, 50), "only \(tally.checked) crash points were checked")
        if Self.fixedSeed == nil {
            // The cuts land inside writes and segment creations, not only between commands.
            #expect(tally.tornTails > 0 && tally.unacknowledgedKept > 0 && tally.segmentsRotated > 0,
                    "torn tails \(tally.tornTails), unacknowledged records kept \(tally.unacknowledgedKept), rotations \(tally.segmentsRotated)")
            #expect(policy == .no || tally.withDurableRecords > tally.checked / 2,
                    "only \(tally.withDurableRecords) of \(tally.checked) crash points had a durable record")
            #expect(tally.transactions > 0 && tally.activeExpiryRecords > 0,
                    "MULTI batches \(tally.transactions), active-expiry records \(tally.activeExpiryRecords)")
        }
    }

    /// Long records (issue 12, item 2): with frames of at most 64 payload
    /// bytes most records are split into parts, and cuts land between and
    /// inside them; recovery applies a record with all its parts or not at
    /// all, and a torn long record is cut at its first part.
    @Test func longRecordsSurvivePowerLossWhole() throws {
        let tally = Tally()
        var seed: UInt64 = Self.fixedSeed ?? 1
        repeat {
            try run(seed: seed, policy: .always, tally: tally, maximumPayloadBytes: 64)
            seed += 1
        } while Self.fixedSeed == nil && tally.checked < Self.crashPointTarget / 3
        if Self.fixedSeed == nil {
            #expect(tally.longRecords > 100 && tally.tornTails > 0 && tally.unacknowledgedKept > 0,
                    "long records \(tally.longRecords), torn tails \(tally.tornTails), unacknowledged kept \(tally.unacknowledgedKept)")
        }
    }

    /// One workload, its crash points counted in `tally`.
    private func run(seed: UInt64, policy: FsyncPolicy, tally: Tally,
                     maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes) throws {
        let replay = "CAIRN_SEED=\(seed) swift test --filter PowerLossTests  # policy \(policy)"
        let disk = SimulatedFileSystem(seed: seed)
        let fileIO = CrashPointFileIO(disk, seed: seed &* 31 &+ 7, captureOneIn: 2)
        // Time moves, so keys expire: lazily (a read logs the DEL) and in
        // active-expiry cycles (one record of DELs).
        let clock = ManualClock(milliseconds: Self.start)
        let store = try Self.open(fileIO, seed: seed, policy: policy, clock: clock, maximumPayloadBytes: maximumPayloadBytes)
        var random = RandomSource(seed: seed)
        var session = Session()
        /// The model: the digest and the record count after each record, by
        /// its last sequence number (a long record takes several).
        var model: [UInt64: Model] = [0: Model(digest: store.engine.digest(), records: 0)]
        var records = 0
        for _ in 0..<150 {
            clock.advance(milliseconds: Int64.random(in: 0...400, using: &random))
            if Int.random(in: 0..<20, using: &random) == 0 {
                let token = try store.activeExpireCycle()
                try store.waitUntilDurable(token)
                tally.activeExpiryRecords += token == nil ? 0 : 1
            } else if Int.random(in: 0..<25, using: &random) == 0 {
                tally.transactions += 1
                let batch = (0..<Int.random(in: 1...4, using: &random)).map { _ in Workload.command(&random, now: clock.nowMilliseconds()) }
                _ = try store.executeTransaction(batch, session: &session)
            } else {
                _ = try store.execute(Workload.command(&random, now: clock.nowMilliseconds()), session: &session)
            }
            let last = store.writer.lastSequence
            if model[last] == nil {
                let previous = model.keys.max() ?? 0
                if maximumPayloadBytes == RecordFrame.defaultMaximumPayloadBytes, last != previous + 1 {
                    Issue.record("seed \(seed): one command made \(last - previous) records; replay: \(replay)")
                    return
                }
                if last > previous + 1 { tally.longRecords += 1 }
                records += 1
                model[last] = Model(digest: store.engine.digest(), records: records)
            }
            if policy == .always {
                #expect(store.writer.durableThrough == last, "seed \(seed): a returned write is not durable; replay: \(replay)")
            }
            for point in fileIO.takeCrashPoints() {
                try check(point, model: model, seed: seed, replay: replay, tally: tally, maximumPayloadBytes: maximumPayloadBytes)
                tally.checked += 1
            }
            fileIO.acknowledge(through: store.writer.durableThrough)
        }
        fileIO.stopCapturing()
        tally.segmentsRotated += try disk.listDirectory("/data").filter { $0.hasSuffix(".wal") }.count - 1
        try store.close()
    }

    struct Model {
        var digest: String
        var records: Int
    }

    private func check(_ point: CrashPointFileIO.CrashPoint, model: [UInt64: Model], seed: UInt64, replay: String,
                       tally: Tally, maximumPayloadBytes: Int) throws {
        let context = "seed \(seed), cut \(point.seed) at \"\(point.call)\" with \(point.acknowledged) acknowledged; replay: \(replay)"
        let recovered: DurableEngine
        do {
            recovered = try Self.open(point.fileSystem, seed: seed &+ 99, maximumPayloadBytes: maximumPayloadBytes)
        } catch {
            Issue.record("\(context): reopening failed: \(error)")
            return
        }
        let last = recovered.recovery.lastSequence
        #expect(last >= point.acknowledged, "\(context): recovered only \(last) records, \(point.acknowledged) were durable")
        let expected = model[last]
        #expect(expected != nil, "\(context): recovered through sequence \(last), which ends no record written (a part of one?)")
        if let expected {
            #expect(recovered.engine.digest() == expected.digest, "\(context): the state is not the model's after record \(last)")
            #expect(recovered.recovery.recordsReplayed == expected.records, "\(context)")
        }
        if recovered.recovery.bytesDropped > 0 { tally.tornTails += 1 }
        if point.acknowledged > 0 { tally.withDurableRecords += 1 }
        if last > point.acknowledged { tally.unacknowledgedKept += 1 }
        guard tally.checked % 8 == 0 else {
            try recovered.close()
            return
        }
        try recovered.expectAWriteAfterRecoverySurvives(context: context) {
            try Self.open(point.fileSystem, seed: seed &+ 98, maximumPayloadBytes: maximumPayloadBytes)
        }
    }
}
