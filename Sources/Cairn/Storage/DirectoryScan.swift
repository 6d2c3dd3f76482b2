/// Something wrong in a data directory, as `cairn-dump verify` reports it.
public struct ScanFinding: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// What recovery truncates by itself (a crash in the last unsynced batch).
        case tornTail = "torn-tail"
        /// What recovery refuses to open with.
        case corrupt
    }

    public var kind: Kind
    public var file: String
    public var offset: Int
    public var reason: String

    public init(kind: Kind, file: String, offset: Int, reason: String) {
        self.kind = kind
        self.file = file
        self.offset = offset
        self.reason = reason
    }
}

/// The MANIFEST's content, as read.
public struct ManifestInfo: Sendable, Equatable {
    public var version: Int
    public var snapshot: String?
    public var durableThrough: UInt64
    public var segments: [String]
}

/// A snapshot file's header and, when it verified, its trailer's count.
public struct SnapshotInfo: Sendable, Equatable {
    public var path: String
    public var fileBytes: Int64
    /// The record whose state it holds (nil: the header is unreadable).
    public var sequence: UInt64?
    public var createdMilliseconds: Int64?
    public var formatVersion: UInt32
    /// Keys it holds (nil: it did not verify).
    public var keyCount: UInt64?
}

/// One key of a snapshot, as `cairn-dump snapshot` lists it.
public struct SnapshotKey: Sendable {
    public var database: Int
    public var key: Bytes
    /// `TYPE`'s name for it.
    public var type: String
    /// Absolute expiry, Unix ms.
    public var expireAt: Int64?
    /// Its record's bytes in the uncompressed body.
    public var recordBytes: Int
}

/// What a read-only walk of a data directory found (`DirectoryScanner`).
public struct DirectoryScan: Sendable {
    public var path: String
    public var manifest: ManifestInfo?
    public var snapshot: SnapshotInfo?
    /// The live segments, in log order, as scanned.
    public var segments: [SegmentScan] = []
    /// Every file name in the directory.
    public var fileNames: [String] = []
    public var findings: [ScanFinding] = []
    /// The last record the directory holds whole.
    public var lastSequence: UInt64 = 0

    /// `cairn-dump verify`'s exit code: 0 clean, 1 torn tail only, 2 corruption.
    public var verdictCode: Int32 {
        findings.contains { $0.kind == .corrupt } ? 2 : findings.isEmpty ? 0 : 1
    }
}

/// Reads a data directory the way recovery would, without taking its lock or
/// writing anything, and reports every finding instead of stopping at the
/// first (`cairn-dump verify`, `info`). It shares recovery's readers
/// (`SegmentScanner`, the snapshot reader) and its checks of how the files
/// fit together (`LogLayout`).
public enum DirectoryScanner {
    /// Walks `path`. Throws only for I/O errors; damage is in `findings`.
    /// On a live server's directory a rewrite may remove files during the
    /// walk: a file gone missing starts the walk again (at most 3 times).
    public static func scan(
        _ path: String, fileIO: any FileIO = PosixFileIO(),
        record: (ScannedRecord) throws(StorageError) -> Void = { _ in }
    ) throws(StorageError) -> DirectoryScan {
        var attempt = 0
        while true {
            attempt += 1
            do throws(StorageError) {
                return try scanOnce(path, fileIO: fileIO, lastAttempt: attempt == 3, record: record)
            } catch let error where attempt < 3 && error.isMissingFile {
                continue
            }
        }
    }

