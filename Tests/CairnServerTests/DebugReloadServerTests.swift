import Testing
@testable import CairnServer

/// DEBUG RELOAD through a real socket, and the encoding directives reaching
/// the engine (startup and CONFIG SET).
@Suite struct DebugReloadServerTests {
    @Test func debugReloadKeepsTheDataAndFailsWatchersOfExistingKeys() throws {
        let server = try TestServer(extra: "enable-debug-command yes\n")
        let client = try server.client(), watcher = try server.client()
        #expect(client.request("RPUSH", "queue", "a", "b", "c") == ":3\r\n")
        #expect(client.request("HSET", "user:1", "name", "ada") == ":1\r\n")
        #expect(client.request("SET", "ttl", "x", "EX", "1000") == "+OK\r\n")
        #expect(client.request("SELECT", "3") == "+OK\r\n")
        #expect(client.request("SADD", "tags", "red") == ":1\r\n")
        #expect(watcher.request("WATCH", "queue", "nothing") == "+OK\r\n")
        #expect(client.request("DEBUG", "RELOAD") == "+OK\r\n")
        #expect(client.request("SMEMBERS", "tags") == "*1\r\n$3\r\nred\r\n")
        #expect(client.request("SELECT", "0") == "+OK\r\n")
        #expect(client.request("LRANGE", "queue", "0", "-1") == "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        #expect(client.request("HGET", "user:1", "name") == "$3\r\nada\r\n")
        let ttl = client.request("TTL", "ttl")
        #expect(ttl == ":1000\r\n" || ttl == ":999\r\n", "TTL after reload: \(ttl)")
        #expect(client.request("DBSIZE") == ":3\r\n")
        // WATCH of an existing key fails the EXEC (emptyData touched it).
        #expect(watcher.request("MULTI") == "+OK\r\n")
        #expect(watcher.request("SET", "nothing", "1") == "+QUEUED\r\n")
        #expect(watcher.request("EXEC") == "*-1\r\n")
        // A watcher of a missing key only is not disturbed.
        #expect(watcher.request("WATCH", "missing") == "+OK\r\n")
        #expect(client.request("DEBUG", "RELOAD", "NOSAVE") == "+OK\r\n")
        #expect(watcher.request("MULTI") == "+OK\r\n")
        #expect(watcher.request("SET", "missing", "1") == "+QUEUED\r\n")
        #expect(watcher.request("EXEC") == "*1\r\n+OK\r\n")
        // Writes after a reload are logged: they survive a restart.
        #expect(client.request("INCR", "counter") == ":1\r\n")
        #expect(client.request("DEBUG", "RELOAD", "MERGE").hasPrefix("-ERR DEBUG RELOAD MERGE and NOFLUSH are not supported"))
        #expect(client.request("DEBUG", "RELOAD", "BOGUS") == "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n")
        server.stop()
        let restarted = try TestServer(directory: server.directory)
        defer { restarted.stop() }
        let again = try restarted.client()
        #expect(again.request("GET", "counter") == "$1\r\n1\r\n")
        #expect(again.request("GET", "missing") == "$1\r\n1\r\n")
    }

    @Test func encodingDirectivesReachTheEngine() throws {
        let server = try TestServer(extra: "hash-max-ziplist-entries 2\nzset-max-listpack-value 4\n")
        defer { server.stop() }
        let client = try server.client()
        #expect(client.request("HSET", "small", "a", "1", "b", "2") == ":2\r\n")
        #expect(client.request("OBJECT", "ENCODING", "small") == "$8\r\nlistpack\r\n")
        #expect(client.request("HSET", "big", "a", "1", "b", "2", "c", "3") == ":3\r\n")
        #expect(client.request("OBJECT", "ENCODING", "big") == "$9\r\nhashtable\r\n")
        #expect(client.request("ZADD", "z", "1", "abcde") == ":1\r\n")
        #expect(client.request("OBJECT", "ENCODING", "z") == "$8\r\nskiplist\r\n")
        #expect(client.request("CONFIG", "SET", "set-max-intset-entries", "1") == "+OK\r\n")
        #expect(client.request("SADD", "ints", "1", "2") == ":2\r\n")
        #expect(client.request("OBJECT", "ENCODING", "ints") == "$9\r\nhashtable\r\n")
        #expect(client.request("CONFIG", "SET", "hash-max-listpack-entries", "512") == "+OK\r\n")
        #expect(client.request("HSET", "wide", "a", "1", "b", "2", "c", "3") == ":3\r\n")
        #expect(client.request("OBJECT", "ENCODING", "wide") == "$8\r\nlistpack\r\n")
    }

    /// redis-server without a config file uses config.c's defaults (512
    /// hash entries), not redis.conf's 128: so does cairn-server.
    @Test func defaultHashThresholdIsRedisServersBuiltInOne() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let fields = (0..<300).flatMap { ["f\($0)", "v"] }
        #expect(client.request(["HSET", "h"] + fields) == ":300\r\n")
        #expect(client.request("OBJECT", "ENCODING", "h") == "$8\r\nlistpack\r\n")
    }
}
