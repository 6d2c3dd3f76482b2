import Foundation
import Testing
@testable import CairnServer

/// BGSAVE, BGREWRITEAOF, SAVE, LASTSAVE, the save points and automatic
/// rewrites through a real socket, with Redis's replies and INFO fields.
@Suite struct BackgroundSaveServerTests {
    static func info(_ client: TestClient, _ field: String) -> String? {
        let lines = client.request("INFO", "persistence").components(separatedBy: "\r\n")
        return lines.first { $0.hasPrefix(field + ":") }.map { String($0.dropFirst(field.count + 1)) }
    }

    /// Polls INFO until `field` reads `value` (5 s at most).
    static func waitFor(_ client: TestClient, _ field: String, _ accepts: (String) -> Bool) -> Bool {
        for _ in 0..<500 {
            if let value = info(client, field), accepts(value) { return true }
            usleep(10_000)
        }
        return false
    }

    static func fill(_ client: TestClient, keys: Int) {
        var batch = ""
        for index in 0..<keys { batch += TestClient.encode(["SET", "key:\(index)", "value-\(index)"]) }
        client.send(batch)
        for _ in 0..<keys { _ = client.reply() }
    }

    @Test func bgsaveAndBgrewriteaofAnswerAsRedisAndSurviveARestart() throws {
        let server = try TestServer()
        let client = try server.client()
        Self.fill(client, keys: 20000)
        #expect(client.request("HSET", "h", "f", "v") == ":1\r\n")
        #expect(Self.info(client, "rdb_changes_since_last_save") == "20001")
        let before = client.request("LASTSAVE")
        // One batch: the second BGSAVE and the BGREWRITEAOF arrive while the first runs.
        client.send(TestClient.encode(["BGSAVE"]) + TestClient.encode(["BGSAVE"]) + TestClient.encode(["BGREWRITEAOF"])
                    + TestClient.encode(["BGSAVE", "SCHEDULE"]) + TestClient.encode(["BGSAVE", "NOW"]))
        #expect(client.reply() == "+Background saving started\r\n")
        #expect(client.reply() == "-ERR Background save already in progress\r\n")
        #expect(client.reply() == "+Background append only file rewriting scheduled\r\n")
        #expect(client.reply() == "-ERR Background save already in progress\r\n")
        #expect(client.reply() == "-ERR syntax error\r\n")
        #expect(Self.waitFor(client, "aof_rewrites") { $0 == "1" }, "the scheduled rewrite did not run")
        #expect(Self.waitFor(client, "aof_rewrite_in_progress") { $0 == "0" })
        #expect(Self.info(client, "rdb_saves") == "1" && Self.info(client, "rdb_last_bgsave_status") == "ok")
        #expect(Self.info(client, "aof_last_bgrewrite_status") == "ok" && Self.info(client, "rdb_bgsave_in_progress") == "0")
        #expect(Self.info(client, "rdb_changes_since_last_save") == "0")
        #expect(Int(Self.info(client, "cairn_snapshot_seq") ?? "") == 20001)
        #expect((Int(Self.info(client, "cairn_snapshot_bytes") ?? "") ?? 0) > 1000)
        #expect(client.request("LASTSAVE") >= before)
        // BGREWRITEAOF while one runs: already in progress.
        client.send(TestClient.encode(["BGREWRITEAOF"]) + TestClient.encode(["BGREWRITEAOF"]) + TestClient.encode(["BGSAVE"]))
        #expect(client.reply() == "+Background append only file rewriting started\r\n")
        #expect(client.reply() == "-ERR Background append only file rewriting already in progress\r\n")
        #expect(client.reply().hasPrefix("-ERR Another child process is active (AOF?): can't BGSAVE right now."))
        #expect(Self.waitFor(client, "aof_rewrites") { $0 == "2" })
        #expect(client.request("SET", "after", "1") == "+OK\r\n")
        server.stop()
        let files = try FileManager.default.contentsOfDirectory(atPath: server.directory)
        #expect(files.filter { $0.hasSuffix(".snap") }.count == 1 && files.filter { $0.hasSuffix(".wal") }.count == 1, "\(files)")
        let restarted = try TestServer(directory: server.directory)
        defer { restarted.stop() }
        #expect(restarted.server.recovery.snapshotKeys == 20001 && restarted.server.recovery.recordsReplayed == 1)
        let again = try restarted.client()
        #expect(again.request("DBSIZE") == ":20002\r\n")
        #expect(again.request("GET", "key:19999") == "$11\r\nvalue-19999\r\n")
        #expect(again.request("HGET", "h", "f") == "$1\r\nv\r\n")
        #expect(Self.info(again, "rdb_last_load_keys_loaded") == "20001")
    }

