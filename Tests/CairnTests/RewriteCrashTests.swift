import Foundation
import Testing
import CairnTestSupport
@testable import Cairn

/// Power cut at every single file-system call of a rewrite (and of the log
/// writes around it), on the simulated disk: reopening must give the state
/// after some record at least as late as the last acknowledged one, equal
/// to the model's; only the files the MANIFEST names may remain; and the
/// recovered directory must take new writes and a new rewrite.
@Suite struct RewriteCrashTests {
    static let start: Int64 = 1_700_000_000_000

    static func open(_ fileIO: any FileIO, seed: UInt64, clock: ManualClock) throws -> DurableEngine {
        var log = LogConfiguration(segmentSizeLimit: 2048, syncInterval: .milliseconds(2))
        log.writeHeadroomBytes = 256
        return try DurableEngine.open(directory: "/data", fileIO: fileIO, policy: .always,
                                      configuration: EngineConfiguration(clock: clock, randomSeed: seed), log: log)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func powerCutAtEveryCallOfARewrite(seed: UInt64) throws {
        let disk = SimulatedFileSystem(seed: seed)
        let fileIO = CrashPointFileIO(disk, seed: seed &* 31 &+ 7, captureOneIn: 0)
        let clock = ManualClock(milliseconds: Self.start)
        let store = try Self.open(fileIO, seed: seed, clock: clock)
        var random = RandomSource(seed: seed)
        var session = Session()
        var model: [UInt64: String] = [0: store.engine.digest()]
        func command(_ argv: [Bytes]) throws {
            _ = try store.execute(argv, session: &session)
            model[store.writer.lastSequence] = store.engine.digest()
            fileIO.acknowledge(through: store.writer.durableThrough)
        }
        for index in 0..<400 {
            clock.advance(milliseconds: 3)
            try command(index % 4 == 0 ? ["SET", "filler:\(index)", "v\(index)"].map { Array($0.utf8) }
                                       : Workload.command(&random, now: clock.nowMilliseconds()))
        }
        var checked = 0
        var cuts: Set<String> = []
        // Two rewrites back to back, the second replacing the first's files.
        for _ in 0..<2 {
            fileIO.capture(oneIn: 1)
            try store.startRewrite()
            var finished = false
            while !finished {
                switch store.stepRewrite(budget: .zero) {
                case .finished(let succeeded):
                    #expect(succeeded, "seed \(seed): \(store.persistence.lastError ?? "")")
                    finished = true
                case .working, .waiting:
                    clock.advance(milliseconds: 3)
                    try command(Workload.command(&random, now: clock.nowMilliseconds()))
                case .idle:
                    finished = true
                }
            }
            fileIO.stopCapturing()
            for point in fileIO.takeCrashPoints() {
                cuts.insert(String(point.call.prefix { $0 != " " }))
                try check(point, model: model, seed: seed, clock: clock, reopenAndRewrite: checked % 5 == 0)
                checked += 1
            }
        }
        // Every kind of call a rewrite makes was cut at least once.
        for call in ["open", "pwrite", "fdatasync", "rename", "syncDirectory", "unlink"] {
            #expect(cuts.contains(call), "seed \(seed): no cut at \(call) among \(cuts.sorted())")
        }
        #expect(checked > 50, "only \(checked) crash points")
        try store.close()
    }

    private func check(_ point: CrashPointFileIO.CrashPoint, model: [UInt64: String], seed: UInt64,
                       clock: ManualClock, reopenAndRewrite: Bool) throws {
        let context = "seed \(seed), cut \(point.seed) at \"\(point.call)\" with \(point.acknowledged) acknowledged"
        let recovered: DurableEngine
        do {
            recovered = try Self.open(point.fileSystem, seed: seed &+ 99, clock: clock)
        } catch {
            Issue.record("\(context): reopening failed: \(error)")
            return
        }
        let last = recovered.recovery.lastSequence
        #expect(last >= point.acknowledged, "\(context): recovered only \(last) records")
        #expect(recovered.engine.digest() == model[last], "\(context): the state is not the model's after record \(last)")
        // Only what the MANIFEST names is left.
        let manifest = try Manifest.read(inDirectory: "/data", fileIO: point.fileSystem)
        var named = Set(manifest?.segments ?? [])
        if let snapshot = manifest?.snapshot { named.insert(snapshot) }
        let present = Set(try point.fileSystem.listDirectory("/data").filter { $0 != "LOCK" && $0 != "MANIFEST" })
        let unnamed = present.subtracting(named).filter { !$0.hasSuffix(".wal") || DataDirectory.firstSequence(ofSegmentNamed: $0).map { $0 <= last } == true }
        #expect(unnamed.isEmpty, "\(context): files the MANIFEST does not name are left: \(unnamed.sorted())")
        guard reopenAndRewrite else {
            try recovered.close()
            return
        }
        try recovered.expectAWriteAfterRecoverySurvives(rewriteFirst: true, context: context) {
            try Self.open(point.fileSystem, seed: seed &+ 98, clock: clock)
        }
    }
}
