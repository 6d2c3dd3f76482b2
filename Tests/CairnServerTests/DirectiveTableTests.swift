import Foundation
import Testing
@testable import CairnServer

/// The directive table against a real redis-server 7.0.15: its
/// `CONFIG GET *` output, recorded in testdata/redis-7.0.15-config-get.tsv
/// (name TAB value, sorted) from
/// `redis-server --port 7412 --save '' --appendonly no --daemonize yes`.
@Suite struct DirectiveTableTests {
    static func recordedConfig() throws -> [(String, String)] {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/CairnServerTests/DirectiveTableTests.swift
        let path = parts.joined(separator: "/") + "/testdata/redis-7.0.15-config-get.tsv"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(fields[0]), fields.count > 1 ? String(fields[1]) : "")
        }
    }

    /// Values the recorded server was started with (or that depend on where
    /// it ran), and Cairn's deliberate defaults (dir, bind, and appendfsync
    /// always: durability first).
    static let notDefaults: Set<String> = ["port", "save", "daemonize", "dir", "bind", "appendfsync"]

    @Test func everyRedisNameIsKnownAndCairnsGetStarMatchesRedis() throws {
        let recorded = try Self.recordedConfig()
        #expect(recorded.count == 192)
        let cairn = ServerConfiguration().get(pattern: "*")
        #expect(cairn.map(\.name) == recorded.map(\.0))
        for (name, value) in recorded where !Self.notDefaults.contains(name) {
            #expect(ServerConfiguration().value(of: name) == value, "\(name)")
        }
    }

    @Test func cairnDefaults() {
        let config = ServerConfiguration()
        #expect(config.port == 6379)
        #expect(config.bindAddresses == ["127.0.0.1", "-::1"])
        #expect(config.dataDirectory == "./cairn-data")
        #expect(config.appendFsync == .always)
        #expect(config.requirePassword == nil)
        #expect(config.maxClients == 10000)
        #expect(config.timeoutSeconds == 0)
        #expect(config.protectedMode)
        #expect(config.logLevel == .notice)
        #expect(config.logFile == "")
        #expect(config.autoRewritePercentage == 100)
        #expect(config.autoRewriteMinSizeBytes == 64 << 20)
        #expect(config.value(of: "save") == "3600 1 300 100 60 10000")
        #expect(config.saveSchedule == [.init(seconds: 3600, changes: 1), .init(seconds: 300, changes: 100),
                                        .init(seconds: 60, changes: 10000)])
        #expect(config.protoMaxBulkLengthBytes == 512 << 20)
        #expect(config.value(of: "daemonize") == "no")
    }

    @Test func aliasesAndHiddenDirectives() {
        let config = ServerConfiguration()
        #expect(config.value(of: "SLAVEOF") == "")
        #expect(config.value(of: "hash-max-ziplist-entries") == "512")
        #expect(config.value(of: "lua-time-limit") == "5000")
        // Hidden: only an exact name finds it.
        #expect(config.get(pattern: "watchdog-period").map(\.value) == ["0"])
        #expect(config.get(pattern: "watchdog-*").isEmpty)
        #expect(config.value(of: "no-such-thing") == nil)
    }

    @Test func memoryUnitsAsMemtoull() throws {
        #expect(DirectiveValues.memoryValue(Array("1k".utf8)) == 1000)
        #expect(DirectiveValues.memoryValue(Array("1kb".utf8)) == 1024)
        #expect(DirectiveValues.memoryValue(Array("1KB".utf8)) == 1024)
        #expect(DirectiveValues.memoryValue(Array("2m".utf8)) == 2_000_000)
        #expect(DirectiveValues.memoryValue(Array("2Mb".utf8)) == 2 << 20)
        #expect(DirectiveValues.memoryValue(Array("3g".utf8)) == 3_000_000_000)
        #expect(DirectiveValues.memoryValue(Array("3gb".utf8)) == 3 << 30)
        #expect(DirectiveValues.memoryValue(Array("7b".utf8)) == 7)
        #expect(DirectiveValues.memoryValue(Array("123".utf8)) == 123)
        // redis-cli: CONFIG SET maxmemory mb -> OK, CONFIG GET maxmemory -> 0 (strtoull of "").
        #expect(DirectiveValues.memoryValue(Array("mb".utf8)) == 0)
        #expect(DirectiveValues.memoryValue(Array("-1".utf8)) == nil)
        #expect(DirectiveValues.memoryValue(Array("10zb".utf8)) == nil)
        #expect(DirectiveValues.memoryValue(Array("1.5gb".utf8)) == nil)
    }
}
