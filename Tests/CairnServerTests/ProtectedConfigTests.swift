#if canImport(Glibc)
import Glibc
#endif
import CairnServer
import Foundation
import Logging
import Testing

/// CONFIG SET over a socket: Redis 7.0.15's protected configs
/// (`enable-protected-configs` no|yes|local), and the directives the running
/// server cannot apply (`port`, `bind`, `dir`), which are refused instead of
/// answered OK and ignored. redis-server 7.0.15, for reference:
///
///     > CONFIG SET dir /tmp                 (enable-protected-configs no)
///     (error) ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config
///     > CONFIG SET dbfilename x.rdb         (local, from 127.0.0.1)
///     OK
@Suite(.serialized) struct ProtectedConfigTests {
    static func protected(_ name: String) -> String {
        "-ERR CONFIG SET failed (possibly related to argument '\(name)') - can't set protected config\r\n"
    }

    static func bulk(_ text: String) -> String { "$\(text.utf8.count)\r\n\(text)\r\n" }

    @Test func protectedConfigsAreRefusedByDefault() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("CONFIG", "SET", "dir", server.directory) == Self.protected("dir"))
        #expect(client.request("CONFIG", "SET", "dbfilename", "x.rdb") == Self.protected("dbfilename"))
        #expect(client.request("CONFIG", "SET", "timeout", "7", "dir", "/tmp") == Self.protected("dir"))
        #expect(client.request("CONFIG", "GET", "timeout") == "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n", "all or nothing")
        #expect(client.request("CONFIG", "GET", "dbfilename") == "*2\r\n$10\r\ndbfilename\r\n$8\r\ndump.rdb\r\n")
        #expect(client.request("CONFIG", "SET", "enable-protected-configs", "yes")
                == "-ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config\r\n")
    }

    @Test func enabledProtectedConfigsAreSetButDirStaysWhereTheLogIs() throws {
        let server = try TestServer(extra: "enable-protected-configs yes\n")
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("CONFIG", "SET", "dbfilename", "x.rdb") == "+OK\r\n")
        #expect(client.request("CONFIG", "GET", "dbfilename") == "*2\r\n$10\r\ndbfilename\r\n$5\r\nx.rdb\r\n")
        #expect(client.request("CONFIG", "SET", "dir", server.directory) == "+OK\r\n", "the directory in use")
        #expect(client.request("CONFIG", "SET", "dir", "/tmp") == "-ERR CONFIG SET failed (possibly related to "
            + "argument 'dir') - Cairn's write-ahead log is open in this directory: set 'dir' in the configuration "
            + "file and restart\r\n")
        #expect(client.request("CONFIG", "GET", "dir") == "*2\r\n$3\r\ndir\r\n" + Self.bulk(server.directory))
    }

    @Test func localAllowsLoopbackClients() throws {
        let server = try TestServer(extra: "enable-protected-configs local\n")
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("CONFIG", "SET", "dbfilename", "local.rdb") == "+OK\r\n")
        #expect(client.request("CONFIG", "GET", "dbfilename") == "*2\r\n$10\r\ndbfilename\r\n$9\r\nlocal.rdb\r\n")
    }

    /// `local` against a real remote peer (this machine's non-loopback
    /// address, as ProtectedModeTests): refused, while loopback is served;
    /// `enable-debug-command local` the same for DEBUG.
    @Test(.enabled(if: externalIPv4Address != nil, "this machine has no non-loopback IPv4 address"))
    func localRefusesRemoteClients() throws {
        let server = try TestServer(extra: "bind 0.0.0.0\nprotected-mode no\nenable-protected-configs local\n"
            + "enable-debug-command local\n")
        defer { server.stop() }
        let remote = try TestClient(port: server.port, host: externalIPv4Address!)
        #expect(remote.request("CONFIG", "SET", "dbfilename", "remote.rdb") == Self.protected("dbfilename"))
        #expect(remote.request("DEBUG", "SLEEP", "0").hasPrefix("-ERR DEBUG command not allowed."))
        let local = try server.client()
        #expect(local.request("CONFIG", "SET", "dbfilename", "local.rdb") == "+OK\r\n")
        #expect(local.request("DEBUG", "SLEEP", "0") == "+OK\r\n")
        #expect(remote.request("CONFIG", "GET", "dbfilename") == "*2\r\n$10\r\ndbfilename\r\n$9\r\nlocal.rdb\r\n")
    }

    /// Redis rebinds on CONFIG SET port/bind; Cairn binds at startup only,
    /// so a new value is refused (after every value was checked, as Redis's
    /// apply step) and the server keeps listening where it was.
    @Test func portAndBindChangesAreRefusedNotIgnored() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let port = "-ERR CONFIG SET failed (possibly related to argument 'port') - Cairn binds its port at startup "
            + "only: set 'port' in the configuration file and restart\r\n"
        #expect(client.request("CONFIG", "SET", "port", String(server.port)) == port)
        #expect(client.request("CONFIG", "SET", "timeout", "5", "port", "7111") == port)
        #expect(client.request("CONFIG", "GET", "timeout") == "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n", "all or nothing")
        #expect(client.request("CONFIG", "SET", "port", "7111", "timeout", "abc")
                == "-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer\r\n")
        #expect(client.request("CONFIG", "SET", "bind", "0.0.0.0") == "-ERR CONFIG SET failed (possibly related to "
            + "argument 'bind') - Cairn binds its addresses at startup only: set 'bind' in the configuration file "
            + "and restart\r\n")
        #expect(client.request("CONFIG", "GET", "bind") == "*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n")
        // The values in effect are accepted: nothing to change.
        #expect(client.request("CONFIG", "SET", "port", "0", "bind", "127.0.0.1") == "+OK\r\n")
        #expect(try server.client().request("PING") == "+PONG\r\n")
    }

    /// CONFIG SET loglevel changes what the running server writes: after
    /// `warning`, SHUTDOWN's notice line is not in the log.
    @Test func loglevelTakesEffectAtOnce() throws {
        let logFile = TestServer.makeDirectory() + "/server.log"
        let logger = Logger(label: "test") { _ in RedisLogHandler(level: .notice, path: logFile) }
        let server = try TestServer(logger: logger)
        let client = try server.client()
        #expect(client.request("CONFIG", "SET", "loglevel", "warning") == "+OK\r\n")
        server.stop()
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(log.contains("Ready to accept connections"))
        #expect(!log.contains("User requested shutdown"), "a notice line written after loglevel warning")
    }
}
