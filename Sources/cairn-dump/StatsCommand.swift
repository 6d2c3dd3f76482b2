import ArgumentParser
import CairnDump

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Keys per database and type, the largest keys, an expiry histogram, log bytes per command, the snapshot's size.",
        discussion: "Of the state at the end of the log (a torn tail's records are not included; what recovery refuses "
            + "is refused, exit 2). Times to live are as of the last record's time, not the wall clock. " + exitCodes)
    @Argument(help: "The data directory.") var directory: String
    @Option(help: "How many of the largest keys to list.") var top = 10
    @Flag(help: "One JSON object.") var json = false

    func run() throws {
        try runDump("stats", reading: directory, passes: 3) { out, fileIO throws(DumpFailure) in
            out.write(try Stats.run(directory, top: top, json: json, fileIO: fileIO))
            return .clean
        }
    }
}
