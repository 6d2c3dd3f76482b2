import Testing
import CairnTestSupport
@testable import Cairn

/// Recovery's rules for the last segment's header (docs/FORMAT.md, "Segment
/// files in a data directory"), on the simulated disk.
@Suite struct RecoveryEdgeTests {
    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }

    static func open(_ disk: SimulatedFileSystem) throws -> DurableEngine {
        try DurableEngine.open(directory: "/data", fileIO: disk,
                               configuration: EngineConfiguration(clock: ManualClock(), randomSeed: 1))
    }

    static func writeFile(_ disk: SimulatedFileSystem, _ path: String, _ bytes: Bytes) throws {
        let handle = try disk.open(path, .readWrite, options: [.create, .truncate])
        try disk.writeAll(handle, bytes, at: 0)
        try disk.fdatasync(handle)
        try disk.close(handle)
        try disk.syncDirectory("/data")
    }

    /// A segment whose creation was cut short (empty, or its header zeros)
    /// is removed; the log continues, and the writer creates it again.
    @Test(arguments: [0, 5, 32])
    func aLastSegmentWithoutAHeaderIsRemoved(zeroCount: Int) throws {
        let disk = SimulatedFileSystem(seed: 1)
        let store = try Self.open(disk)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        try store.close()
        let stub = "/data/00000000000000000002.wal"
        try Self.writeFile(disk, stub, Bytes(repeating: 0, count: zeroCount))

        let reopened = try Self.open(disk)
        #expect(reopened.recovery.lastSequence == 1)
        #expect(reopened.recovery.bytesDropped == zeroCount)
        #expect(reopened.recovery.truncatedFile == stub)
        #expect(!disk.fileExists(stub))
        _ = try reopened.execute(Self.argv("SET", "b", "2"), session: &session)
        try reopened.close()
        let again = try Self.open(disk)
        #expect(again.recovery.lastSequence == 2)
        #expect(again.engine.execute("GET", "b") == .bulk(Array("2".utf8)))
        try again.close()
    }

    /// Anything else wrong with a header is corruption, even in the last segment.
    @Test func aBadLastHeaderOrAZeroedSegmentIsRefused() throws {
        let disk = SimulatedFileSystem(seed: 2)
        let store = try Self.open(disk)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        try store.close()
        let next = "/data/00000000000000000002.wal"
        var header = SegmentHeader(firstSequence: 2).encoded()
        header[20] ^= 1
        try Self.writeFile(disk, next, header)
        #expect {
            _ = try Self.open(disk)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, 0, let reason) = error else { return false }
            return file == next && reason.contains("checksum")
        }
        // Zeros longer than a header: the header had been synced, so records may be lost.
        try Self.writeFile(disk, next, Bytes(repeating: 0, count: 100))
        #expect(throws: StorageError.self) { _ = try Self.open(disk) }
        // A header whose number disagrees with the file name.
        try Self.writeFile(disk, next, SegmentHeader(firstSequence: 3).encoded())
        #expect {
            _ = try Self.open(disk)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, 16, let reason) = error else { return false }
            return file == next && reason.contains("file name")
        }
    }
}
