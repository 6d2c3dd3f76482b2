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

    /// Lists segments 1 and 2 in the MANIFEST: a version 1 one, as that
    /// writer did before it created segment 2; version 2 lists a segment
    /// only after creating it.
    static func listSecondSegment(_ disk: SimulatedFileSystem, version: Int = 1) throws {
        try Manifest(version: version, segments: ["00000000000000000001.wal", "00000000000000000002.wal"])
            .publish(inDirectory: "/data", fileIO: disk)
    }

    /// Record 1 in segment 1, and a listed segment 2 of `zeroCount` zeros.
    static func logWithZeroedSecondSegment(zeroCount: Int, manifestVersion: Int)
        throws -> (disk: SimulatedFileSystem, stub: String) {
        let disk = SimulatedFileSystem(seed: 1)
        let store = try Self.open(disk)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        try store.close()
        try Self.listSecondSegment(disk, version: manifestVersion)
        let stub = "/data/00000000000000000002.wal"
        try Self.writeFile(disk, stub, Bytes(repeating: 0, count: zeroCount))
        return (disk, stub)
    }

    /// Under a version 1 MANIFEST, a segment whose creation was cut short
    /// (empty, or its header zeros) is removed; the log continues, and the
    /// writer creates it again.
    @Test(arguments: [0, 5, 32])
    func aLastSegmentWithoutAHeaderIsRemoved(zeroCount: Int) throws {
        let (disk, stub) = try Self.logWithZeroedSecondSegment(zeroCount: zeroCount, manifestVersion: 1)
        var session = Session()

        let reopened = try Self.open(disk)
        #expect(reopened.recovery.lastSequence == 1)
        #expect(reopened.recovery.bytesDropped == zeroCount)
        #expect(reopened.recovery.truncatedFile == stub)
        // Removed, and made again at once, properly (header, reserved space,
        // listed in a version 2 MANIFEST), for the next record.
        let remade = try #require(disk.contents(of: stub))
        #expect(remade.count > zeroCount && (try? SegmentHeader(decoding: remade))?.firstSequence == 2)
        #expect(try Manifest.read(inDirectory: "/data", fileIO: disk)?.segments.last == "00000000000000000002.wal")
        _ = try reopened.execute(Self.argv("SET", "b", "2"), session: &session)
        try reopened.close()
        let again = try Self.open(disk)
        #expect(again.recovery.lastSequence == 2)
        #expect(again.engine.execute("GET", "b") == .bulk(Array("2".utf8)))
        try again.close()
    }

    /// Under a version 2 MANIFEST the segment existed, header synced, before
    /// it was listed: empty or zeroed now means damaged, refused.
    @Test(arguments: [0, 5, 32])
    func aListedSegmentWithoutAHeaderIsRefused(zeroCount: Int) throws {
        let (disk, stub) = try Self.logWithZeroedSecondSegment(zeroCount: zeroCount, manifestVersion: 2)
        #expect {
            _ = try Self.open(disk)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, 0, _) = error else { return false }
            return file == stub
        }
        #expect(disk.fileExists(stub), "a refused open removes nothing")
    }

    /// Anything else wrong with a header is corruption, even in the last segment.
    @Test func aBadLastHeaderOrAZeroedSegmentIsRefused() throws {
        let disk = SimulatedFileSystem(seed: 2)
        let store = try Self.open(disk)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        try store.close()
        try Self.listSecondSegment(disk)
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

    /// A version 1 writer listed a segment in the MANIFEST before creating
    /// it: a listed last segment that is missing was never created (dropped,
    /// and the MANIFEST republished, as version 2); a missing earlier one is
    /// corruption.
    @Test func aListedButMissingSegmentIsDroppedOnlyWhenLast() throws {
        let disk = SimulatedFileSystem(seed: 3)
        let store = try Self.open(disk)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        try store.close()
        try Self.listSecondSegment(disk)
        let reopened = try Self.open(disk)
        #expect(reopened.recovery.lastSequence == 1)
        _ = try reopened.execute(Self.argv("SET", "b", "2"), session: &session)
        try reopened.close()
        let manifest = try #require(try Manifest.read(inDirectory: "/data", fileIO: disk))
        #expect(manifest.segments == ["00000000000000000001.wal"])
        #expect(manifest.version == 2 && manifest.durableThrough == 2)

        try Manifest(version: 1, segments: ["00000000000000000000.wal", "00000000000000000001.wal"])
            .publish(inDirectory: "/data", fileIO: disk)
        #expect {
            _ = try Self.open(disk)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, 0, let reason) = error else { return false }
            return file == "/data/00000000000000000000.wal" && reason.contains("missing")
        }
    }

    /// A segment file the MANIFEST does not list is not part of the log: it
    /// is left alone and counted.
    @Test func anUnlistedSegmentIsIgnored() throws {
        let disk = SimulatedFileSystem(seed: 4)
        let store = try Self.open(disk)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        try store.close()
        let stray = try RecordFrame.encode([Effect(database: 0, argv: Self.argv("SET", "stray", "x"))],
                                           sequence: 2, durableThrough: 1, timestampMilliseconds: 0)
        try Self.writeFile(disk, "/data/00000000000000000002.wal", SegmentHeader(firstSequence: 2).encoded() + stray)
        let reopened = try Self.open(disk)
        #expect(reopened.recovery.lastSequence == 1)
        #expect(reopened.recovery.unlistedSegments == 1)
        #expect(reopened.engine.execute("EXISTS", "stray") == .integer(0))
        try reopened.close()
    }

    /// Segments without a MANIFEST, or a damaged MANIFEST, refuse to open.
    @Test func aMissingOrDamagedManifestIsRefused() throws {
        let disk = SimulatedFileSystem(seed: 5)
        let store = try Self.open(disk)
        var session = Session()
        _ = try store.execute(Self.argv("SET", "a", "1"), session: &session)
        try store.close()
        let good = try #require(disk.contents(of: "/data/MANIFEST"))
        var flipped = good
        flipped[20] ^= 0x01
        try Self.writeFile(disk, "/data/MANIFEST", flipped)
        #expect {
            _ = try Self.open(disk)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, 0, let reason) = error else { return false }
            return file == "/data/MANIFEST" && reason.contains("checksum")
        }
        try disk.unlink("/data/MANIFEST")
        #expect {
            _ = try Self.open(disk)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(_, 0, let reason) = error else { return false }
            return reason.contains("MANIFEST is missing")
        }
    }

    @Test func manifestTextRoundTrips() throws {
        let manifest = Manifest(durableThrough: 4500, segments: ["00000000000000000001.wal", "00000000000000004501.wal"])
        let text = String(decoding: manifest.encoded(), as: UTF8.self)
        #expect(text.hasPrefix("cairn-manifest 2\nsnapshot -\ndurable-through 4500\nsegment 00000000000000000001.wal\nsegment 00000000000000004501.wal\ncrc32c 0x"))
        #expect(try Manifest.decode(manifest.encoded()).get() == manifest)
        let bytes = manifest.encoded()
        for cut in 0..<bytes.count { #expect((try? Manifest.decode(Array(bytes[..<cut])).get()) == nil, "cut at \(cut)") }
        // Version 1 (no durable-through line) is still read.
        let old = Manifest(version: 1, segments: ["00000000000000000001.wal"])
        #expect(String(decoding: old.encoded(), as: UTF8.self).hasPrefix("cairn-manifest 1\nsnapshot -\nsegment "))
        #expect(try Manifest.decode(old.encoded()).get() == old)
        // A durable-through that is not a canonical decimal is malformed.
        for bad in ["durable-through 01", "durable-through -1", "durable-through ", "durable-through x"] {
            var body = Bytes("cairn-manifest 2\nsnapshot -\n\(bad)\n".utf8)
            let checksum = body.withUnsafeBytes { CRC32C.mask(CRC32C.extend(0, $0)) }
            body += Bytes("crc32c \(Hex.word(checksum))\n".utf8)
            #expect(Manifest.decode(body) == .failure(.malformedLine(number: 3)), "\(bad)")
        }
    }

    /// Found by Fuzz/FuzzManifest (testdata/fuzz/FuzzManifest/regression-empty-snapshot-name):
    /// `snapshot ` with an empty name made the directory itself the
    /// snapshot's path, and verify threw an I/O error (EISDIR) instead of
    /// reporting a corrupt MANIFEST. A snapshot name must be `N{20}.snap`.
    @Test func snapshotNameMustBeASnapshotFileName() throws {
        for bad in ["snapshot ", "snapshot ../00000000000000000001.snap", "snapshot 1.snap", "snapshot MANIFEST"] {
            var body = Bytes("cairn-manifest 1\n\(bad)\n".utf8)
            body += Bytes("crc32c \(Hex.word(CRC32C.mask(CRC32C.checksum(body))))\n".utf8)
            #expect(Manifest.decode(body) == .failure(.malformedLine(number: 2)), "\(bad)")
            let disk = SimulatedFileSystem(seed: 1)
            try disk.makeDirectory("/data")
            try Self.writeFile(disk, "/data/MANIFEST", body)
            let scan = try DirectoryScanner.scan("/data", fileIO: disk)
            #expect(scan.findings.map(\.kind) == [.corrupt] && scan.findings.first?.file == "/data/MANIFEST", "\(bad)")
            #expect(throws: StorageError.self) { try Self.open(disk) }
        }
    }
}
