import Cairn
import Foundation

/// What a file in a data directory is, by its name and the MANIFEST.
enum FileKind: String {
    case manifest = "manifest"
    case snapshot = "snapshot"
    case segment = "segment"
    /// A segment file the MANIFEST does not list (left alone by recovery).
    case unlistedSegment = "unlisted-segment"
    /// A snapshot the MANIFEST does not name (a rewrite's leftover).
    case obsoleteSnapshot = "obsolete-snapshot"
    /// A file being written before its rename (`.tmp`).
    case temporary = "temporary"
    case lock = "lock"
    case other = "other"

    /// The kind of `name` alone, as if the MANIFEST listed it.
    init(name: String) {
        self.init(name: name, manifest: nil)
    }

    init(name: String, manifest: ManifestInfo?) {
        if name == "MANIFEST" {
            self = .manifest
        } else if name == "LOCK" {
            self = .lock
        } else if name.hasSuffix(".tmp") {
            self = .temporary
        } else if name.hasSuffix(".snap") {
            self = manifest == nil || manifest?.snapshot == name ? .snapshot : .obsoleteSnapshot
        } else if name.hasSuffix(".wal") {
            self = manifest == nil || manifest?.segments.contains(name) == true ? .segment : .unlistedSegment
        } else {
            self = .other
        }
    }
}

/// `cairn-dump info DIR`: the MANIFEST, and every file with its size,
/// format version, sequence range, time range, the snapshot's key count and
/// the log's valid end.
public enum Info {
    /// One file of the directory, as info shows it.
    struct Row {
        var name: String
        var kind: FileKind
        var bytes: Int64
        var formatVersion: UInt32?
        var sequences: ClosedRange<UInt64>?
        var firstTime: Int64?
        var lastTime: Int64?
        var keys: UInt64?
        var validEnd: Int?
    }

    public static func render(_ path: String, json: Bool, fileIO: any FileIO = PosixFileIO()) throws(DumpFailure) -> String {
        try DumpText.requireDirectory(path)
        let scan = try dumpIO { () throws(StorageError) in try DirectoryScanner.scan(path, fileIO: fileIO) }
        let rows = scan.fileNames.map { row($0, scan: scan, fileIO: fileIO) }
        return json ? renderJSON(scan, rows) : renderText(scan, rows)
    }

    /// A file's row: what the directory scan read of it, or (a segment the
    /// MANIFEST does not list, a snapshot it does not name) a scan of the
    /// file by itself.
    private static func row(_ name: String, scan: DirectoryScan, fileIO: any FileIO) -> Row {
        let full = (scan.path as NSString).appendingPathComponent(name)
        let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? Int64) ?? nil
        var row = Row(name: name, kind: FileKind(name: name, manifest: scan.manifest), bytes: size ?? 0)
        var snapshot = scan.snapshot.flatMap { DumpText.name($0.path) == name ? $0 : nil }
        var segment = scan.segments.first { DumpText.name($0.path) == name }
        if segment == nil, row.kind == .unlistedSegment || row.kind == .segment {
            segment = try? SegmentScanner.scanFile(full, fileIO: fileIO)
        } else if snapshot == nil, row.kind == .obsoleteSnapshot || row.kind == .snapshot {
            snapshot = (try? DirectoryScanner.scanSnapshot(full, fileIO: fileIO))?.0
        }
        if let segment {
            row.formatVersion = segment.formatVersion
            if let first = segment.headerFirstSequence, segment.lastSequence >= first {
                row.sequences = first...segment.lastSequence
            }
            row.firstTime = segment.firstTimestampMilliseconds
            row.lastTime = segment.lastTimestampMilliseconds
            row.validEnd = segment.validEnd
        } else if let snapshot {
            row.formatVersion = snapshot.formatVersion
            row.sequences = snapshot.sequence.map { $0...$0 }
            row.firstTime = snapshot.createdMilliseconds
            row.keys = snapshot.keyCount
        }
        return row
    }

    private static func renderText(_ scan: DirectoryScan, _ rows: [Row]) -> String {
        var text = "directory: \(scan.path)\n"
        if let manifest = scan.manifest {
            text += "MANIFEST: version \(manifest.version), snapshot \(manifest.snapshot ?? "-"), "
                + "durable through \(manifest.durableThrough), \(manifest.segments.count) segment(s)\n"
        } else {
            text += "MANIFEST: none\n"
        }
        text += "last record: \(scan.lastSequence)\n"
        var table = [["file", "kind", "bytes", "version", "records", "first time", "last time", "keys", "valid end"]]
        for row in rows {
            let records: String
            if let range = row.sequences {
                records = row.kind == .snapshot ? "state after \(range.upperBound)" : "\(range.lowerBound)...\(range.upperBound)"
            } else {
                records = "-"
            }
            table.append([row.name, row.kind.rawValue, String(row.bytes), row.formatVersion.map { String($0) } ?? "-",
                          records, row.firstTime.map(DumpText.time) ?? "-", row.lastTime.map(DumpText.time) ?? "-",
                          row.keys.map { String($0) } ?? "-", row.validEnd.map { String($0) } ?? "-"])
        }
        text += DumpText.table(table)
        if !scan.findings.isEmpty {
            text += "\(scan.findings.count) finding(s); run cairn-dump verify for them\n"
        }
        return text
    }

    private static func renderJSON(_ scan: DirectoryScan, _ rows: [Row]) -> String {
        let manifest: JSONValue = scan.manifest.map { manifest in
            .object([("version", .int(Int64(manifest.version))), ("snapshot", .optional(manifest.snapshot)),
                     ("durable_through", .uint(manifest.durableThrough)),
                     ("segments", .array(manifest.segments.map { .string($0) }))])
        } ?? .null
        let files: [JSONValue] = rows.map { row in
            .object([("name", .string(row.name)), ("kind", .string(row.kind.rawValue)), ("bytes", .int(row.bytes)),
                     ("format_version", .optional(row.formatVersion.map { UInt64($0) })),
                     ("first_sequence", .optional(row.sequences?.lowerBound)),
                     ("last_sequence", .optional(row.sequences?.upperBound)),
                     ("first_time_ms", .optional(row.firstTime)), ("last_time_ms", .optional(row.lastTime)),
                     ("keys", .optional(row.keys)), ("valid_end", .optional(row.validEnd.map { Int64($0) }))])
        }
        return JSONValue.object([
            ("directory", .string(scan.path)), ("manifest", manifest), ("last_sequence", .uint(scan.lastSequence)),
            ("files", .array(files)), ("findings", .int(Int64(scan.findings.count))),
        ]).text + "\n"
    }
}
