import Cairn
import Foundation

/// `cairn-dump repair DIR [--salvage] [--backup DIR]`: a torn tail cut off;
/// with `--salvage`, everything still readable rebuilt into a new snapshot
/// and the damaged files removed. Every file changed or removed is first
/// copied, synced, into the backup directory. Takes the directory's LOCK
/// (refused while a server runs on it).
public enum RepairReport {
    /// What a repair did; `exit` is 0 when the directory verifies clean afterwards.
    public struct Outcome {
        public enum Action: String { case none, truncated, salvaged, refused }
        public var action: Action
        public var before: Verify.Outcome
        public var after: Verify.Outcome?
        public var backup: String?
        public var backedUp: [String] = []
        public var losses: [SalvageLoss] = []
        public var notes: [String] = []
        public var keys: UInt64?
        public var sequence: UInt64?
        public var exit: DumpExit { action == .refused ? .corrupt : after?.exit ?? before.exit }
    }

    public static func run(_ path: String, salvage: Bool, backup: String?, fileIO: any FileIO = PosixFileIO(),
                           now: Date = Date()) throws(DumpFailure) -> Outcome {
        try DumpText.requireDirectory(path)
        let directory = try dumpIO { () throws(StorageError) in try DataDirectory.open(path, fileIO: fileIO) }
        defer { directory.close() }
        let scan = try dumpIO { () throws(StorageError) in try DirectoryScanner.scan(path, fileIO: fileIO) }
        let before = Verify.Outcome(scan)
        var outcome = Outcome(action: .none, before: before)
        guard !before.findings.isEmpty else { return outcome }
        let backupPath = backup ?? defaultBackup(path, now: now)
        if before.findings.allSatisfy({ $0.kind == .tornTail }) {
            for segment in scan.segments {
                guard case .tornTail(let offset, let reason, let dropped, _) = segment.ending else { continue }
                outcome.losses.append(SalvageLoss(what: .records(dropped), file: segment.path, offset: offset,
                                                  reason: "a torn tail (\(reason)): never synced; cut off, as recovery does"))
                let name = DumpText.name(segment.path)
                try backUp([name], of: path, into: backupPath, outcome: &outcome, fileIO: fileIO)
                try dumpIO { () throws(StorageError) in try Repair.truncate(segment.path, to: offset, fileIO: fileIO) }
            }
            outcome.action = .truncated
        } else {
            let state = try dumpIO { () throws(StorageError) in try Salvage.load(path, fileIO: fileIO) }
            outcome.losses = state.losses
            outcome.notes = state.notes
            outcome.sequence = state.sequence
            outcome.keys = UInt64(state.engine.keyCount)
            guard salvage else {
                outcome.action = .refused
                return outcome
            }
            let names = Repair.dataFiles(among: scan.fileNames)
            try backUp(names, of: path, into: backupPath, outcome: &outcome, fileIO: fileIO)
            outcome.keys = try dumpIO { () throws(StorageError) in try Repair.replace(path, with: state, fileIO: fileIO) }
            outcome.action = .salvaged
        }
        outcome.after = try Verify.run(path, fileIO: fileIO)
        return outcome
    }

    private static func backUp(_ names: [String], of path: String, into backup: String, outcome: inout Outcome,
                               fileIO: any FileIO) throws(DumpFailure) {
        if fileIO.fileExists(backup) { throw DumpFailure("\(backup): the backup directory exists already; name another with --backup") }
        try dumpIO { () throws(StorageError) in try Repair.backUp(names, of: path, into: backup, fileIO: fileIO) }
        outcome.backup = backup
        outcome.backedUp += names
    }

    /// `DIR.repair-20261204T210000Z`, beside the directory.
    static func defaultBackup(_ path: String, now: Date) -> String {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return trimmed + ".repair-" + formatter.string(from: now)
    }

