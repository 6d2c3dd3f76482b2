import Foundation
import NIOCore
import Testing
@testable import CairnServer

/// A closed connection leaves nothing behind: its `ClientState`, its
/// `ConnectionHandler` and its channel are freed, and with them whatever it
/// held (a partial bulk, replies the peer never read, queued messages), once
/// the server processed the close. Redis's freeClient releases the same.
@Suite struct ConnectionReleaseTests {
    /// Weak references to one connection's server-side objects.
    final class Remains: @unchecked Sendable {
        let what: String
        weak var client: ClientState?
        weak var handler: ConnectionHandler?
        weak var channel: (any Channel)?
        init(_ what: String) { self.what = what }
        var isFreed: Bool { client == nil && handler == nil && channel == nil }
    }

    /// Finds `connection`'s objects in the server (by CLIENT ID).
    static func remains(of connection: TestClient, _ what: String, in server: TestServer) throws -> Remains {
        let reply = connection.request("CLIENT", "ID")
        let id = try #require(UInt64(String(reply.dropFirst().prefix { $0.isNumber })))
        let client = try #require(server.server.context.registry.client(id))
        let remains = Remains(what)
        remains.client = client
        remains.channel = client.channel
        let channel = client.channel
        try channel.eventLoop.submit {
            remains.handler = try channel.pipeline.syncOperations.handler(type: ConnectionHandler.self)
        }.wait()
        return remains
    }

    @Test func closedConnectionsFreeWhatTheyHeld() throws {
        let server = try TestServer()
        defer { server.stop() }
        let other = try server.client()
        #expect(other.request("SET", "big", String(repeating: "v", count: 1 << 20)) == "+OK\r\n")
        var remains: [Remains] = []
        for _ in 0 ..< 50 {
            let client = try server.client()
            remains.append(try Self.remains(of: client, "connect/PING/close", in: server))
            #expect(client.request("PING") == "+PONG\r\n")
        }
        do {
            let partial = try server.client()
            remains.append(try Self.remains(of: partial, "partial 40 MB bulk", in: server))
            partial.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000000\r\n" + String(repeating: "x", count: 4 << 20))
            #expect(other.request("PING") == "+PONG\r\n")

            let unread = try server.client()
            remains.append(try Self.remains(of: unread, "16 MB of replies never read", in: server))
            unread.send(String(repeating: TestClient.encode(["GET", "big"]), count: 16))

            let subscriber = try server.client()
            remains.append(try Self.remains(of: subscriber, "subscriber with queued messages", in: server))
            #expect(subscriber.request("SUBSCRIBE", "news").hasPrefix("*3\r\n"))
            #expect(subscriber.request("PSUBSCRIBE", "n*").hasPrefix("*3\r\n"))
            for _ in 0 ..< 8 {
                #expect(other.request("PUBLISH", "news", String(repeating: "m", count: 256 * 1024)) == ":2\r\n")
            }

            let blocked = try server.client(), timed = try server.client()
            remains.append(try Self.remains(of: blocked, "BLPOP without timeout", in: server))
            remains.append(try Self.remains(of: timed, "BLPOP with a 100 s timeout", in: server))
            blocked.send(TestClient.encode(["BLPOP", "queue", "0"]))
            timed.send(TestClient.encode(["BLPOP", "queue", "100"]))
            other.waitForBlockedClients(2)

            let monitor = try server.client()
            remains.append(try Self.remains(of: monitor, "MONITOR", in: server))
            #expect(monitor.request("MONITOR") == "+OK\r\n")

            let transaction = try server.client()
            remains.append(try Self.remains(of: transaction, "WATCH and MULTI", in: server))
            #expect(transaction.request("WATCH", "big") == "+OK\r\n")
            #expect(transaction.request("MULTI") == "+OK\r\n")
            #expect(transaction.request("GET", "big") == "+QUEUED\r\n")
            #expect(other.request("PING") == "+PONG\r\n")
        }  // every connection above closes here

        // Polled, not slept: the server processes the closes on its loop.
        let deadline = ContinuousClock.now + .seconds(10)
        while remains.contains(where: { !$0.isFreed }) && ContinuousClock.now < deadline {
            usleep(10_000)
        }
        let alive = remains.filter { !$0.isFreed }
        #expect(alive.count == 0, "still alive: \(Set(alive.map(\.what)).sorted())")
        #expect(other.request("INFO", "clients").contains("connected_clients:1\r\n"))
        #expect(other.request("INFO", "clients").contains("blocked_clients:0\r\n"))
        #expect(other.request("PUBSUB", "NUMSUB", "news") == "*2\r\n$4\r\nnews\r\n:0\r\n")
        #expect(other.request("PUBSUB", "NUMPAT") == ":0\r\n")
        #expect(other.request("EXISTS", "k") == ":0\r\n")
    }
}
