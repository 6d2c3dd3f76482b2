import Cairn
import Foundation
import Testing
@testable import CairnServer

/// INFO's text against redis-server 7.0.15's (testdata/redis-7.0.15-info-*.txt,
/// recorded with `redis-cli -p PORT info everything` and, after
/// `config set appendonly yes`, `info persistence`): same sections, same
/// fields in the same order, and the same lines for the statistics Cairn
/// fills in from the recorded values.
@Suite struct InfoReportTests {
    static func recorded(_ name: String) throws -> String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/CairnServerTests/InfoReportTests.swift
        return try String(contentsOfFile: parts.joined(separator: "/") + "/testdata/" + name, encoding: .utf8)
    }

    /// Section title -> its lines, in order.
    static func sections(_ text: String) -> [(title: String, lines: [String])] {
        var result: [(title: String, lines: [String])] = []
        for line in text.components(separatedBy: "\r\n") where !line.isEmpty && line != "\n" {
            if line.hasPrefix("# ") { result.append((String(line.dropFirst(2)), [])) } else { result[result.count - 1].lines.append(line) }
        }
        return result
    }

    static func names(_ lines: [String]) -> [String] { lines.map { String($0.prefix { $0 != ":" }) } }

    static func render(_ snapshot: InfoSnapshot, _ words: String...) -> String {
        InfoReport.render(snapshot, sections: words.map { Array($0.utf8) })
    }

    /// A snapshot holding the recorded server's statistics lines.
    static func snapshot(from sections: [(title: String, lines: [String])]) -> InfoSnapshot {
        var snapshot = InfoSnapshot()
        snapshot.aofEnabled = false
        snapshot.mainThreadSystemCPUMicroseconds = 1
        snapshot.mainThreadUserCPUMicroseconds = 2
        for (title, lines) in sections {
            for line in lines {
                let name = String(line.prefix { $0 != ":" }), value = String(line.dropFirst(name.count + 1))
                var fields: [String: Int64] = [:]
                for pair in value.split(separator: ",") {
                    let kv = pair.split(separator: "=")
                    if kv.count == 2, let number = Int64(kv[1]) { fields[String(kv[0])] = number }
                }
                switch title {
                case "Commandstats":
                    snapshot.commandStats.append(.init(name: String(name.dropFirst("cmdstat_".count)), calls: fields["calls"]!,
                                                       microseconds: fields["usec"]!, rejectedCalls: fields["rejected_calls"]!,
                                                       failedCalls: fields["failed_calls"]!))
                case "Errorstats": snapshot.errorStats[String(name.dropFirst("errorstat_".count))] = fields["count"]!
                case "Keyspace":
                    snapshot.keyspace.append(.init(index: Int(name.dropFirst(2))!, keys: Int(fields["keys"]!),
                                                   expires: Int(fields["expires"]!), averageTTL: fields["avg_ttl"]!))
                default: break
                }
            }
        }
        return snapshot
    }

    @Test func everythingHasRedisSectionsAndFieldsInOrder() throws {
        let redis = Self.sections(try Self.recorded("redis-7.0.15-info-everything.txt"))
        let ours = Self.sections(Self.render(Self.snapshot(from: redis), "everything"))
        #expect(redis.count == 13 && (redis.first { $0.title == "Commandstats" }?.lines.count ?? 0) > 5)
        #expect(ours.map(\.title) == redis.map(\.title))
        for (mine, theirs) in zip(ours, redis) {
            switch mine.title {
            case "Latencystats":
                #expect(mine.lines.isEmpty)  // Redis's latency-tracking histograms: not kept by Cairn
            case "Commandstats", "Errorstats", "Keyspace":
                #expect(mine.lines == theirs.lines, "\(mine.title)")
            default:
                // Cairn's own fields (cairn_*) follow Redis's.
                #expect(Self.names(mine.lines).filter { !$0.hasPrefix("cairn_") } == Self.names(theirs.lines), "\(mine.title)")
            }
        }
    }

    @Test func aofEnabledAddsRedisAofFields() throws {
        let redis = Self.sections(try Self.recorded("redis-7.0.15-info-persistence-aof.txt"))
        var snapshot = InfoSnapshot()
        snapshot.aofEnabled = true
        let ours = Self.sections(Self.render(snapshot, "persistence"))
        #expect(ours.map(\.title) == ["Persistence"])
        #expect(Self.names(ours[0].lines).filter { !$0.hasPrefix("cairn_") } == Self.names(redis[0].lines))
        #expect(Self.names(ours[0].lines).suffix(4) == ["cairn_rewrite_longest_step_cpu_us", "cairn_rewrite_steps", "cairn_rewrite_steps_over_1ms", "cairn_rewrite_keys_encoded_early"])
        #expect(ours[0].lines.contains("aof_enabled:1"))
        #expect(ours[0].lines.contains("aof_last_write_status:ok"))
        snapshot.aofLastWriteOK = false
        #expect(Self.render(snapshot, "persistence").contains("\r\naof_last_write_status:err\r\n"))
    }

    @Test func sectionSelection() {
        let snapshot = InfoSnapshot()
        let titles = { (text: String) in Self.sections(text).map(\.title) }
        let defaults = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                        "Errorstats", "Cluster", "Keyspace"]
        #expect(titles(Self.render(snapshot)) == defaults)
        #expect(titles(Self.render(snapshot, "DEFAULT")) == defaults)
        #expect(titles(Self.render(snapshot, "all")).count == 13)
        #expect(titles(Self.render(snapshot, "KeySpace", "cpu", "nosuch", "cpu")) == ["CPU", "Keyspace"])
        #expect(titles(Self.render(snapshot, "modules")) == ["Modules"])
        #expect(Self.render(snapshot, "nosuch") == "")
        // Sections are separated by one blank line; the text ends with the last field's CRLF.
        #expect(Self.render(snapshot, "cluster", "replication").hasSuffix("repl_backlog_histlen:0\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n"))
    }

    @Test func fieldsClientsRead() {
        var snapshot = InfoSnapshot()
        snapshot.processID = 4242
        snapshot.tcpPort = 7000
        snapshot.uptimeSeconds = 200_000
        snapshot.connectedClients = 3
        snapshot.usedMemory = 1_163_392
        snapshot.changesSinceLastSave = 7
        snapshot.totalCommandsProcessed = 99
        snapshot.keyspaceHits = 5
        snapshot.keyspaceMisses = 1
        snapshot.expiredKeys = 2
        snapshot.masterReplicationID = String(repeating: "a", count: 40)
        let text = Self.render(snapshot, "everything")
        for line in ["redis_version:7.0.15", "redis_mode:standalone", "arch_bits:64", "process_id:4242", "tcp_port:7000",
                     "uptime_in_seconds:200000", "uptime_in_days:2", "connected_clients:3", "used_memory:1163392",
                     "used_memory_human:1.11M", "loading:0", "rdb_changes_since_last_save:7", "aof_enabled:1",
                     "total_commands_processed:99", "keyspace_hits:5", "keyspace_misses:1", "expired_keys:2", "role:master",
                     "connected_slaves:0", "master_replid:" + String(repeating: "a", count: 40)] {
            #expect(text.contains("\r\n" + line + "\r\n"), "\(line)")
        }
        #expect(text.hasPrefix("# Server\r\nredis_version:7.0.15\r\n"))
    }

    @Test func keyspaceLines() {
        var snapshot = InfoSnapshot()
        snapshot.keyspace = [.init(index: 3, keys: 2, expires: 1, averageTTL: 9000), .init(index: 0, keys: 1, expires: 0),
                             .init(index: 5, keys: 0, expires: 0)]
        #expect(Self.render(snapshot, "keyspace") == "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\ndb3:keys=2,expires=1,avg_ttl=9000\r\n")
        #expect(Self.render(InfoSnapshot(), "keyspace") == "# Keyspace\r\n")
    }

    @Test func statisticsLinesAsRedisFormatsThem() {
        var snapshot = InfoSnapshot()
        snapshot.commandStats = [.init(name: "get", calls: 3, microseconds: 10), .init(name: "unused", calls: 0, microseconds: 0),
                                 .init(name: "a:b", calls: 0, microseconds: 0, rejectedCalls: 1)]
        snapshot.errorStats = ["WRONGTYPE": 2, "ERR": 5]
        #expect(Self.render(snapshot, "commandstats", "errorstats") ==
            "# Commandstats\r\ncmdstat_get:calls=3,usec=10,usec_per_call=3.33,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_a_b:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n\r\n"
            + "# Errorstats\r\nerrorstat_ERR:count=5\r\nerrorstat_WRONGTYPE:count=2\r\n")
        #expect(InfoReport.human(100) == "100B")
        #expect(InfoReport.human(1_163_392) == "1.11M")
        #expect(InfoReport.human(25_276_510_208) == "23.54G")
        #expect(InfoReport.human(2048) == "2.00K")
        #expect(InfoReport.fixed2(0.125) == "0.12" && InfoReport.fixed2(23.5) == "23.50" && InfoReport.fixed2(0) == "0.00")
        #expect(InfoReport.seconds(251_846) == "0.251846" && InfoReport.seconds(12_000_001) == "12.000001")
        if case .verbatim(let format, _) = InfoReport.reply(snapshot, arguments: []) { #expect(format == "txt") }
    }
}
