import Foundation
import Testing
import Cairn
@testable import CairnServer

/// MONITOR through real sockets: Redis 7.0.15's line format, what is shown
/// (not admin commands; EXEC after its queued commands), CLIENT LIST's O
/// flag, MONITOR refused inside MULTI, RESET and disconnects leaving it.
@Suite struct MonitorTests {
    /// `+<sec>.<usec> [<db> <peer>] <args>`: the part after the time.
    static func body(_ line: String) -> String? {
        let pattern = #/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] (.*)\r\n$/#
        guard let match = line.wholeMatch(of: pattern) else { return nil }
        return "[\(match.1)] \(match.2)"
    }

    @Test func monitorsSeeEveryOtherClientsCommands() throws {
        let server = try TestServer()
        defer { server.stop() }
        let monitor = try server.client(), client = try server.client()
        #expect(monitor.request("MONITOR") == "+OK\r\n")
        #expect(client.request("SET", "k", "a b\n\"\\\u{1}") == "+OK\r\n")
        #expect(Self.body(monitor.reply()) == #"[0] "SET" "k" "a b\n\"\\\x01""#)
        #expect(client.request("select", "2") == "+OK\r\n")
        #expect(Self.body(monitor.reply()) == #"[2] "select" "2""#)
        #expect(client.request("CONFIG", "GET", "port").hasPrefix("*2"))  // admin: not shown
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("INCR", "n") == "+QUEUED\r\n")
        #expect(client.request("EXEC") == "*1\r\n:1\r\n")
        #expect(Self.body(monitor.reply()) == #"[2] "MULTI""#)
        #expect(Self.body(monitor.reply()) == #"[2] "INCR" "n""#)
        #expect(Self.body(monitor.reply()) == #"[2] "EXEC""#)
        #expect(client.request("CLIENT", "LIST").contains("flags=O "))
        // The monitor still runs its own commands, and sees them after their replies.
        #expect(monitor.request("DBSIZE") == ":1\r\n")
        #expect(Self.body(monitor.reply()) == #"[0] "DBSIZE""#)
    }

    @Test func monitorInsideMultiIsRefusedAndResetEndsMonitoring() throws {
        let server = try TestServer()
        defer { server.stop() }
        let monitor = try server.client(), client = try server.client()
        #expect(monitor.request("MULTI") == "+OK\r\n")
        #expect(monitor.request("MONITOR") == "+QUEUED\r\n")
        #expect(monitor.request("EXEC") == "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n")
        #expect(monitor.request("MONITOR") == "+OK\r\n")
        #expect(client.request("PING") == "+PONG\r\n")
        #expect(Self.body(monitor.reply()) == #"[0] "PING""#)
        #expect(monitor.request("RESET") == "+RESET\r\n")
        #expect(client.request("SET", "quiet", "1") == "+OK\r\n")
        // Nothing more arrives: the next reply is PING's own.
        #expect(monitor.request("PING") == "+PONG\r\n")
        #expect(!client.request("CLIENT", "LIST").contains("flags=O "))
    }

    @Test func aDisconnectedMonitorIsForgotten() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        do {
            let monitor = try server.client()
            #expect(monitor.request("MONITOR") == "+OK\r\n")
        }
        for _ in 0..<20 where client.request("CLIENT", "LIST").contains("flags=O ") { usleep(10_000) }
        #expect(!client.request("CLIENT", "LIST").contains("flags=O "))
        #expect(client.request("SET", "k", "v") == "+OK\r\n")
    }

    @Test func quotingMatchesSdscatrepr() {
        #expect(sdsRepr(Array("plain".utf8)) == #""plain""#)
        #expect(sdsRepr([0, 7, 8, 9, 10, 13, 0x7F, 0xFF]) == #""\x00\a\b\t\n\r\x7f\xff""#)
    }
}
