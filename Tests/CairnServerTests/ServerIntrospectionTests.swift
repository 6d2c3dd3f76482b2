import Cairn
import Testing
@testable import CairnServer
#if canImport(Glibc)
import Glibc
#endif

/// COMMAND and INFO through the server over real sockets. Expected bytes are
/// redis-server 7.0.15's where the figure is not Cairn's own.
@Suite(.serialized) struct ServerIntrospectionTests {
    /// The text of a RESP2 bulk reply (INFO), without its header.
    static func bulkText(_ reply: String) -> String {
        guard let start = reply.range(of: "\r\n") else { return "" }
        return String(reply[start.upperBound...].dropLast(2))
    }

    /// Every command the server dispatches has its Redis metadata (arity,
    /// flags, subcommands) in `ServerCommandTable`, the one source.
    @Test func everyServerCommandHasATableEntry() {
        for command in ServerCommand.allCases {
            #expect(ServerCommandTable.lookup(Array(command.rawValue.utf8)) != nil, "\(command)")
            #expect(CommandTable.lookup(Array(command.rawValue.utf8)) == nil, "\(command) is the engine's too")
        }
        #expect(ServerCommand.ping.spec.arity == -1 && ServerCommand.auth.spec.flags.contains(.noAuth))
    }

    @Test func commandFamily() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let count = CommandTable.all.count + ServerCommandTable.all.count
        #expect(client.request("COMMAND", "COUNT") == ":\(count)\r\n")
        #expect(client.request("COMMAND", "COUNT", "x") == "-ERR wrong number of arguments for 'command|count' command\r\n")
        #expect(client.request("COMMAND", "INFO", "get").hasPrefix("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n"))
        #expect(client.request("COMMAND", "INFO", "nosuch") == "*1\r\n$-1\r\n")
        #expect(client.request("COMMAND", "DOCS", "get") == "*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n"
            + "$22\r\nGet the value of a key\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n"
            + "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n"
            + "$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n")
        #expect(client.request("COMMAND", "GETKEYS", "set", "a", "b") == "*1\r\n$1\r\na\r\n")
        #expect(client.request("COMMAND", "FOO") == "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n")
    }

    @Test func serverContainersCheckSubcommandsAtLookup() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("CLIENT", "FOO") == "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n")
        #expect(client.request("CLIENT", "SETNAME") == "-ERR wrong number of arguments for 'client|setname' command\r\n")
        #expect(client.request("CLIENT") == "-ERR wrong number of arguments for 'client' command\r\n")
        #expect(client.request("PUBSUB", "FOO") == "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n")
        #expect(client.request("CONFIG", "HELP").hasPrefix("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"))
        #expect(client.request("CLIENT", "HELP").hasPrefix("*48\r\n+CLIENT <subcommand>"))
        // Inside MULTI a lookup error dooms the transaction.
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("CLIENT", "FOO") == "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n")
        #expect(client.request("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }

    @Test func infoSectionsAndKeyspace() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "a", "1") == "+OK\r\n")
        #expect(client.request("SET", "b", "2", "EX", "100") == "+OK\r\n")
        #expect(client.request("SELECT", "3") == "+OK\r\n")
        #expect(client.request("SET", "c", "3") == "+OK\r\n")
        let keyspace = "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n"
        #expect(client.request("INFO", "keyspace") == "$\(keyspace.utf8.count)\r\n\(keyspace)\r\n")
        let all = Self.bulkText(client.request("INFO"))
        for line in ["redis_version:7.0.15", "tcp_port:\(server.port)", "process_id:\(getpid())",
                     "connected_clients:1", "blocked_clients:0", "aof_enabled:1", "aof_last_write_status:ok",
                     "loading:0", "rdb_changes_since_last_save:3", "total_connections_received:1",
                     "rejected_connections:0", "role:master", "# Errorstats"] {
            #expect(all.contains(line + "\r\n") || all.contains(line), "missing \(line)")
        }
        #expect(!all.contains("# Commandstats"))
        #expect(all.contains("used_memory:") && !all.contains("used_memory:0\r\n"))
        let other = try server.client()
        #expect(other.request("PING") == "+PONG\r\n")
        let clients = Self.bulkText(client.request("INFO", "clients"))
        #expect(clients.contains("connected_clients:2\r\n"))
        #expect(Self.bulkText(client.request("INFO", "stats")).contains("total_connections_received:2\r\n"))
    }

    @Test func commandStatsAndErrorStats() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "x", "1") == "+OK\r\n")
        #expect(client.request("SET", "x", "2") == "+OK\r\n")
        #expect(client.request("GET", "x") == "$1\r\n2\r\n")
        #expect(client.request("GET") == "-ERR wrong number of arguments for 'get' command\r\n")
        #expect(client.request("HGET", "x", "f").hasPrefix("-WRONGTYPE"))
        #expect(client.request("NOSUCH") == "-ERR unknown command 'NOSUCH', with args beginning with: \r\n")
        let stats = Self.bulkText(client.request("INFO", "commandstats"))
        #expect(stats.hasPrefix("# Commandstats\r\n"))
        #expect(stats.contains("cmdstat_set:calls=2,usec="))
        #expect(stats.contains("cmdstat_get:calls=1,"))
        #expect(stats.contains(",rejected_calls=1,failed_calls=0\r\n"))
        #expect(stats.contains("cmdstat_hget:calls=1,"))
        #expect(stats.contains(",rejected_calls=0,failed_calls=1\r\n"))
        let errors = "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n"
        #expect(client.request("INFO", "errorstats") == "$\(errors.utf8.count)\r\n\(errors)\r\n")
        #expect(Self.bulkText(client.request("INFO", "stats")).contains("total_error_replies:3\r\n"))
        // RESETSTAT clears them; its own call is counted after, as in Redis.
        #expect(client.request("CONFIG", "RESETSTAT") == "+OK\r\n")
        let after = Self.bulkText(client.request("INFO", "commandstats"))
        #expect(after.hasPrefix("# Commandstats\r\ncmdstat_config|resetstat:calls=1,usec="))
        #expect(after.components(separatedBy: "cmdstat_").count == 2)
    }

    @Test func saveWritesASnapshotAndIsRefusedInMulti() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "k", "v") == "+OK\r\n")
        #expect(client.request("SAVE") == "+OK\r\n")
        #expect(client.request("LASTSAVE").hasPrefix(":"))
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("SAVE") == "-ERR Command not allowed inside a transaction\r\n")
        #expect(client.request("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }

    /// serverCron's active expiry: a key nobody reads still goes.
    @Test func keysExpireWithoutBeingRead() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("SET", "k", "v", "PX", "50") == "+OK\r\n")
        var gone = false
        for _ in 0..<50 where !gone {
            usleep(20_000)
            gone = client.request("INFO", "keyspace") == "$12\r\n# Keyspace\r\n\r\n"
        }
        #expect(gone)
        #expect(client.request("INFO", "stats").contains("expired_keys:1\r\n"))
    }

    /// keyspace_hits/misses count lookups of read-only commands (lookupKeyRead),
    /// not of writes; CONFIG RESETSTAT zeroes them with expired_keys.
    @Test func keyspaceHitsMissesAndExpiredKeys() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        func stat(_ name: String) -> String? {
            let info = client.request("INFO", "stats")
            return info.split(separator: "\r\n").first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
        }
        #expect(client.request("SET", "a", "1") == "+OK\r\n")
        #expect(client.request("INCR", "a") == ":2\r\n")
        #expect(stat("keyspace_hits") == "0")
        #expect(stat("keyspace_misses") == "0")
        #expect(client.request("GET", "a") == "$1\r\n2\r\n")
        #expect(client.request("GET", "nope") == "$-1\r\n")
        #expect(client.request("MGET", "a", "nope", "a") == "*3\r\n$1\r\n2\r\n$-1\r\n$1\r\n2\r\n")
        #expect(stat("keyspace_hits") == "3")
        #expect(stat("keyspace_misses") == "2")
        #expect(client.request("SET", "t", "x", "PX", "1") == "+OK\r\n")
        usleep(5_000)
        #expect(client.request("GET", "t") == "$-1\r\n")
        #expect(stat("expired_keys") == "1")
        #expect(stat("keyspace_misses") == "3")
        #expect(client.request("CONFIG", "RESETSTAT") == "+OK\r\n")
        #expect(stat("keyspace_hits") == "0")
        #expect(stat("keyspace_misses") == "0")
        #expect(stat("expired_keys") == "0")
    }

    @Test func transactionsCountEachQueuedCommand() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("MULTI") == "+OK\r\n")
        #expect(client.request("INCR", "n") == "+QUEUED\r\n")
        #expect(client.request("INCR", "n") == "+QUEUED\r\n")
        #expect(client.request("EXEC") == "*2\r\n:1\r\n:2\r\n")
        let stats = Self.bulkText(client.request("INFO", "commandstats"))
        #expect(stats.contains("cmdstat_incr:calls=2,"))
        #expect(stats.contains("cmdstat_exec:calls=1,"))
        #expect(stats.contains("cmdstat_multi:calls=1,"))
    }
}
