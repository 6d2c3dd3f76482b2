import Foundation
import Testing
@testable import CairnServer

/// client-output-buffer-limit: Redis's parsing, merging and CONFIG GET
/// rendering, a subscriber that does not read being closed once its
/// pending output passes the pub/sub hard limit, and a pipeline whose
/// replies pass the normal hard limit being cut short where they pass it.
@Suite struct OutputBufferLimitTests {
    @Test func configSetMergesClassesAndRendersBytes() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        func current() -> String { client.request("CONFIG", "GET", "client-output-buffer-limit") }
        #expect(current().contains("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"))
        #expect(client.request("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 5") == "+OK\r\n")
        #expect(current().contains("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 5"))
        #expect(client.request("CONFIG", "SET", "client-output-buffer-limit", "replica 1k 0 0 normal 2gb 1gb 10") == "+OK\r\n")
        #expect(current().contains("normal 2147483648 1073741824 10 slave 1000 0 0 pubsub 1048576 524288 5"))
        let prefix = "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
        #expect(client.request("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb")
            == prefix + "Wrong number of arguments in buffer limit configuration.\r\n")
        #expect(client.request("CONFIG", "SET", "client-output-buffer-limit", "master 1 1 1")
            == prefix + "Invalid client class specified in buffer limit configuration.\r\n")
        #expect(client.request("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1x 1 1")
            == prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n")
        #expect(client.request("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 1 -1")
            == prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n")
        #expect(current().contains("normal 2147483648 1073741824 10 slave 1000 0 0 pubsub 1048576 524288 5"))
    }

    @Test func aSubscriberThatDoesNotReadIsClosedAtTheHardLimit() throws {
        let server = try TestServer(extra: "client-output-buffer-limit pubsub 1mb 0 0\n")
        defer { server.stop() }
        let subscriber = try server.client(), publisher = try server.client()
        #expect(subscriber.request("SUBSCRIBE", "news").hasPrefix("*3\r\n"))
        // The subscriber reads nothing more: the kernel's socket buffers fill,
        // then the server's pending output passes 1 MB.
        let message = String(repeating: "x", count: 256 * 1024)
        var closed = false
        for _ in 0 ..< 400 where !closed {
            _ = publisher.request("PUBLISH", "news", message)
            closed = publisher.request("PUBSUB", "NUMSUB", "news") == "*2\r\n$4\r\nnews\r\n:0\r\n"
        }
        #expect(closed, "the subscriber was never closed")
        // The server keeps serving everyone else.
        #expect(publisher.request("PING") == "+PONG\r\n")
    }

    /// networking.c checks the limit as each reply is added
    /// (closeClientOnOutputBufferLimitReached from _addReplyProtoToList) and
    /// closes the client asynchronously; processInputBuffer then runs none of
    /// the pipeline's later commands. 100 pipelined GETs of 256 KB under a
    /// 1 MB hard limit: the client is closed after about four, and the INCRs
    /// after that never run (Redis 7.0.15 runs 3 of them here).
    @Test func aPipelinePastTheHardLimitIsClosedWhereItPassesIt() throws {
        let server = try TestServer(extra: "client-output-buffer-limit normal 1mb 512kb 5\n")
        defer { server.stop() }
        let other = try server.client()
        #expect(other.request("SET", "big", String(repeating: "v", count: 256 * 1024)) == "+OK\r\n")
        let greedy = try server.client()
        let pair = TestClient.encode(["GET", "big"]) + TestClient.encode(["INCR", "executed"])
        greedy.send(String(repeating: pair, count: 100))
        #expect(greedy.isClosed(), "the client was not closed")
        let executed = Int(other.request("GET", "executed").split(separator: "\r\n").last ?? "") ?? 0
        #expect(executed < 8, "\(executed) of 100 INCRs ran after the limit was passed")
        #expect(other.request("INFO", "clients").contains("connected_clients:1\r\n"))
        // Later clients, and their own big replies, are served.
        let later = try server.client()
        #expect(later.request("GET", "big").utf8.count == 256 * 1024 + 11)
    }
}
