#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Cairn
import CairnTestSupport

/// The durable engine on real files: write, close, reopen; torn tails cut
/// at every byte; corruption refused with file and offset; the lock.
@Suite struct DurableEngineFileTests {
    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }

    static func open(_ directory: TemporaryDataDirectory, segmentSizeLimit: Int = 64 << 20) throws -> DurableEngine {
        try DurableEngine.open(directory: directory.path, fileIO: directory.io,
                               configuration: EngineConfiguration(clock: ManualClock(), randomSeed: 1),
                               log: LogConfiguration(segmentSizeLimit: segmentSizeLimit))
    }

    /// Runs a seeded workload; returns the digest after it.
    static func workload(_ store: DurableEngine, steps: Int, seed: UInt64) throws -> String {
        var random = RandomSource(seed: seed)
        var session = Session()
        for _ in 0..<steps {
            _ = try store.execute(Workload.command(&random, now: 1_700_000_000_000), session: &session)
        }
        return store.engine.digest()
    }

    @Test func writeCloseReopenGivesTheSameState() throws {
        let directory = TemporaryDataDirectory()
        // A small limit, so the workload (whose mix changes as types join it) rotates segments.
        let store = try Self.open(directory, segmentSizeLimit: 2048)
        #expect(store.recovery.recordsReplayed == 0)
        let digest = try Self.workload(store, steps: 400, seed: 11)
        let last = store.writer.lastSequence
        #expect(store.writer.durableThrough == last)
        try store.close()
        let segments = try directory.io.listDirectory(directory.path).filter { $0.hasSuffix(".wal") }
        #expect(segments.count > 3, "the small size limit rotates segments")
        #expect(segments.first == "00000000000000000001.wal")

        let reopened = try Self.open(directory, segmentSizeLimit: 4096)
        #expect(reopened.engine.digest() == digest)
        #expect(reopened.recovery.recordsReplayed == Int(last))
        #expect(reopened.recovery.lastSequence == last)
        #expect(reopened.recovery.bytesDropped == 0)
        #expect(reopened.recovery.keysLoaded == reopened.engine.keyspace.databases.reduce(0) { $0 + $1.main.count })
        // New writes continue the numbering.
        var session = Session()
        _ = try reopened.execute(Self.argv("SET", "after", "reopen"), session: &session)
        #expect(reopened.writer.lastSequence == last + 1)
        try reopened.close()
        let again = try Self.open(directory, segmentSizeLimit: 4096)
        #expect(again.engine.execute("GET", "after") == .bulk(Array("reopen".utf8)))
        #expect(again.recovery.lastSequence == last + 1)
        try again.close()
    }

    @Test func secondOpenerIsRefused() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        #expect {
            _ = try Self.open(directory)
        } throws: { error in
            guard let error = error as? StorageError, case .directoryLocked(let path, _) = error else { return false }
            return path == directory.path && error.description.contains(directory.path)
        }
        try store.close()
        try Self.open(directory).close()  // closing released the lock
    }

    /// The last record cut at every byte offset, as a crash before it was
    /// synced leaves it (the MANIFEST seals record 5, not 6): the engine
    /// opens, reports the bytes it dropped, and every earlier record is
    /// there. With the close's seal (record 6) in place, the cut is a loss
    /// of a synced record: refused.
    @Test func truncatingTheLastRecordAtEveryOffsetIsATornTail() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        var session = Session()
        for index in 0..<5 { _ = try store.execute(Self.argv("SET", "k\(index)", "value-\(index)"), session: &session) }
        let before = store.engine.digest()
        let lastStart = store.writer.segmentEndOffsetForTesting
        _ = try store.execute(Self.argv("HSET", "h", "field", String(repeating: "z", count: 40)), session: &session)
        let dataEnd = Int(store.writer.segmentEndOffsetForTesting)
        try store.close()
        let segment = directory.path + "/00000000000000000001.wal"
        // The records; preallocated zeros follow them in the file.
        let full = try Data(contentsOf: URL(fileURLWithPath: segment)).prefix(dataEnd)
        try full.prefix(full.count - 1).write(to: URL(fileURLWithPath: segment))
        #expect(throws: StorageError.self) { _ = try Self.open(directory) }
        try Manifest(durableThrough: 5, segments: ["00000000000000000001.wal"]).publish(inDirectory: directory.path, fileIO: directory.io)
        for cut in Int(lastStart)..<full.count {
            try full.prefix(cut).write(to: URL(fileURLWithPath: segment))
            let reopened = try Self.open(directory)
            #expect(reopened.recovery.recordsReplayed == 5, "cut at \(cut)")
            #expect(reopened.recovery.bytesDropped == cut - Int(lastStart), "cut at \(cut)")
            #expect(reopened.engine.digest() == before, "cut at \(cut)")
            try reopened.close()
            #expect(try Data(contentsOf: URL(fileURLWithPath: segment)).count == Int(lastStart), "the torn tail was cut off")
        }
    }

    /// A flipped byte inside a record with records after it: refused, naming
    /// the file and the bad frame's offset.
    @Test func aFlippedByteBeforeLaterRecordsIsRefused() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        var session = Session()
        var offsets: [Int64] = []
        for index in 0..<6 {
            offsets.append(store.writer.segmentEndOffsetForTesting)
            _ = try store.execute(Self.argv("SET", "k\(index)", "value-\(index)"), session: &session)
        }
        try store.close()
        let segment = directory.path + "/00000000000000000001.wal"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        bytes[Int(offsets[2]) + 40] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: segment))
        #expect {
            _ = try Self.open(directory)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, let offset, _) = error else { return false }
            return file == segment && offset == Int(offsets[2]) && error.description.contains(segment)
                && error.description.contains("offset \(offsets[2])")
        }
        // The refused open released the lock: a second try is refused for
        // the same corruption, not for the lock.
        #expect {
            _ = try Self.open(directory)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption = error else { return false }
            return true
        }
    }

    /// Damage in a segment that is not the last, or a missing segment, is
    /// corruption whatever follows: refused, naming the file.
    @Test func damageInAnEarlierSegmentOrAMissingSegmentIsRefused() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory, segmentSizeLimit: 1024)
        _ = try Self.workload(store, steps: 200, seed: 5)
        try store.close()
        let names = try directory.io.listDirectory(directory.path).filter { $0.hasSuffix(".wal") }
        #expect(names.count >= 3)
        let first = directory.path + "/" + names[0]
        let original = try Data(contentsOf: URL(fileURLWithPath: first))
        var damaged = original
        damaged[damaged.count - 3] ^= 0x20  // inside the first segment's last record
        try damaged.write(to: URL(fileURLWithPath: first))
        #expect {
            _ = try Self.open(directory, segmentSizeLimit: 1024)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, let offset, _) = error else { return false }
            return file == first && offset > 32 && offset < original.count
        }
        try original.write(to: URL(fileURLWithPath: first))
        try Self.open(directory, segmentSizeLimit: 1024).close()

        // A segment in the middle goes missing: the MANIFEST lists it.
        let middle = directory.path + "/" + names[1]
        let kept = try Data(contentsOf: URL(fileURLWithPath: middle))
        _ = Glibc.unlink(middle)
        #expect {
            _ = try Self.open(directory, segmentSizeLimit: 1024)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, _, let reason) = error else { return false }
            return file == middle && reason.contains("listed in the MANIFEST but missing")
        }
        try kept.write(to: URL(fileURLWithPath: middle))
        try Self.open(directory, segmentSizeLimit: 1024).close()
    }

    /// `appendfsync no`: nothing is synced while running, so durable-through
    /// stays put; a clean close and reopen (no power loss) still has every write.
    @Test func policyNoWritesWithoutSyncing() throws {
        let directory = TemporaryDataDirectory()
        let store = try DurableEngine.open(directory: directory.path, fileIO: directory.io, policy: .no,
                                           configuration: EngineConfiguration(clock: ManualClock(), randomSeed: 1))
        var session = Session()
        for index in 0..<10 { _ = try store.execute(Self.argv("SET", "k\(index)", "v"), session: &session) }
        #expect(store.writer.writtenThrough == 10)
        #expect(store.writer.durableThrough == 0)
        let digest = store.engine.digest()
        try store.close()
        let reopened = try Self.open(directory)
        #expect(reopened.engine.digest() == digest)
        #expect(reopened.recovery.lastSequence == 10)
        try reopened.close()
    }
}
