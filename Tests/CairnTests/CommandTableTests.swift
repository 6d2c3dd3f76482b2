import Foundation
import Testing
@testable import Cairn

/// The command table against redis-server 7.0.15's own `COMMAND INFO`
/// (recorded in testdata/redis-7.0.15-command-info.tsv): same arity, flags
/// and key positions for every command Cairn implements, so the server, the
/// log and `COMMAND` all read Redis's truth.
@Suite struct CommandTableTests {
    struct Row {
        let name: String, arity: Int, flags: [String], first: Int, last: Int, step: Int
    }

    static func redisRows() throws -> [String: Row] {
        let text = try String(contentsOfFile: URLPath.repositoryRoot() + "/testdata/redis-7.0.15-command-info.tsv", encoding: .utf8)
        var rows: [String: Row] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            rows[cells[0]] = Row(name: cells[0], arity: Int(cells[1])!,
                                 flags: cells[2].split(separator: ",").map(String.init),
                                 first: Int(cells[3])!, last: Int(cells[4])!, step: Int(cells[5])!)
        }
        return rows
    }

    static var everySpec: [CommandSpec] {
        CommandTable.all.flatMap { [$0] + $0.subcommands }
    }

    @Test func everyCommandMatchesRedisCommandInfo() throws {
        let rows = try Self.redisRows()
        for spec in Self.everySpec {
            guard let row = rows[spec.name] else {
                Issue.record("\(spec.name) is not in the recorded COMMAND INFO")
                continue
            }
            #expect(spec.arity == row.arity, "\(spec.name) arity")
            #expect(spec.flags.names.sorted() == row.flags.sorted(), "\(spec.name) flags")
            let keys: [Int] = [spec.firstKey, spec.lastKey, spec.keyStep]
            #expect(keys == [row.first, row.last, row.step], "\(spec.name) keys")
        }
    }

    @Test func lookupIgnoresCaseAndKeyPositionsFollowTheSpec() {
        #expect(CommandTable.lookup("GeT")?.name == "get")
        #expect(CommandTable.lookup("nope")?.name == nil)
        let mset = CommandTable.lookup("mset")!
        let argv = ["MSET", "a", "1", "b", "2"].map { Array($0.utf8) }
        #expect(mset.keyPositions(in: argv) == [1, 3])
        let del = CommandTable.lookup("del")!
        #expect(del.keyPositions(in: ["DEL", "a", "b", "c"].map { Array($0.utf8) }) == [1, 2, 3])
    }
}
