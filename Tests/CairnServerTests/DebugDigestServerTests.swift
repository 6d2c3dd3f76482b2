import Testing
@testable import CairnServer

/// DEBUG DIGEST and DEBUG DIGEST-VALUE through a real socket: the bytes a
/// redis-server 7.0.15 (`--enable-debug-command yes`, FLUSHALL first) sent
/// for the same requests, status replies included.
@Suite struct DebugDigestServerTests {
    static let zeros = String(repeating: "0", count: 40)

    @Test func repliesAreRedisBytes() throws {
        let server = try TestServer(extra: "enable-debug-command yes\n")
        let client = try server.client()
        #expect(client.request("DEBUG", "DIGEST") == "+\(Self.zeros)\r\n")
        #expect(client.request("SET", "greeting", "hello") == "+OK\r\n")
        #expect(client.request("RPUSH", "queue", "a", "b", "c") == ":3\r\n")
        #expect(client.request("HSET", "user:1", "name", "ada", "age", "36") == ":2\r\n")
        #expect(client.request("ZADD", "board", "1.5", "ada", "-inf", "bob") == ":2\r\n")
        #expect(client.request("SET", "session", "x", "EX", "1000") == "+OK\r\n")
        #expect(client.request("SELECT", "3") == "+OK\r\n")
        #expect(client.request("SADD", "tags", "1", "2", "red") == ":3\r\n")
        #expect(client.request("DEBUG", "DIGEST") == "+a1e3b92196535648596ab226a5007d745d98b572\r\n")
        // DIGEST-VALUE reads the selected database.
        #expect(client.request("DEBUG", "DIGEST-VALUE", "tags", "greeting")
            == "*2\r\n+2500c2f505e9365c851a037df3734fb147cbb0fb\r\n+\(Self.zeros)\r\n")
        #expect(client.request("SELECT", "0") == "+OK\r\n")
        #expect(client.request("DEBUG", "DIGEST-VALUE", "greeting", "queue", "user:1", "board", "session", "nope")
            == "*6\r\n+36b23a1456b2dce2c3ed252c456761301dba8060\r\n+8bf72d812571eea9b927f3c11beb0c4165a6ff89\r\n"
            + "+7256e339f82cbebb534bd41934d09b31485dc38d\r\n+09dbc1e13848aca4756ebb021c21d725be325bc2\r\n"
            + "+0745672cb1bf060476eedeb8a28f5ffe1ff5a2be\r\n+\(Self.zeros)\r\n")
        #expect(client.request("DEBUG", "DIGEST-VALUE") == "*0\r\n")
        // RESP3 changes nothing: still an array of status replies.
        #expect(client.request("HELLO", "3").hasPrefix("%7\r\n"))
        #expect(client.request("DEBUG", "DIGEST-VALUE", "greeting") == "*1\r\n+36b23a1456b2dce2c3ed252c456761301dba8060\r\n")
        #expect(client.request("DEBUG", "DIGEST") == "+a1e3b92196535648596ab226a5007d745d98b572\r\n")
    }
}
