import Cairn
import CairnTestSupport
import Testing
@testable import CairnServer
#if canImport(Glibc)
import Glibc
#endif

/// Pub/sub over real sockets, RESP2 and RESP3. Expected bytes are
/// redis-server 7.0.15's.
@Suite(.serialized) struct PubSubServerTests {
    static func message(_ channel: String, _ text: String, push: Bool = false) -> String {
        "\(push ? ">" : "*")3\r\n$7\r\nmessage\r\n$\(channel.utf8.count)\r\n\(channel)\r\n$\(text.utf8.count)\r\n\(text)\r\n"
    }

    /// Polls `request` until it answers `expected` (a disconnect is cleaned
    /// up on the executor shortly after the socket closes).
    static func eventually(_ client: TestClient, _ arguments: [String], _ expected: String) -> Bool {
        for _ in 0..<100 {
            client.send(TestClient.encode(arguments))
            if client.reply() == expected { return true }
            usleep(20_000)
        }
        return false
    }

    @Test func resp2SubscribePublishAndUnsubscribe() throws {
        let server = try TestServer()
        defer { server.stop() }
        let subscriber = try server.client()
        let publisher = try server.client()
        subscriber.send(TestClient.encode(["SUBSCRIBE", "news", "sport"]))
        #expect(subscriber.reply() == "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n")
        #expect(subscriber.reply() == "*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n")
        #expect(subscriber.request("PSUBSCRIBE", "n*") == "*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n")
        #expect(publisher.request("PUBLISH", "news", "hello") == ":2\r\n")
        #expect(subscriber.reply() == Self.message("news", "hello"))
        #expect(subscriber.reply() == "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n")
        #expect(publisher.request("PUBLISH", "nobody", "x") == ":1\r\n")
        #expect(subscriber.reply() == "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$6\r\nnobody\r\n$1\r\nx\r\n")
        #expect(publisher.request("PUBLISH", "other", "x") == ":0\r\n")
        #expect(publisher.request("PUBSUB", "NUMSUB", "news", "none") == "*4\r\n$4\r\nnews\r\n:1\r\n$4\r\nnone\r\n:0\r\n")
        #expect(publisher.request("PUBSUB", "NUMPAT") == ":1\r\n")
        #expect(publisher.request("PUBSUB", "CHANNELS", "s*") == "*1\r\n$5\r\nsport\r\n")
        // Subscribed mode: PING answers as an array, other commands are refused.
        #expect(subscriber.request("PING") == "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(subscriber.request("PING", "hi") == "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n")
        #expect(subscriber.request("GET", "a") == "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
            + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        #expect(subscriber.request("CLIENT", "ID").hasPrefix("-ERR Can't execute 'client|id': only"))
        // UNSUBSCRIBE without arguments leaves every channel, one reply each
        // (Redis walks its channel dict: either order).
        subscriber.send(TestClient.encode(["UNSUBSCRIBE"]))
        let first = subscriber.reply()
        let second = subscriber.reply()
        #expect(Set([first, second]) == ["*3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:1\r\n",
                                        "*3\r\n$11\r\nunsubscribe\r\n$5\r\nsport\r\n:2\r\n"]
            || Set([first, second]) == ["*3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:2\r\n",
                                        "*3\r\n$11\r\nunsubscribe\r\n$5\r\nsport\r\n:1\r\n"])
        #expect(subscriber.request("PUNSUBSCRIBE") == "*3\r\n$12\r\npunsubscribe\r\n$2\r\nn*\r\n:0\r\n")
        #expect(subscriber.request("UNSUBSCRIBE") == "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        #expect(subscriber.request("PUNSUBSCRIBE") == "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n")
        #expect(subscriber.request("GET", "a") == "$-1\r\n")
        #expect(subscriber.request("PING") == "+PONG\r\n")
    }

    @Test func resp3PushesAndNoRestrictions() throws {
        let server = try TestServer()
        defer { server.stop() }
        let subscriber = try server.client()
        let publisher = try server.client()
        #expect(subscriber.request("HELLO", "3").hasPrefix("%7\r\n"))
        #expect(subscriber.request("SUBSCRIBE", "a") == ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n")
        #expect(subscriber.request("PSUBSCRIBE", "a*") == ">3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:2\r\n")
        #expect(subscriber.request("GET", "k") == "_\r\n")
        #expect(subscriber.request("PING") == "+PONG\r\n")
        #expect(publisher.request("PUBLISH", "a", "hi") == ":2\r\n")
        #expect(subscriber.reply() == Self.message("a", "hi", push: true))
        #expect(subscriber.reply() == ">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nhi\r\n")
        // Publishing to itself: the pushes come before PUBLISH's count.
        subscriber.send(TestClient.encode(["PUBLISH", "a", "me"]))
        #expect(subscriber.reply() == Self.message("a", "me", push: true))
        #expect(subscriber.reply() == ">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nme\r\n")
        #expect(subscriber.reply() == ":2\r\n")
        #expect(subscriber.request("UNSUBSCRIBE", "a") == ">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n")
        #expect(subscriber.request("PUNSUBSCRIBE") == ">3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:0\r\n")
        #expect(subscriber.request("UNSUBSCRIBE") == ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n")
    }

    @Test func publishInsideMultiAndResetAndDisconnect() throws {
        let server = try TestServer()
        defer { server.stop() }
        var subscriber: TestClient? = try server.client()
        let publisher = try server.client()
        #expect(subscriber?.request("SUBSCRIBE", "c") == "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        #expect(publisher.request("MULTI") == "+OK\r\n")
        #expect(publisher.request("PUBLISH", "c", "x") == "+QUEUED\r\n")
        #expect(publisher.request("SET", "k", "v") == "+QUEUED\r\n")
        #expect(publisher.request("EXEC") == "*2\r\n:1\r\n+OK\r\n")
        #expect(subscriber?.reply() == Self.message("c", "x"))
        // SUBSCRIBE of two channels inside MULTI: EXEC's header counts the
        // commands, the confirmations follow as they are (Redis's bytes).
        #expect(publisher.request("MULTI") == "+OK\r\n")
        #expect(publisher.request("SUBSCRIBE", "x", "y") == "+QUEUED\r\n")
        #expect(publisher.request("PING") == "+QUEUED\r\n")
        publisher.send(TestClient.encode(["EXEC"]))
        #expect(publisher.reply() == "*2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\ny\r\n:2\r\n")
        #expect(publisher.reply() == "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        #expect(publisher.request("UNSUBSCRIBE", "x") == "*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:1\r\n")
        #expect(publisher.request("UNSUBSCRIBE", "y") == "*3\r\n$11\r\nunsubscribe\r\n$1\r\ny\r\n:0\r\n")
        // RESET leaves every channel.
        #expect(subscriber?.request("RESET") == "+RESET\r\n")
        #expect(publisher.request("PUBSUB", "NUMSUB", "c") == "*2\r\n$1\r\nc\r\n:0\r\n")
        #expect(subscriber?.request("SUBSCRIBE", "c") == "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        #expect(publisher.request("PUBSUB", "NUMSUB", "c") == "*2\r\n$1\r\nc\r\n:1\r\n")
        // A disconnect leaves them too.
        subscriber = nil
        #expect(Self.eventually(publisher, ["PUBSUB", "NUMSUB", "c"], "*2\r\n$1\r\nc\r\n:0\r\n"))
        #expect(publisher.request("PUBLISH", "c", "x") == ":0\r\n")
    }

    /// Confirmations and messages are pushes: CLIENT REPLY OFF does not
    /// silence them (prepareClientToWrite's CLIENT_PUSHING).
    @Test func pushesIgnoreClientReplyOff() throws {
        let server = try TestServer()
        defer { server.stop() }
        let subscriber = try server.client()
        let publisher = try server.client()
        subscriber.send(TestClient.encode(["CLIENT", "REPLY", "OFF"]) + TestClient.encode(["SUBSCRIBE", "c"]))
        #expect(subscriber.reply() == "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        #expect(publisher.request("PUBLISH", "c", "m") == ":1\r\n")
        #expect(subscriber.reply() == Self.message("c", "m"))
        subscriber.send(TestClient.encode(["PING"]) + TestClient.encode(["UNSUBSCRIBE"]))
        #expect(subscriber.reply() == "*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n")
    }

    /// A message published after the subscriber's SET ran comes after the
    /// SET's reply, even while that reply waits for its log sync (Redis's
    /// output-buffer order).
    @Test func messagesWaitBehindTheSubscribersEarlierReplies() throws {
        let disk = SlowSyncFileIO(PosixFileIO(), delay: .zero)
        let server = try TestServer(fileIO: disk)
        defer {
            disk.release()
            server.stop()
        }
        let subscriber = try server.client()
        let publisher = try server.client()
        #expect(subscriber.request("HELLO", "3").hasPrefix("%7\r\n"))
        #expect(subscriber.request("SUBSCRIBE", "c") == ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        disk.hold()
        subscriber.send(TestClient.encode(["SET", "k", "v"]))
        // The SET has run (its reply waits for the held sync) once INFO counts it.
        var ran = false
        for _ in 0..<100 where !ran {
            ran = publisher.request("INFO", "commandstats").contains("cmdstat_set:calls=1,")
            if !ran { usleep(10_000) }
        }
        #expect(ran)
        #expect(publisher.request("PUBLISH", "c", "after") == ":1\r\n")
        disk.release()
        #expect(subscriber.reply() == "+OK\r\n")
        #expect(subscriber.reply() == Self.message("c", "after", push: true))
    }

    @Test func clientListAndKillKnowPubsubClients() throws {
        let server = try TestServer()
        defer { server.stop() }
        let subscriber = try server.client()
        let other = try server.client()
        subscriber.send(TestClient.encode(["SUBSCRIBE", "a", "b"]) + TestClient.encode(["PSUBSCRIBE", "p*"]))
        for _ in 0..<3 { #expect(subscriber.reply().hasPrefix("*3\r\n")) }
        let list = other.request("CLIENT", "LIST", "TYPE", "pubsub")
        #expect(list.contains(" flags=P db=0 sub=2 psub=1 ssub=0 "))
        #expect(list.components(separatedBy: "id=").count == 2)  // one client
        #expect(!other.request("CLIENT", "LIST", "TYPE", "normal").contains("flags=P"))
        #expect(other.request("CLIENT", "KILL", "TYPE", "pubsub") == ":1\r\n")
        #expect(subscriber.isClosed())
    }

    @Test func subscribedClientsAreNotTimedOut() throws {
        let server = try TestServer(extra: "timeout 1\n")
        defer { server.stop() }
        let subscriber = try server.client()
        let idle = try server.client()
        #expect(subscriber.request("SUBSCRIBE", "c") == "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
        #expect(idle.request("PING") == "+PONG\r\n")
        usleep(2_600_000)
        #expect(idle.isClosed())
        let publisher = try server.client()
        #expect(publisher.request("PUBLISH", "c", "still") == ":1\r\n")
        #expect(subscriber.reply() == Self.message("c", "still"))
    }
}