    private static func scanOnce(
        _ path: String, fileIO: any FileIO, lastAttempt: Bool, record: (ScannedRecord) throws(StorageError) -> Void
    ) throws(StorageError) -> DirectoryScan {
        var scan = DirectoryScan(path: path)
        scan.fileNames = try storageIO { () throws(IOError) in try fileIO.listDirectory(path) }.sorted()
        let onDisk = DataDirectory.segments(inDirectory: path, among: scan.fileNames)
        let manifest: Manifest?
        do throws(StorageError) {
            manifest = try Manifest.read(inDirectory: path, fileIO: fileIO)
        } catch {
            guard case .corruption(let file, let offset, let reason) = error else { throw error }
            scan.findings.append(ScanFinding(kind: .corrupt, file: file, offset: offset, reason: reason))
            return scan
        }
        guard let manifest else {
            if let defect = LogLayout.missingManifestDefect(path, onDisk: onDisk) {
                scan.findings.append(ScanFinding(kind: .corrupt, file: defect.file, offset: 0, reason: defect.reason))
            }
            return scan
        }
        scan.manifest = ManifestInfo(version: manifest.version, snapshot: manifest.snapshot,
                                     durableThrough: manifest.durableThrough, segments: manifest.segments)
        let listed = LogLayout.listedSegments(manifest, directory: path, fileIO: fileIO)
        if let defect = listed.defect {
            scan.findings.append(ScanFinding(kind: .corrupt, file: defect.file, offset: 0, reason: defect.reason))
        }
        var lastSequence: UInt64 = 0
        if let name = manifest.snapshot, let defect = LogLayout.missingSnapshotDefect(name, directory: path, fileIO: fileIO) {
            // A rewrite may have replaced it since the MANIFEST was read.
            guard lastAttempt else { throw .io(IOError(.open, path: defect.file, errno: .noSuchFile)) }
            scan.findings.append(ScanFinding(kind: .corrupt, file: defect.file, offset: 0, reason: defect.reason))
        } else if let name = manifest.snapshot {
            let (info, finding) = try scanSnapshot(DataDirectory.join(path, name), fileIO: fileIO)
            scan.snapshot = info
            if let finding { scan.findings.append(finding) }
            lastSequence = info.sequence ?? 0
        }
        if let first = listed.segments.first, let reason = LogLayout.logStartDefect(first, after: lastSequence) {
            scan.findings.append(ScanFinding(kind: .corrupt, file: first.path, offset: 0, reason: reason))
            lastSequence = first.firstSequence - 1
        }
        for (index, segment) in listed.segments.enumerated() {
            let isLast = index == listed.segments.count - 1
            let bytes = try storageIO { () throws(IOError) in try fileIO.readFile(segment.path) }
            let segmentScan = try SegmentScanner.scan(
                bytes, path: segment.path, nameFirstSequence: segment.firstSequence, after: lastSequence,
                until: isLast ? nil : listed.segments[index + 1].firstSequence - 1,
                sealedThrough: isLast ? manifest.durableThrough : 0, record: record)
            scan.segments.append(segmentScan)
            if let finding = segmentScan.finding { scan.findings.append(finding) }
            // After damage, carry on from where the next segment says it
            // starts, so each file is still checked on its own.
            lastSequence = isLast || segmentScan.finding == nil
                ? segmentScan.lastSequence : listed.segments[index + 1].firstSequence - 1
        }
        if listed.segments.isEmpty, let reason = LogLayout.unheldSealDefect(manifest.durableThrough, after: lastSequence) {
            scan.findings.append(ScanFinding(kind: .corrupt, file: DataDirectory.join(path, Manifest.fileName), offset: 0, reason: reason))
        }
        scan.lastSequence = scan.segments.last?.lastSequence ?? lastSequence
        return scan
    }