    /// What one loss was, in words: `records 12...14`, `key db0 "user:1"`.
    static func describe(_ what: SalvageLoss.What) -> String {
        switch what {
        case .records(let range): range.count == 1 ? "record \(range.lowerBound)" : "records \(range.lowerBound)...\(range.upperBound)"
        case .key(let database, let key): "key db\(database) \(sdsRepr(key))"
        case .unnamedKeys(let count): "\(count) more key(s), unnamed"
        case .snapshotDamage: "no key"
        case .snapshot(let sequence): "the snapshot's whole state (after record \(sequence))"
        case .unreadable: "unreadable bytes"
        }
    }

    public static func render(_ outcome: Outcome, json: Bool) -> String {
        let base = outcome.before.path
        func shown(_ file: String) -> String { file.hasPrefix(base) && file != base ? DumpText.name(file) : file }
        if json { return renderJSON(outcome, shown: shown) }
        var text = Verify.render(outcome.before, json: false)
        switch outcome.action {
        case .none:
            return text + "nothing to repair\n"
        case .refused:
            text += "not repaired: the damage loses data; --salvage would drop what is listed below and keep the rest\n"
        case .truncated, .salvaged:
            text += "backed up \(outcome.backedUp.count) file(s) to \(outcome.backup ?? "-"): \(outcome.backedUp.joined(separator: " "))\n"
        }
        let verb = outcome.action == .refused ? "would drop" : "dropped"
        if outcome.losses.isEmpty {
            text += "\(verb): nothing\n"
        } else {
            text += "\(verb):\n" + DumpText.table(outcome.losses.map { loss in
                ["  " + describe(loss.what), shown(loss.file), "offset \(loss.offset)", loss.reason]
            })
        }
        for note in outcome.notes { text += "note: \(note)\n" }
        if let keys = outcome.keys, let sequence = outcome.sequence {
            text += "\(outcome.action == .refused ? "would leave" : "left"): \(keys) keys, the state after record \(sequence)\n"
        }
        if let after = outcome.after {
            text += "after repair: " + Verify.render(after, json: false)
        }
        return text
    }

    private static func renderJSON(_ outcome: Outcome, shown: (String) -> String) -> String {
        func verdict(_ verify: Verify.Outcome) -> JSONValue {
            .object([("result", .string(verify.exit.word)), ("findings", .int(Int64(verify.findings.count))),
                     ("last_sequence", .uint(verify.lastSequence))])
        }
        return JSONValue.object([
            ("path", .string(outcome.before.path)),
            ("action", .string(outcome.action.rawValue)),
            ("exit", .int(Int64(outcome.exit.rawValue))),
            ("before", verdict(outcome.before)),
            ("backup", .optional(outcome.backup)),
            ("backed_up", .array(outcome.backedUp.map { .string($0) })),
            ("dropped", .array(outcome.losses.map { loss in .object(lossFields(loss.what) + [
                ("file", .string(shown(loss.file))), ("offset", .int(Int64(loss.offset))), ("reason", .string(loss.reason)),
            ]) })),
            ("notes", .array(outcome.notes.map { .string($0) })),
            ("keys", .optional(outcome.keys)),
            ("sequence", .optional(outcome.sequence)),
            ("after", outcome.after.map(verdict) ?? .null),
        ]).text + "\n"
    }

    private static func lossFields(_ what: SalvageLoss.What) -> [(String, JSONValue)] {
        switch what {
        case .records(let range):
            [("kind", .string("records")), ("first_seq", .uint(range.lowerBound)), ("last_seq", .uint(range.upperBound))]
        case .key(let database, let key): [("kind", .string("key")), ("db", .int(Int64(database))), ("key", .bytes(key))]
        case .unnamedKeys(let count): [("kind", .string("unnamed-keys")), ("count", .uint(count))]
        case .snapshotDamage: [("kind", .string("snapshot-damage"))]
        case .snapshot(let sequence): [("kind", .string("snapshot")), ("sequence", .uint(sequence))]
        case .unreadable: [("kind", .string("unreadable"))]
        }
    }
}
