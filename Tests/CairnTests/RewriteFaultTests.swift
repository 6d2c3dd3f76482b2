import Foundation
import Testing
import CairnTestSupport
@testable import Cairn

/// A full disk or an I/O error during a rewrite fails the rewrite alone:
/// the status says so, the old MANIFEST, log (and snapshot) stay in use,
/// writes go on, nothing is left behind, and a later rewrite succeeds.
@Suite struct RewriteFaultTests {
    static func open(_ disk: SimulatedFileSystem) throws -> DurableEngine {
        try DurableEngine.open(directory: "/data", fileIO: disk,
                               configuration: EngineConfiguration(clock: ManualClock(milliseconds: 1_700_000_000_000), randomSeed: 1))
    }

    static func fill(_ store: DurableEngine, from: Int, count: Int) throws {
        var session = Session()
        for index in from..<(from + count) {
            _ = try store.execute(["SET", "key:\(index)", String(repeating: "v", count: 50 + index % 7)].map { Array($0.utf8) },
                                  session: &session)
        }
    }

    static func names(_ disk: SimulatedFileSystem) throws -> [String] {
        try disk.listDirectory("/data").filter { $0 != "LOCK" }.sorted()
    }

    /// `fault` breaks the rewrite's files; `repair` undoes it.
    static func check(fault: (SimulatedFileSystem) -> Void, repair: (SimulatedFileSystem) -> Void) throws {
        let disk = SimulatedFileSystem(seed: 5)
        let store = try open(disk)
        try fill(store, from: 0, count: 2000)
        try store.rewrite()
        let firstSnapshot = store.writer.snapshotName
        try fill(store, from: 2000, count: 500)
        let before = try names(disk)
        fault(disk)
        #expect(throws: StorageError.self) { try store.rewrite() }
        #expect(!store.persistence.lastSucceeded && store.persistence.rewritesFailed == 1)
        #expect(store.persistence.lastError?.isEmpty == false)
        #expect(store.writer.snapshotName == firstSnapshot)
        // Writes go on, and nothing the failed rewrite made is left.
        try fill(store, from: 2500, count: 100)
        #expect(try names(disk).filter { $0.hasSuffix(".snap") || $0.hasSuffix(".tmp") } == before.filter { $0.hasSuffix(".snap") })
        let digest = store.engine.digest()
        repair(disk)
        try store.close()
        let reopened = try open(disk)
        #expect(reopened.engine.digest() == digest && reopened.recovery.snapshotName == firstSnapshot)
        try reopened.rewrite()
        #expect(reopened.persistence.lastSucceeded && reopened.writer.snapshotName != firstSnapshot)
        try reopened.close()
        let again = try open(disk)
        #expect(again.engine.digest() == digest && again.recovery.recordsReplayed == 0)
        try again.close()
    }

    @Test func aFullDiskFailsTheRewriteOnly() throws {
        try Self.check(fault: { disk in disk.capacityBytes = disk.usedBytes + 4096 },
                       repair: { disk in disk.capacityBytes = nil })
    }

    @Test func aFailedSyncOfTheSnapshotFailsTheRewriteOnly() throws {
        try Self.check(fault: { disk in disk.failSyncs(.next(1), paths: .suffix(".snap.tmp")) },
                       repair: { disk in disk.clearFaults() })
    }
}
