import ArgumentParser
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
        abstract: "Inspect and verify a Cairn data directory without starting a server. Never writes to its input.",
        discussion: exitCodes,
        subcommands: [InfoCommand.self, VerifyCommand.self, LogCommand.self, SnapshotCommand.self])
}

/// Runs a subcommand body: a `DumpFailure` prints and exits 3.
func runDump(_ body: (DescriptorOutput) throws(DumpFailure) -> DumpExit) throws {
    let out = DescriptorOutput(descriptor: STDOUT_FILENO)
    let exit: DumpExit
    do throws(DumpFailure) {
        exit = try body(out)
        out.flush()
    } catch {
        out.flush()
        note("cairn-dump: \(error.description)")
        exit = .failure
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
        try runDump { out throws(DumpFailure) in
            out.write(try Info.render(directory, json: json))
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
        try runDump { out throws(DumpFailure) in
            let outcome = try Verify.run(path)
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
        try runDump { out throws(DumpFailure) in
            var sink = out
            let scan = try LogListing.run(file, from: fromSequence, to: toSequence, json: json, output: &sink)
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
        try runDump { out throws(DumpFailure) in
            var sink = out
            let (_, finding) = try SnapshotListing.run(file, match: match, json: json, output: &sink)
            guard let finding else { return .clean }
            out.flush()
            note("\(finding.kind.rawValue) at offset \(finding.offset): \(finding.reason)")
            return .corrupt
        }
    }
}

CairnDumpCommand.main()
