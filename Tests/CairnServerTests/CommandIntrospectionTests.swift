import Cairn
import CairnRESP
import Foundation
import Testing
@testable import CairnServer

/// `COMMAND` against redis-server 7.0.15: the server table's rows of
/// testdata/redis-7.0.15-command-info.tsv, and the raw RESP2/RESP3 replies to
/// `COMMAND INFO` and `COMMAND DOCS` for every command Cairn has, recorded in
/// testdata/introspection by scripts/record-introspection.py (subcommands
/// sorted by name and limited to Cairn's, the only normalizations).
@Suite struct CommandIntrospectionTests {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/CairnServerTests/CommandIntrospectionTests.swift
        return parts.joined(separator: "/")
    }()

    static func rows() throws -> [[String]] {
        let text = try String(contentsOfFile: root + "/testdata/redis-7.0.15-command-info.tsv", encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static func argv(_ words: [String]) -> [Bytes] { words.map { Array($0.utf8) } }

    static func encoded(_ reply: Reply, _ version: RESPVersion) -> [UInt8] {
        var writer = RESPWriter(version: version)
        reply.write(to: &writer)
        return writer.buffer
    }

    /// Compares with a recorded reply and reports the first difference readably.
    static func expectRecorded(_ reply: Reply, _ version: RESPVersion, _ file: String) throws {
        let expected = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/testdata/introspection/" + file)))
        let actual = encoded(reply, version)
        guard actual != expected else { return }
        let index = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actual.count, expected.count)
        let from = max(0, index - 300)
        let show = { (bytes: [UInt8]) in String(decoding: bytes[from..<min(bytes.count, index + 120)], as: UTF8.self) }
        Issue.record("\(file) differs at byte \(index)\nexpected: \(show(expected))\nactual:   \(show(actual))")
    }

    let introspection = CommandIntrospection()

    @Test func serverTableMatchesRedisCommandInfo() throws {
        let rows = Dictionary(try Self.rows().map { ($0[0], $0) }, uniquingKeysWith: { a, _ in a })
        for spec in ServerCommandTable.all.flatMap({ [$0] + $0.subcommands }) {
            guard let row = rows[spec.name] else {
                Issue.record("\(spec.name) is not in the recorded COMMAND INFO")
                continue
            }
            #expect(String(spec.arity) == row[1], "\(spec.name) arity")
            #expect(spec.flags.names.sorted().joined(separator: ",") == row[2], "\(spec.name) flags")
            #expect([spec.firstKey, spec.lastKey, spec.keyStep].map(String.init) == Array(row[3...5]), "\(spec.name) keys")
        }
        let names = Set(CommandTable.all.map(\.name)).intersection(ServerCommandTable.all.map(\.name))
        #expect(names.isEmpty, "defined by both tables: \(names)")
    }

    /// Every command, engine and server, has its json documentation.
    @Test func everyCommandHasDocs() {
        for spec in introspection.commands.flatMap({ [$0] + $0.subcommands }) {
            #expect(CommandDocs.named(spec.name) != nil, "\(spec.name)")
        }
    }

    @Test(arguments: [RESPVersion.resp2, .resp3])
    func infoMatchesRedisServer(version: RESPVersion) throws {
        let names = try Self.rows().map { $0[0] }.filter { !$0.contains("|") }
        let reply = introspection.reply(to: Self.argv(["COMMAND", "INFO"] + names))
        try Self.expectRecorded(reply, version, "resp\(version.rawValue)-info.resp")
    }

    @Test(arguments: [RESPVersion.resp2, .resp3])
    func docsMatchRedisServer(version: RESPVersion) throws {
        let names = try Self.rows().map { $0[0] }.filter { !$0.contains("|") }
        let reply = introspection.reply(to: Self.argv(["COMMAND", "DOCS"] + names))
        try Self.expectRecorded(reply, version, "resp\(version.rawValue)-docs.resp")
    }

    @Test func allCountAndUnknownNames() {
        let count = introspection.commands.count
        #expect(introspection.reply(to: Self.argv(["COMMAND", "COUNT"])) == .integer(Int64(count)))
        guard case .array(let all) = introspection.reply(to: Self.argv(["command"])) else { Issue.record("not an array"); return }
        #expect(all.count == count)
        #expect(introspection.reply(to: Self.argv(["COMMAND", "INFO"])) == .array(all))
        let info = introspection.reply(to: Self.argv(["COMMAND", "INFO", "nosuch", "CONFIG|GET", "get|x", "config|get|x"]))
        guard case .array(let entries) = info else { Issue.record("not an array"); return }
        #expect(entries.count == 4)
        #expect(entries[0] == .null && entries[2] == .null && entries[3] == .null)
        if case .array(let fields) = entries[1] { #expect(fields[0] == .bulk(Array("config|get".utf8))) }
        // Unknown names are left out of DOCS' map.
        let docs = introspection.reply(to: Self.argv(["COMMAND", "DOCS", "nosuch", "PING"]))
        guard case .map(let pairs) = docs else { Issue.record("not a map"); return }
        #expect(pairs.count == 2 && pairs[0] == .bulk(Array("ping".utf8)))
    }

    @Test func errorsAsRedis() {
        #expect(introspection.reply(to: Self.argv(["COMMAND", "foo"])) == .error("ERR unknown subcommand 'foo'. Try COMMAND HELP."))
        #expect(introspection.reply(to: Self.argv(["COMMAND", "count", "x"]))
                == .error("ERR wrong number of arguments for 'command|count' command"))
        #expect(introspection.reply(to: Self.argv(["COMMAND", "getkeys", "get"]))
                == .error("ERR wrong number of arguments for 'command|getkeys' command"))
    }

    @Test func getKeysFollowsTheKeySpecs() {
        let run = { (words: [String]) in introspection.reply(to: Self.argv(["COMMAND", "GETKEYS"] + words)) }
        #expect(run(["ping", "x"]) == .error("ERR The command has no key arguments"))
        #expect(run(["nosuch", "a"]) == .error("ERR Invalid command specified"))
        #expect(run(["set", "a"]) == .error("ERR Invalid number of arguments specified for command"))
        #expect(run(["MSET", "a", "1", "b", "2"]) == .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8))]))
        #expect(run(["mset", "a", "1", "b"]) == .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8))]))
        #expect(run(["getex", "k", "PX", "1"]) == .array([.bulk(Array("k".utf8))]))
        #expect(run(["object", "encoding", "k"]) == .array([.bulk(Array("k".utf8))]))
        #expect(run(["bitop", "and", "d", "s1", "s2"]) == .array(["d", "s1", "s2"].map { .bulk(Array($0.utf8)) }))
        #expect(run(["watch", "a", "b"]) == .array(["a", "b"].map { .bulk(Array($0.utf8)) }))
        let flagged = introspection.reply(to: Self.argv(["COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"]))
        #expect(flagged == .array([.array([.bulk(Array("a".utf8)), .set([.simple("OW"), .simple("update")])])]))
        let flags = { (words: [String]) -> Reply in
            guard case .array(let keys) = introspection.reply(to: Self.argv(["COMMAND", "GETKEYSANDFLAGS"] + words)),
                  case .array(let pair) = keys.first else { return .null }
            return pair[1]
        }
        #expect(flags(["set", "a", "b", "get"]) == .set(["RW", "access", "update"].map(Reply.simple)))
        #expect(flags(["bitfield", "a", "get", "u8", "0"]) == .set(["RO", "access"].map(Reply.simple)))
        #expect(flags(["bitfield", "a", "get", "u8", "0", "incrby", "u8", "0", "1"]) == .set(["RW", "access", "update"].map(Reply.simple)))
    }

    @Test func listWithFilters() {
        let list = { (words: [String]) in introspection.reply(to: Self.argv(["COMMAND", "LIST"] + words)) }
        #expect(list(["FILTERBY", "pattern", "CONFIG*"]) == .array(
            ["config", "config|get", "config|help", "config|resetstat", "config|rewrite", "config|set"].map { .bulk(Array($0.utf8)) }))
        #expect(list(["filterby", "aclcat", "nope"]) == .array([]))
        #expect(list(["filterby", "module", "x"]) == .array([]))
        #expect(list(["filterby", "bad", "x"]) == .error("ERR syntax error"))
        #expect(list(["filterby", "pattern"]) == .error("ERR syntax error"))
        guard case .array(let transactions) = list(["filterby", "aclcat", "transaction"]) else { return }
        #expect(transactions == ["multi", "exec", "discard", "watch", "unwatch"].map { Reply.bulk(Array($0.utf8)) })
        guard case .array(let everything) = list([]) else { return }
        #expect(everything.count == introspection.commands.reduce(0) { $0 + 1 + $1.subcommands.count })
    }

    @Test func help() {
        guard case .array(let lines) = introspection.reply(to: Self.argv(["command", "help"])) else { return }
        #expect(lines.first == .simple("COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"))
        #expect(lines.count == 21 && lines.last == .simple("    Prints this help."))
    }
}
