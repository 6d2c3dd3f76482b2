import ArgumentParser
import Cairn
import CairnDump
import Foundation

/// Standard error, for what is not the command's output (how a log ended).
func note(_ text: String) {
    let error = DescriptorOutput(descriptor: STDERR_FILENO)
    error.write(text + "\n")
}

let exitCodes = """
    Exit codes: 0 clean; 1 torn tail only (what recovery truncates by itself); \
    2 corruption (what recovery refuses to open); 3 usage or I/O error.
    """

struct CairnDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cairn-dump",
        abstract: "Inspect, verify, repair, export and restore a Cairn data directory without starting a server. Only repair writes to its input.",
        discussion: exitCodes,
        subcommands: [InfoCommand.self, VerifyCommand.self, LogCommand.self, SnapshotCommand.self, ExportCommand.self,
                      RestoreCommand.self, DigestCommand.self, StatsCommand.self, RepairCommand.self])
}

/// Runs a subcommand body with the `FileIO` it reads through: a
/// `DumpFailure` prints and exits with its code. While it reads `path`
/// (about `passes` times), a progress bar is drawn on stderr if that is a terminal.
func runDump(_ label: String, reading path: String, passes: Int = 1,
             _ body: (DescriptorOutput, any FileIO) throws(DumpFailure) -> DumpExit) throws {
    let out = DescriptorOutput(descriptor: STDOUT_FILENO)
    let fileIO = CountingFileIO()
    let progress = ProgressBar(label: label, path: path, passes: passes, counter: fileIO)
    let exit: DumpExit
    do throws(DumpFailure) {
        exit = try body(out, fileIO)
        progress?.finish()
        out.flush()
    } catch {
        progress?.finish()
        out.flush()
        note("cairn-dump: \(error.description)")
        exit = error.exit
    }
    if exit != .clean { throw ExitCode(exit.rawValue) }
}

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "The MANIFEST and every file: size, format version, records, time range, keys, the log's valid end.",
        discussion: exitCodes)
    @Argument(help: "The data directory.") var directory: String
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        try runDump("info", reading: directory) { out, fileIO throws(DumpFailure) in
            out.write(try Info.render(directory, json: json, fileIO: fileIO))
            return .clean
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum, header, trailer, sequence continuity and the MANIFEST's references.",
        discussion: "Each finding names its file, byte offset and kind (torn-tail or corrupt). Works on a live "
            + "server's directory (takes no lock). " + exitCodes)
    @Argument(help: "A data directory, a segment (.wal) or a snapshot (.snap).") var path: String
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        try runDump("verify", reading: path) { out, fileIO throws(DumpFailure) in
            let outcome = try Verify.run(path, fileIO: fileIO)
            out.write(Verify.render(outcome, json: json))
            return outcome.exit
        }
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "One line per logged command: sequence, time, database, arguments quoted as redis-cli quotes them.",
        discussion: "How the file ends (a torn tail, corruption) goes to stderr. " + exitCodes)
    @Argument(help: "A segment file (.wal).") var file: String
    @Option(name: .customLong("from-seq"), help: "The first record to list.") var fromSequence: UInt64?
    @Option(name: .customLong("to-seq"), help: "The last record to list.") var toSequence: UInt64?
    @Flag(help: "One JSON object per record (NDJSON).") var json = false

    func run() throws {
        try runDump("log", reading: file) { out, fileIO throws(DumpFailure) in
            var sink = out
            let scan = try LogListing.run(file, from: fromSequence, to: toSequence, json: json, fileIO: fileIO, output: &sink)
            guard let finding = scan.finding else { return .clean }
            out.flush()
            note("\(finding.kind.rawValue) at offset \(finding.offset): \(finding.reason)")
            return finding.kind == .corrupt ? .corrupt : .tornTail
        }
    }
}

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Every key of a snapshot: database, type, record size, expiry; the whole file is verified.",
        discussion: "Damage goes to stderr. " + exitCodes)
    @Argument(help: "A snapshot file (.snap).") var file: String
    @Option(help: "Only keys matching this glob pattern (as KEYS).") var match: String?
    @Flag(help: "One JSON object per key (NDJSON).") var json = false

    func run() throws {
        try runDump("snapshot", reading: file) { out, fileIO throws(DumpFailure) in
            var sink = out
            let (_, finding) = try SnapshotListing.run(file, match: match, json: json, fileIO: fileIO, output: &sink)
            guard let finding else { return .clean }
            out.flush()
            note("\(finding.kind.rawValue) at offset \(finding.offset): \(finding.reason)")
            return .corrupt
        }
    }
}

