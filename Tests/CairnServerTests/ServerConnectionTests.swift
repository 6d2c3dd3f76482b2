import Cairn
import CairnTestSupport
import Testing
@testable import CairnServer

/// The server over real sockets: connection commands, pipelining, security.
/// Expected bytes are redis-server 7.0.15's.
@Suite(.serialized) struct ServerConnectionTests {
    @Test func pingAndEcho() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("PING") == "+PONG\r\n")
        #expect(client.request("PING", "hi") == "$2\r\nhi\r\n")
        #expect(client.request("PING", "a", "b") == "-ERR wrong number of arguments for 'ping' command\r\n")
        #expect(client.request("ECHO", "x y") == "$3\r\nx y\r\n")
        client.send("PING\r\n")  // inline
        #expect(client.reply() == "+PONG\r\n")
    }

    @Test func unknownCommandAndArityErrors() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("foo", "a", "b") == "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n")
        #expect(client.request("GET") == "-ERR wrong number of arguments for 'get' command\r\n")
        #expect(client.request("CLIENT", "INFO", "x") == "-ERR wrong number of arguments for 'client|info' command\r\n")
        #expect(client.request("CONFIG", "FOO") == "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n")
    }

    @Test func thousandPipelinedSetsAnswerInOrder() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        var burst = ""
        for index in 0..<1000 { burst += TestClient.encode(["SET", "key:\(index)", "\(index)"]) }
        burst += TestClient.encode(["GET", "key:999"])
        client.send(burst)
        for _ in 0..<1000 { #expect(client.reply() == "+OK\r\n") }
        #expect(client.reply() == "$3\r\n999\r\n")
        #expect(client.request("DBSIZE") == ":1000\r\n")
    }

    @Test func selectIsPerConnection() throws {
        let server = try TestServer()
        defer { server.stop() }
        let first = try server.client(), second = try server.client()
        #expect(first.request("SELECT", "3") == "+OK\r\n")
        #expect(first.request("SET", "k", "three") == "+OK\r\n")
        #expect(second.request("GET", "k") == "$-1\r\n")
        #expect(second.request("SELECT", "3") == "+OK\r\n")
        #expect(second.request("GET", "k") == "$5\r\nthree\r\n")
    }

    @Test func helloThreeSwitchesToRESP3() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let id = client.request("CLIENT", "ID").dropFirst().dropLast(1)
        #expect(client.request("HELLO", "3") == "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
            + "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:\(id)\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
            + "$7\r\nmodules\r\n*0\r\n")
        #expect(client.request("GET", "missing") == "_\r\n")
        #expect(client.request("HELLO", "4") == "-NOPROTO unsupported protocol version\r\n")
        #expect(client.request("HELLO", "x") == "-ERR Protocol version is not an integer or out of range\r\n")
    }

    @Test func protocolErrorClosesWithRedisMessage() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("*1\r\n$4\r\nPING\r\n*1\r\nx\r\n")
        #expect(client.reply() == "+PONG\r\n")
        #expect(client.reply() == "-ERR Protocol error: expected '$', got 'x'\r\n")
        #expect(client.isClosed())
    }

    @Test func quitRepliesThenCloses() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("QUIT\r\nPING\r\n")
        #expect(client.reply() == "+OK\r\n")
        #expect(client.isClosed())
    }

    @Test func requirepassGatesCommands() throws {
        let server = try TestServer(extra: "requirepass secret\n")
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("GET", "k") == "-NOAUTH Authentication required.\r\n")
        #expect(client.request("nosuch") == "-ERR unknown command 'nosuch', with args beginning with: \r\n")
        #expect(client.request("AUTH", "wrong") == "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        // Until AUTH, Redis's unauthenticated limits apply; AUTH in the same write lifts them for what follows.
        client.send(TestClient.encode(["AUTH", "secret"]) + TestClient.encode(["SET", "k", String(repeating: "v", count: 20000)]))
        #expect(client.reply() == "+OK\r\n")
        #expect(client.reply() == "+OK\r\n")
        #expect(client.request("RESET") == "+RESET\r\n")
        #expect(client.request("PING") == "-NOAUTH Authentication required.\r\n")
        #expect(client.request("HELLO", "3", "AUTH", "default", "secret").hasPrefix("%7\r\n"))
    }

    @Test func authWithoutPasswordConfigured() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("AUTH", "x") == "-ERR AUTH <password> called without any password configured for the "
            + "default user. Are you sure your configuration is correct?\r\n")
        #expect(client.request("AUTH", "default", "x") == "+OK\r\n")
    }

    @Test func unauthenticatedBigBulkIsAProtocolError() throws {
        let server = try TestServer(extra: "requirepass secret\n")
        defer { server.stop() }
        let client = try server.client()
        client.send(TestClient.encode(["SET", "k", String(repeating: "v", count: 20000)]))
        #expect(client.reply() == "-ERR Protocol error: unauthenticated bulk length\r\n")
        #expect(client.isClosed())
    }

    @Test func maxclientsRefusesTheExtraClient() throws {
        let server = try TestServer(extra: "maxclients 2\n")
        defer { server.stop() }
        let first = try server.client(), second = try server.client()
        #expect(first.request("PING") == "+PONG\r\n")
        #expect(second.request("PING") == "+PONG\r\n")
        let third = try server.client()
        #expect(third.reply() == "-ERR max number of clients reached\r\n")
        #expect(third.isClosed())
    }

    @Test func clientNameReplyModesAndKill() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client(), other = try server.client()
        #expect(client.request("CLIENT", "GETNAME") == "$-1\r\n")
        #expect(client.request("CLIENT", "SETNAME", "a b") == "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        #expect(client.request("CLIENT", "SETNAME", "worker") == "+OK\r\n")
        #expect(client.request("CLIENT", "GETNAME") == "$6\r\nworker\r\n")
        client.send("CLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY ON\r\nCLIENT REPLY SKIP\r\nPING\r\nPING\r\n")
        #expect(client.reply() == "+OK\r\n")
        #expect(client.reply() == "+PONG\r\n")
        let otherID = other.request("CLIENT", "ID").dropFirst().dropLast(1)
        #expect(client.request("CLIENT", "KILL", "ID", String(otherID)) == ":1\r\n")
        #expect(other.isClosed())
        #expect(client.request("CLIENT", "LIST").contains("name=worker"))
    }

    @Test func idleTimeoutClosesClients() throws {
        let server = try TestServer(extra: "timeout 1\n")
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("PING") == "+PONG\r\n")
        #expect(client.isClosed())  // within ~2-3 s; the read timeout is 5 s
    }

    @Test func configTimeAndDebug() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("CONFIG", "SET", "timeout", "30") == "+OK\r\n")
        #expect(client.request("CONFIG", "GET", "timeout") == "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n")
        #expect(client.request("CONFIG", "SET", "port") == "-ERR wrong number of arguments for 'config|set' command\r\n")
        #expect(client.request("CONFIG", "SET", "nosuch", "1")
            == "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n")
        #expect(client.request("TIME").hasPrefix("*2\r\n$10\r\n"))
        #expect(client.request("DEBUG", "SLEEP", "0").hasPrefix("-ERR DEBUG command not allowed."))
        #expect(client.request("SHUTDOWN", "ABORT") == "-ERR No shutdown in progress.\r\n")
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("SHUTDOWN") == "-ERR Command not allowed inside a transaction\r\n")
        #expect(client.request("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }

    @Test func debugSleepHoldsLaterRepliesInOrder() throws {
        let server = try TestServer(extra: "enable-debug-command yes\n")
        defer { server.stop() }
        let client = try server.client(), other = try server.client()
        client.send("DEBUG SLEEP 0.2\r\n")
        #expect(other.request("SET", "k", "v") == "+OK\r\n")
        #expect(client.reply() == "+OK\r\n")
    }
}

/// `CONFIG SET appendfsync` switches the running log's policy.
@Suite struct AppendFsyncAtRuntimeTests {
    @Test func configSetAppendfsyncChangesTheRunningLog() throws {
        let disk = SlowSyncFileIO(PosixFileIO(), delay: .zero)
        let server = try TestServer(fileIO: disk)
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "a", "1") == "+OK\r\n")
        #expect(client.request("CONFIG", "SET", "appendfsync", "no") == "+OK\r\n")
        #expect(client.request("CONFIG", "GET", "appendfsync") == "*2\r\n$11\r\nappendfsync\r\n$2\r\nno\r\n")
        let before = disk.syncCount
        for index in 0..<5 { #expect(client.request("SET", "k\(index)", "v") == "+OK\r\n") }
        #expect(disk.syncCount == before, "appendfsync no still synced")
        #expect(client.request("CONFIG", "SET", "appendfsync", "always") == "+OK\r\n")
        #expect(client.request("SET", "b", "2") == "+OK\r\n")
        #expect(disk.syncCount > before, "appendfsync always did not sync")
    }
}