    /// Verifies one snapshot file, every record of it; `entry` sees each key.
    public static func scanSnapshot(
        _ path: String, fileIO: any FileIO = PosixFileIO(),
        entry: (SnapshotKey) throws(StorageError) -> Void = { _ in }
    ) throws(StorageError) -> (SnapshotInfo, ScanFinding?) {
        let size = try storageIO { () throws(IOError) -> Int64 in
            let handle = try fileIO.open(path, .readOnly, options: [])
            defer { try? fileIO.close(handle) }
            return try fileIO.size(handle)
        }
        var info = SnapshotInfo(path: path, fileBytes: size, formatVersion: SnapshotFormat.version)
        do throws(StorageError) {
            let summary = try SnapshotFileReader.read(path: path, fileIO: fileIO, limits: EncodingLimits()) { read throws(StorageError) in
                try entry(SnapshotKey(database: read.database, key: read.key.bytes, type: read.value.typeName,
                                      expireAt: read.expireAt, recordBytes: read.recordBytes))
            }
            info.sequence = summary.header.sequence
            info.createdMilliseconds = summary.header.createdMilliseconds
            info.keyCount = summary.keyCount
            return (info, nil)
        } catch {
            guard case .corruption(let file, let offset, let reason) = error else { throw error }
            if let header = try? SnapshotFileReader.header(path: path, fileIO: fileIO) {
                info.sequence = header.sequence
                info.createdMilliseconds = header.createdMilliseconds
            }
            return (info, ScanFinding(kind: .corrupt, file: file, offset: offset, reason: reason))
        }
    }
}

/// How the files of a data directory fit together: the checks recovery and
/// `DirectoryScanner` share, as defects (file and reason) rather than throws.
enum LogLayout {
    struct Defect: Equatable {
        var file: String
        var reason: String
    }

    /// No MANIFEST: a new directory, unless segments are there.
    static func missingManifestDefect(_ directory: String, onDisk: [DataDirectory.Segment]) -> Defect? {
        guard let first = onDisk.first else { return nil }
        return Defect(file: DataDirectory.join(directory, Manifest.fileName), reason:
            "the MANIFEST is missing, but the directory holds \(onDisk.count) log segment(s), from \(first.path)")
    }

    /// The segments the MANIFEST lists, in its order, and whether it must be
    /// republished: a version 1 MANIFEST's last listed segment may be
    /// missing (its writer listed a segment before creating it); any other
    /// missing one is a defect (the rest are still listed).
    static func listedSegments(_ manifest: Manifest, directory: String, fileIO: any FileIO)
        -> (segments: [DataDirectory.Segment], stale: Bool, defect: Defect?) {
        var listed = manifest.segments.map { name in
            DataDirectory.Segment(path: DataDirectory.join(directory, name),
                                  firstSequence: DataDirectory.firstSequence(ofSegmentNamed: name) ?? 0)
        }
        var stale = false
        var defect: Defect?
        var index = 0
        while index < listed.count {
            let segment = listed[index]
            if fileIO.fileExists(segment.path) {
                index += 1
                continue
            }
            if manifest.listsSegmentsBeforeCreation, index == listed.count - 1 {
                stale = true
            } else if defect == nil {
                defect = Defect(file: segment.path, reason: "the segment is listed in the MANIFEST but missing")
            }
            listed.remove(at: index)
        }
        return (listed, stale, defect)
    }

    /// The snapshot the MANIFEST names must be there.
    static func missingSnapshotDefect(_ name: String, directory: String, fileIO: any FileIO) -> Defect? {
        let path = DataDirectory.join(directory, name)
        guard !fileIO.fileExists(path) else { return nil }
        return Defect(file: path, reason: "the MANIFEST names snapshot \(name), which is missing")
    }

    /// The log must start right after the snapshot (or at record 1).
    static func logStartDefect(_ first: DataDirectory.Segment, after snapshotSequence: UInt64) -> String? {
        guard first.firstSequence != snapshotSequence + 1 else { return nil }
        return first.firstSequence > snapshotSequence + 1
            ? "the log starts at record \(first.firstSequence); records \(snapshotSequence + 1)...\(first.firstSequence - 1) are missing"
            : "the log starts at record \(first.firstSequence), but the snapshot holds the state after record \(snapshotSequence)"
    }

    /// A seal with no segment to hold the records it claims.
    static func unheldSealDefect(_ sealed: UInt64, after lastSequence: UInt64) -> String? {
        guard sealed > lastSequence else { return nil }
        return "the MANIFEST seals records \(lastSequence + 1)...\(sealed) as durable but lists no segment holding them"
    }
}