    /// A BGSAVE that fails (here: its temporary file cannot be created, a
    /// directory is in the way) with save points configured refuses writes
    /// and PING with Redis's MISCONF error, reads go on, and a save that
    /// succeeds lifts it; `stop-writes-on-bgsave-error no` never refuses.
    @Test(arguments: ["yes", "no"])
    func aFailedSaveStopsWritesUntilASaveSucceeds(stopWrites: String) throws {
        let server = try TestServer(extra: "save 3600 1000000\nstop-writes-on-bgsave-error \(stopWrites)\n")
        let client = try server.client()
        #expect(client.request("SET", "k", "v") == "+OK\r\n")
        let sequence = try #require(UInt64(Self.info(client, "cairn_last_seq") ?? ""))
        let blocker = server.directory + "/" + String(format: "%020llu", sequence) + ".snap.tmp"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        #expect(client.request("BGSAVE") == "+Background saving started\r\n")
        #expect(Self.waitFor(client, "rdb_last_bgsave_status") { $0 == "err" })
        #expect(Self.waitFor(client, "rdb_bgsave_in_progress") { $0 == "0" })
        let misconf = "-" + ServerError.saveFailed.line + "\r\n"
        if stopWrites == "yes" {
            #expect(client.request("SET", "k", "w") == misconf)
            #expect(client.request("PING") == misconf)
            #expect(client.request("MULTI") == "+OK\r\n")
            #expect(client.request("INCR", "n") == misconf)
            #expect(client.request("EXEC").hasPrefix("-EXECABORT"))
        } else {
            #expect(client.request("SET", "k", "w") == "+OK\r\n")
        }
        #expect(client.request("GET", "k") == (stopWrites == "yes" ? "$1\r\nv\r\n" : "$1\r\nw\r\n"))
        try FileManager.default.removeItem(atPath: blocker)
        #expect(client.request("SAVE") == "+OK\r\n")
        #expect(Self.info(client, "rdb_last_bgsave_status") == "ok")
        #expect(client.request("SET", "k", "x") == "+OK\r\n" && client.request("PING") == "+PONG\r\n")
    }

    /// The log's growth past `auto-aof-rewrite-min-size` and the percentage
    /// starts a rewrite; the log stays bounded while the same keys are
    /// written over and over.
    @Test func theLogIsRewrittenWhenItGrows() throws {
        let server = try TestServer(extra: "auto-aof-rewrite-min-size 200kb\nauto-aof-rewrite-percentage 100\n")
        defer { server.stop() }
        let client = try server.client()
        for round in 0..<40 {
            var batch = ""
            for index in 0..<500 { batch += TestClient.encode(["SET", "key:\(index % 100)", "round-\(round)-\(index)"]) }
            client.send(batch)
            for _ in 0..<500 { _ = client.reply() }
            usleep(20_000)
        }
        #expect(Self.waitFor(client, "aof_rewrite_in_progress") { $0 == "0" })
        let rewrites = Int(Self.info(client, "aof_rewrites") ?? "") ?? 0
        let current = Int(Self.info(client, "aof_current_size") ?? "") ?? .max
        #expect(rewrites >= 2, "automatic rewrites: \(rewrites)")
        #expect(current < 1_000_000, "aof_current_size \(current) after 20,000 SETs over 100 keys")
        #expect(client.request("GET", "key:99") == "$12\r\nround-39-499\r\n")
    }

    /// `save 1 1`: one change and a second later, a background save.
    @Test func aSavePointTriggersABackgroundSave() throws {
        let server = try TestServer(extra: "save 1 1\n")
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "k", "v") == "+OK\r\n")
        #expect(Self.waitFor(client, "rdb_saves") { $0 == "1" } || Self.waitFor(client, "rdb_saves") { $0 == "1" },
                "no save after a change and 1 s")
        #expect(Self.waitFor(client, "rdb_changes_since_last_save") { $0 == "0" })
        #expect(client.request("CONFIG", "SET", "save", "") == "+OK\r\n")
    }
}
