import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import CairnServer
import CairnTestSupport

/// MULTI/EXEC/WATCH (multi.c) and durability across restarts, over sockets.
@Suite(.serialized) struct ServerTransactionTests {
    @Test func multiExecRunsQueuedCommands() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("SET", "a", "1") == "+QUEUED\r\n")
        #expect(client.request("INCR", "a") == "+QUEUED\r\n")
        #expect(client.request("PING") == "+QUEUED\r\n")
        #expect(client.request("GET", "a") == "+QUEUED\r\n")
        #expect(client.request("EXEC") == "*4\r\n+OK\r\n:2\r\n+PONG\r\n$1\r\n2\r\n")
        #expect(client.request("EXEC") == "-ERR EXEC without MULTI\r\n")
        #expect(client.request("DISCARD") == "-ERR DISCARD without MULTI\r\n")
    }

    @Test func queueingErrorsAbortExec() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("MULTI\r\nSET a\r\nGET a\r\nNOSUCH\r\nEXEC\r\nGET a\r\n")
        #expect(client.reply() == "+OK\r\n")
        #expect(client.reply() == "-ERR wrong number of arguments for 'set' command\r\n")
        #expect(client.reply() == "+QUEUED\r\n")
        #expect(client.reply() == "-ERR unknown command 'NOSUCH', with args beginning with: \r\n")
        #expect(client.reply() == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(client.reply() == "$-1\r\n")
    }

    /// DEBUG inside MULTI, as redis-server 7.0.15 answers: refused by
    /// `enable-debug-command no` at once (not QUEUED), which dooms EXEC;
    /// when enabled, queued and run by EXEC like any command.
    @Test func debugInsideMulti() throws {
        let denied = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can "
            + "run it from a local connection, otherwise you need to set this option in the configuration file, and "
            + "then restart the server.\r\n"
        let refusing = try TestServer(extra: "requirepass pw\n")
        let client = try refusing.client()
        // Checked before NOAUTH, as processCommand's CMD_PROTECTED check.
        #expect(client.request("DEBUG", "SLEEP", "0") == denied)
        #expect(client.request("AUTH", "pw") == "+OK\r\n")
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("DEBUG", "SLEEP", "0") == denied)
        #expect(client.request("SET", "a", "1") == "+QUEUED\r\n")
        #expect(client.request("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
        #expect(client.request("GET", "a") == "$-1\r\n")
        #expect(client.request("DEBUG") == "-ERR wrong number of arguments for 'debug' command\r\n", "arity first")
        refusing.stop()

        let allowing = try TestServer(extra: "enable-debug-command yes\n")
        defer { allowing.stop() }
        let debugger = try allowing.client()
        debugger.send("MULTI\r\nDEBUG SLEEP 0\r\nSET a 1\r\nDEBUG FOO\r\nDEBUG RELOAD\r\nEXEC\r\nGET a\r\n")
        #expect(debugger.reply() == "+OK\r\n")
        for _ in 0..<4 { #expect(debugger.reply() == "+QUEUED\r\n") }
        #expect(debugger.reply() == "*4\r\n+OK\r\n+OK\r\n"
            + "-ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP.\r\n+OK\r\n")
        #expect(debugger.reply() == "$1\r\n1\r\n", "the reload kept what the transaction wrote")
    }

    @Test func nestingAndWatchInsideMulti() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("MULTI\r\nMULTI\r\nWATCH x\r\nEXEC\r\n")
        #expect(client.reply() == "+OK\r\n")
        #expect(client.reply() == "-ERR MULTI calls can not be nested\r\n")
        #expect(client.reply() == "-ERR WATCH inside MULTI is not allowed\r\n")
        #expect(client.reply() == "*0\r\n")
    }

    @Test func watchedKeyChangedByAnotherClientFailsExec() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client(), other = try server.client()
        #expect(client.request("SET", "balance", "10") == "+OK\r\n")
        #expect(client.request("WATCH", "balance") == "+OK\r\n")
        #expect(other.request("INCRBY", "balance", "5") == ":15\r\n")
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("SET", "balance", "0") == "+QUEUED\r\n")
        #expect(client.request("EXEC") == "*-1\r\n")
        #expect(client.request("GET", "balance") == "$2\r\n15\r\n")
        // The failed EXEC unwatched: the next transaction runs.
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("SET", "balance", "0") == "+QUEUED\r\n")
        #expect(client.request("EXEC") == "*1\r\n+OK\r\n")
    }

    @Test func watchedKeyUntouchedLetsExecRun() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client(), other = try server.client()
        #expect(client.request("WATCH", "k") == "+OK\r\n")
        #expect(other.request("SET", "unrelated", "1") == "+OK\r\n")
        client.send("MULTI\r\nSET k v\r\nEXEC\r\n")
        #expect(client.reply() == "+OK\r\n")
        #expect(client.reply() == "+QUEUED\r\n")
        #expect(client.reply() == "*1\r\n+OK\r\n")
    }

    @Test func watchedKeyExpiringFailsExec() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "k", "v", "PX", "50") == "+OK\r\n")
        #expect(client.request("WATCH", "k") == "+OK\r\n")
        usleep(120_000)
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("GET", "k") == "+QUEUED\r\n")
        #expect(client.request("EXEC") == "*-1\r\n")
    }

    @Test func writesSurviveARestart() throws {
        let directory = TestServer.makeDirectory()
        do {
            let server = try TestServer(directory: directory)
            let client = try server.client()
            #expect(client.request("SET", "durable", "yes") == "+OK\r\n")
            client.send("MULTI\r\nHSET h f 1\r\nSELECT 2\r\nSET two 2\r\nEXEC\r\n")
            for _ in 0..<4 { _ = client.reply() }
            #expect(client.reply() == "*3\r\n:1\r\n+OK\r\n+OK\r\n")
            server.stop()
        }
        let server = try TestServer(directory: directory)
        defer { server.stop() }
        #expect(server.server.recovery.recordsReplayed == 2)
        let client = try server.client()
        #expect(client.request("GET", "durable") == "$3\r\nyes\r\n")
        #expect(client.request("HGET", "h", "f") == "$1\r\n1\r\n")
        #expect(client.request("SELECT", "2") == "+OK\r\n")
        #expect(client.request("GET", "two") == "$1\r\n2\r\n")
    }

    @Test func secondServerOnTheSameDirectoryIsRefused() throws {
        let server = try TestServer()
        defer { server.stop() }
        #expect(throws: ServerStartError.self) { _ = try TestServer(directory: server.directory) }
    }

    @Test func shutdownCommandStopsTheServer() throws {
        let server = try TestServer()
        let client = try server.client()
        #expect(client.request("SET", "k", "v") == "+OK\r\n")
        client.send("SHUTDOWN NOSAVE\r\n")
        #expect(client.isClosed())
        #expect(server.server.waitUntilStopped() == nil)
        let reopened = try TestServer(directory: server.directory)
        defer { reopened.stop() }
        #expect(try reopened.client().request("GET", "k") == "$1\r\nv\r\n")
    }
}

/// A failed sync never turns into a success reply (fail-stop).
@Suite struct ServerDurabilityFailureTests {
    @Test func failedSyncRepliesWithAnError() throws {
        let disk = SimulatedFileSystem(seed: 7)
        let server = try TestServer(directory: "/data", fileIO: disk)
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "before", "1") == "+OK\r\n")
        disk.failSyncs(.next(1), paths: .suffix(".wal"))
        #expect(client.request("SET", "k", "v").hasPrefix("-MISCONF Errors writing to the write-ahead log: "))
        #expect(client.request("SET", "k2", "v").hasPrefix("-MISCONF Errors writing to the write-ahead log: "))
        #expect(client.request("PING") == "+PONG\r\n")
    }
}