/// `--until-seq` / `--until-time`, shared by export, restore and digest.
struct PointOptions: ParsableArguments {
    @Option(name: .customLong("until-seq"), help: "The state after this record (a transaction is applied whole or not at all).")
    var untilSequence: UInt64?
    @Option(name: .customLong("until-time"), help: "The state after the last record logged at or before this ISO 8601 time (2026-12-04T17:00:00Z).")
    var untilTime: String?

    func limit() throws(DumpFailure) -> PointInTime.Limit {
        try PointOption.limit(untilSequence: untilSequence, untilTime: untilTime)
    }
}

let pointDiscussion = "Without --until-seq or --until-time: the state at the end of the log (a torn tail's records are not "
    + "included; what recovery refuses is refused, exit 2). "

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "The whole dataset: NDJSON, RESP commands for redis-cli --pipe, or an AOF redis-server loads.",
        discussion: pointDiscussion + exitCodes)
    @Argument(help: "The data directory.") var directory: String
    @Option(help: "json (one object per key, docs/FORMAT.md), resp or aof.") var format: Export.Format
    @OptionGroup var point: PointOptions
    @Option(name: .short, help: "Write to this file instead of standard output.") var output: String?

    func run() throws {
        try runDump("export", reading: directory, passes: 2) { out, fileIO throws(DumpFailure) in
            let limit = try point.limit()
            guard let output else {
                try Export.run(directory, format: format, until: limit, fileIO: fileIO, output: out)
                return .clean
            }
            let file = try DescriptorOutput.file(output)
            do throws(DumpFailure) {
                try Export.run(directory, format: format, until: limit, fileIO: fileIO, output: file)
            } catch {
                try? file.close(path: output)
                throw error
            }
            try file.close(path: output)
            return .clean
        }
    }
}

extension Export.Format: ExpressibleByArgument {}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Point-in-time restore: a new data directory holding the state as of a record or a time.",
        discussion: "NEWDIR must be missing or empty; it gets a snapshot of that state and a MANIFEST, each synced, and "
            + "cairn-server --dir NEWDIR opens it and goes on numbering after it. " + pointDiscussion + exitCodes)
    @Argument(help: "The data directory.") var directory: String
    @OptionGroup var point: PointOptions
    @Option(name: .customLong("out"), help: "The new data directory.") var out: String
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        try runDump("restore", reading: directory, passes: 2) { stdout, fileIO throws(DumpFailure) in
            stdout.write(try Restore.run(directory, until: try point.limit(), out: out, json: json, fileIO: fileIO))
            return .clean
        }
    }
}

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Redis's DEBUG DIGEST of the dataset: what cairn-server or redis-server 7 answers for the same data.",
        discussion: pointDiscussion + exitCodes)
    @Argument(help: "The data directory.") var directory: String
    @OptionGroup var point: PointOptions
    @Flag(help: "One JSON object, with where in the history the state stands.") var json = false

    func run() throws {
        try runDump("digest", reading: directory, passes: 2) { out, fileIO throws(DumpFailure) in
            out.write(try DigestReport.run(directory, until: try point.limit(), json: json, fileIO: fileIO))
            return .clean
        }
    }
}

struct RepairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Cut off a torn tail; with --salvage, rebuild what still reads past corruption. Backs up every file it changes.",
        discussion: "Takes the directory's LOCK (stop the server first). A torn tail is cut off (what recovery would do). "
            + "Corruption is repaired only with --salvage: the snapshot is read past damaged blocks, the log past damaged "
            + "records, and what reads becomes a new snapshot and MANIFEST; every record and key dropped is listed. "
            + "Without --salvage, corruption is reported with what --salvage would drop, and nothing is written. "
            + "Exit codes: 0 the directory verifies clean (repaired, or nothing to do); 2 corruption left (no --salvage); "
            + "3 usage or I/O error.")
    @Argument(help: "The data directory.") var directory: String
    @Flag(help: "Drop corrupt records and damaged snapshot keys, keep the rest.") var salvage = false
    @Option(help: "Where the backup of changed files goes (a new directory; default DIR.repair-<UTC time>).") var backup: String?
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        try runDump("repair", reading: directory, passes: 3) { out, fileIO throws(DumpFailure) in
            let outcome = try RepairReport.run(directory, salvage: salvage, backup: backup, fileIO: fileIO)
            out.write(RepairReport.render(outcome, json: json))
            return outcome.exit
        }
    }
}

CairnDumpCommand.main()
