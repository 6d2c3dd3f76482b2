import Cairn
import Foundation

/// `cairn-dump verify DIR|FILE`: every checksum, header, trailer, sequence
/// continuity and the MANIFEST's references, read-only and without the
/// directory's LOCK (a live server's directory can be verified).
public enum Verify {
    /// What a verify found, and its exit code.
    public struct Outcome {
        public var path: String
        public var findings: [ScanFinding]
        /// The last record held whole (for a snapshot: the record it holds the state after).
        public var lastSequence: UInt64
        /// Snapshots and segments checked.
        public var filesChecked: Int
        public var exit: DumpExit { DumpExit(findings: findings) }

        /// The verdict of a directory's scan.
        init(_ scan: DirectoryScan) {
            self.init(path: scan.path, findings: scan.findings, lastSequence: scan.lastSequence,
                      filesChecked: scan.segments.count + (scan.snapshot == nil ? 0 : 1))
        }

        init(path: String, findings: [ScanFinding], lastSequence: UInt64, filesChecked: Int) {
            self.path = path
            self.findings = findings
            self.lastSequence = lastSequence
            self.filesChecked = filesChecked
        }
    }

    /// Verifies a data directory, a segment (`.wal`) or a snapshot (`.snap`).
    public static func run(_ path: String, fileIO: any FileIO = PosixFileIO()) throws(DumpFailure) -> Outcome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DumpFailure("\(path): no such file or directory")
        }
        if isDirectory.boolValue {
            return Outcome(try dumpIO { () throws(StorageError) in try DirectoryScanner.scan(path, fileIO: fileIO) })
        }
        switch FileKind(name: DumpText.name(path)) {
        case .segment, .unlistedSegment:
            let scan = try dumpIO { () throws(StorageError) in try SegmentScanner.scanFile(path, fileIO: fileIO) }
            return Outcome(path: path, findings: scan.finding.map { [$0] } ?? [], lastSequence: scan.lastSequence, filesChecked: 1)
        case .snapshot, .obsoleteSnapshot:
            let (info, finding) = try dumpIO { () throws(StorageError) in try DirectoryScanner.scanSnapshot(path, fileIO: fileIO) }
            return Outcome(path: path, findings: finding.map { [$0] } ?? [], lastSequence: info.sequence ?? 0, filesChecked: 1)
        default:
            throw DumpFailure("\(path): not a data directory, a segment (.wal) or a snapshot (.snap)")
        }
    }

    /// The report: one line per finding (kind, file, offset, reason) and a
    /// verdict line; or one JSON object.
    public static func render(_ outcome: Outcome, json: Bool) -> String {
        let base = outcome.path
        func shown(_ file: String) -> String {
            file.hasPrefix(base) && file != base ? DumpText.name(file) : file
        }
        if json {
            return JSONValue.object([
                ("path", .string(outcome.path)),
                ("result", .string(outcome.exit.word)),
                ("exit", .int(Int64(outcome.exit.rawValue))),
                ("files_checked", .int(Int64(outcome.filesChecked))),
                ("last_sequence", .uint(outcome.lastSequence)),
                ("findings", .array(outcome.findings.map { finding in
                    .object([("kind", .string(finding.kind.rawValue)), ("file", .string(shown(finding.file))),
                             ("offset", .int(Int64(finding.offset))), ("reason", .string(finding.reason))])
                })),
            ]).text + "\n"
        }
        var text = ""
        if !outcome.findings.isEmpty {
            text += DumpText.table(outcome.findings.map { finding in
                [finding.kind.rawValue, shown(finding.file), "offset \(finding.offset)", finding.reason]
            })
        }
        let verdict: String
        switch outcome.exit {
        case .clean: verdict = "clean"
        case .tornTail: verdict = "torn tail only (recovery truncates it by itself)"
        case .corrupt: verdict = "corrupt (recovery refuses to open)"
        case .failure: verdict = "error"
        }
        text += "\(outcome.path): \(verdict); \(outcome.filesChecked) file(s) checked, records through \(outcome.lastSequence); exit \(outcome.exit.rawValue)\n"
        return text
    }
}
