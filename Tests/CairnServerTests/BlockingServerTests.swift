import Foundation
import Testing
@testable import CairnServer
import CairnTestSupport

/// BLPOP and friends over real sockets: parked clients served by later
/// writes in FIFO order, timeouts, MULTI, disconnects, CLIENT UNBLOCK, INFO,
/// and the non-blocking effects surviving a restart (blocked.c, t_list.c).
@Suite(.serialized) struct BlockingServerTests {
    private func send(_ client: TestClient, _ arguments: String...) {
        client.send(TestClient.encode(arguments))
    }

    @Test func blpopIsServedByALaterPush() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        send(blocked, "BLPOP", "none", "q", "0")
        other.waitForBlockedClients(1)
        #expect(other.request("CLIENT", "LIST").contains("flags=b db=0"))
        #expect(other.request("RPUSH", "q", "a", "b") == ":2\r\n")
        #expect(blocked.reply() == "*2\r\n$1\r\nq\r\n$1\r\na\r\n")
        #expect(other.request("LRANGE", "q", "0", "-1") == "*1\r\n$1\r\nb\r\n")
        #expect(other.request("INFO", "clients").contains("blocked_clients:0\r\n"))
    }

    @Test func fractionalTimeoutsAnswerNull() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let start = ContinuousClock.now
        #expect(client.request("BLPOP", "q", "0.05") == "*-1\r\n")
        #expect(start.duration(to: .now) >= .milliseconds(45))
        #expect(client.request("BRPOPLPUSH", "q", "d", "0.01") == "*-1\r\n")
        _ = client.request("HELLO", "3")
        #expect(client.request("BLMOVE", "q", "d", "LEFT", "RIGHT", "0.01") == "_\r\n")
        #expect(client.request("BZMPOP", "0.01", "1", "z", "MIN") == "_\r\n")
        #expect(client.request("BLPOP", "q", "-1") == "-ERR timeout is negative\r\n")
    }

    @Test func firstBlockedIsFirstServed() throws {
        let server = try TestServer()
        defer { server.stop() }
        let first = try server.client()
        let second = try server.client()
        let pusher = try server.client()
        send(first, "BRPOP", "q", "0")
        pusher.waitForBlockedClients(1)
        send(second, "BRPOP", "q", "0")
        pusher.waitForBlockedClients(2)
        #expect(pusher.request("LPUSH", "q", "x", "y") == ":2\r\n")
        #expect(first.reply() == "*2\r\n$1\r\nq\r\n$1\r\nx\r\n")
        #expect(second.reply() == "*2\r\n$1\r\nq\r\n$1\r\ny\r\n")
        #expect(pusher.request("EXISTS", "q") == ":0\r\n")
    }

    @Test func blmoveFeedsAnotherBlockedClient() throws {
        let server = try TestServer()
        defer { server.stop() }
        let mover = try server.client()
        let popper = try server.client()
        let pusher = try server.client()
        send(mover, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
        pusher.waitForBlockedClients(1)
        send(popper, "BLPOP", "dst", "0")
        pusher.waitForBlockedClients(2)
        #expect(pusher.request("RPUSH", "src", "v") == ":1\r\n")
        #expect(mover.reply() == "$1\r\nv\r\n")
        #expect(popper.reply() == "*2\r\n$3\r\ndst\r\n$1\r\nv\r\n")
        #expect(pusher.request("DBSIZE") == ":0\r\n")
    }

    @Test func bzpopminIsServedByZadd() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        send(blocked, "BZPOPMIN", "z", "0")
        other.waitForBlockedClients(1)
        _ = other.request("SET", "z2", "not a zset")
        #expect(other.request("ZADD", "z", "2", "b", "1.5", "a") == ":2\r\n")
        #expect(blocked.reply() == "*3\r\n$1\r\nz\r\n$1\r\na\r\n$3\r\n1.5\r\n")
        #expect(other.request("ZCARD", "z") == ":1\r\n")
    }

    @Test func insideMultiNothingBlocks() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        _ = client.request("MULTI")
        #expect(client.request("BLPOP", "q", "0") == "+QUEUED\r\n")
        _ = client.request("BLMOVE", "q", "d", "LEFT", "LEFT", "0")
        #expect(client.request("EXEC") == "*2\r\n*-1\r\n$-1\r\n")
    }

    @Test func pipelinedCommandsWaitBehindTheBlockedOne() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        blocked.send(TestClient.encode(["BLPOP", "q", "0"]) + TestClient.encode(["LLEN", "q"]))
        other.waitForBlockedClients(1)
        send(blocked, "PING")
        usleep(50_000)
        #expect(other.request("RPUSH", "q", "a", "b") == ":2\r\n")
        #expect(blocked.reply() == "*2\r\n$1\r\nq\r\n$1\r\na\r\n")
        #expect(blocked.reply() == ":1\r\n")
        #expect(blocked.reply() == "+PONG\r\n")
    }

    /// Replies to commands pipelined before a blocking one leave before it
    /// blocks (Redis writes them first), in order.
    @Test func repliesBeforeABlockingCommandAreNotHeldBack() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        blocked.send(TestClient.encode(["SET", "a", "1"]) + TestClient.encode(["INCR", "n"])
            + TestClient.encode(["BLPOP", "q", "0"]) + TestClient.encode(["GET", "a"]))
        #expect(blocked.reply() == "+OK\r\n")
        #expect(blocked.reply() == ":1\r\n")
        other.waitForBlockedClients(1)
        #expect(other.request("RPUSH", "q", "x") == ":1\r\n")
        #expect(blocked.reply() == "*2\r\n$1\r\nq\r\n$1\r\nx\r\n")
        #expect(blocked.reply() == "$1\r\n1\r\n")
    }

    @Test func disconnectedClientsAreForgotten() throws {
        let server = try TestServer()
        defer { server.stop() }
        let other = try server.client()
        do {
            let blocked = try server.client()
            send(blocked, "BLPOP", "q", "0")
            other.waitForBlockedClients(1)
        }
        other.waitForBlockedClients(0)
        #expect(other.request("RPUSH", "q", "a") == ":1\r\n")
        #expect(other.request("LRANGE", "q", "0", "-1") == "*1\r\n$1\r\na\r\n")
    }

    @Test func clientUnblock() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        let id = blocked.request("CLIENT", "ID").dropFirst().dropLast()  // "\r\n" is one Character
        #expect(other.request("CLIENT", "UNBLOCK", String(id)) == ":0\r\n")
        send(blocked, "BLPOP", "q", "0")
        other.waitForBlockedClients(1)
        #expect(other.request("CLIENT", "UNBLOCK", String(id), "ERROR") == ":1\r\n")
        #expect(blocked.reply() == "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
        send(blocked, "BZPOPMAX", "z", "0")
        other.waitForBlockedClients(1)
        #expect(other.request("CLIENT", "UNBLOCK", String(id), "TIMEOUT") == ":1\r\n")
        #expect(blocked.reply() == "*-1\r\n")
        #expect(other.request("CLIENT", "UNBLOCK", "x", "foo") == "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")
        #expect(other.request("CLIENT", "UNBLOCK", "x") == "-ERR value is not an integer or out of range\r\n")
    }

    @Test func servedPopsAreLoggedAsNonBlockingForms() throws {
        let directory = TestServer.makeDirectory()
        do {
            let server = try TestServer(directory: directory)
            defer { server.stop() }
            let blocked = try server.client()
            let other = try server.client()
            send(blocked, "BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2")
            other.waitForBlockedClients(1)
            #expect(other.request("RPUSH", "b", "1", "2", "3") == ":3\r\n")
            #expect(blocked.reply() == "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n")
            send(blocked, "BZPOPMIN", "z", "0")
            other.waitForBlockedClients(1)
            _ = other.request("ZADD", "z", "1", "m", "2", "n")
            #expect(blocked.reply() == "*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n1\r\n")
        }
        let reopened = try TestServer(directory: directory)
        defer { reopened.stop() }
        let client = try reopened.client()
        #expect(client.request("LRANGE", "b", "0", "-1") == "*1\r\n$1\r\n1\r\n")
        #expect(client.request("ZRANGE", "z", "0", "-1") == "*1\r\n$1\r\nn\r\n")
    }
}

/// Keys that become ready through a transaction or a rename wake their
/// waiters once the whole command ran (handleClientsBlockedOnKeys after EXEC).
@Suite(.serialized) struct BlockingWakeupTests {
    @Test func execAndRenameServeWaiters() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        blocked.send(TestClient.encode(["BLPOP", "q", "0"]))
        other.waitForBlockedClients(1)
        _ = other.request("MULTI")
        _ = other.request("RPUSH", "q", "a", "b")
        _ = other.request("LPOP", "q")
        #expect(other.request("EXEC") == "*2\r\n:2\r\n$1\r\na\r\n")
        #expect(blocked.reply() == "*2\r\n$1\r\nq\r\n$1\r\nb\r\n")
        blocked.send(TestClient.encode(["BLPOP", "q", "0"]))
        other.waitForBlockedClients(1)
        _ = other.request("RPUSH", "tmp", "c")
        #expect(other.request("RENAME", "tmp", "q") == "+OK\r\n")
        #expect(blocked.reply() == "*2\r\n$1\r\nq\r\n$1\r\nc\r\n")
        // Another database's key of the same name wakes nobody.
        blocked.send(TestClient.encode(["BLPOP", "q", "0.2"]))
        other.waitForBlockedClients(1)
        _ = other.request("SELECT", "1")
        _ = other.request("RPUSH", "q", "d")
        #expect(blocked.reply() == "*-1\r\n")
        #expect(other.request("LLEN", "q") == ":1\r\n")
    }

    /// MOVE, SWAPDB and COPY make keys ready as Redis's signalKeyAsReady
    /// calls in db.c do: the blocked client on the destination is served.
    @Test func moveSwapdbAndCopyServeWaiters() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        // MOVE from database 1 into the blocked client's database 0.
        blocked.send(TestClient.encode(["BLPOP", "q", "0"]))
        other.waitForBlockedClients(1)
        _ = other.request("SELECT", "1")
        _ = other.request("RPUSH", "q", "moved")
        #expect(other.request("MOVE", "q", "0") == ":1\r\n")
        #expect(blocked.reply() == "*2\r\n$1\r\nq\r\n$5\r\nmoved\r\n")
        // SWAPDB brings database 1's list into database 0.
        blocked.send(TestClient.encode(["BZPOPMIN", "z", "0"]))
        other.waitForBlockedClients(1)
        _ = other.request("ZADD", "z", "1", "swapped")
        #expect(other.request("SWAPDB", "0", "1") == "+OK\r\n")
        #expect(blocked.reply() == "*3\r\n$1\r\nz\r\n$7\r\nswapped\r\n$1\r\n1\r\n")
        // (The blocked client's database 0 is the old database 1 now.)
        // COPY into the waited-for key.
        _ = other.request("SELECT", "0")
        blocked.send(TestClient.encode(["BRPOP", "copy", "0"]))
        other.waitForBlockedClients(1)
        _ = other.request("RPUSH", "source", "x", "y")
        #expect(other.request("COPY", "source", "copy") == ":1\r\n")
        #expect(blocked.reply() == "*2\r\n$4\r\ncopy\r\n$1\r\ny\r\n")
        #expect(other.request("LRANGE", "copy", "0", "-1") == "*1\r\n$1\r\nx\r\n")
        #expect(other.request("LRANGE", "source", "0", "-1") == "*2\r\n$1\r\nx\r\n$1\r\ny\r\n")
        // A MOVE away from the waited database wakes nobody.
        blocked.send(TestClient.encode(["BLPOP", "away", "0.2"]))
        other.waitForBlockedClients(1)
        _ = other.request("RPUSH", "away", "1")
        #expect(blocked.reply() == "*2\r\n$4\r\naway\r\n$1\r\n1\r\n")
        blocked.send(TestClient.encode(["BLPOP", "gone", "0.2"]))
        other.waitForBlockedClients(1)
        _ = other.request("SELECT", "2")
        _ = other.request("RPUSH", "gone", "1")
        #expect(other.request("MOVE", "gone", "3") == ":1\r\n")
        #expect(blocked.reply() == "*-1\r\n")
    }

    /// RESTORE into a waited-for key serves the blocked client.
    @Test func restoreServesWaiters() throws {
        let server = try TestServer()
        defer { server.stop() }
        let blocked = try server.client()
        let other = try server.client()
        _ = other.request("RPUSH", "source", "r1", "r2")
        other.send(TestClient.encode(["DUMP", "source"]))
        // The payload as raw bytes: `$<n>\r\n<payload>\r\n`.
        let payload = Array(other.replyBytes().drop { $0 != UInt8(ascii: "\n") }.dropFirst().dropLast(2))
        blocked.send(TestClient.encode(["BLPOP", "restored", "0"]))
        other.waitForBlockedClients(1)
        let request = Array("*4\r\n$7\r\nRESTORE\r\n$8\r\nrestored\r\n$1\r\n0\r\n$\(payload.count)\r\n".utf8)
            + payload + Array("\r\n".utf8)
        other.send(request)
        #expect(other.reply() == "+OK\r\n")
        #expect(blocked.reply() == "*2\r\n$8\r\nrestored\r\n$2\r\nr1\r\n")
        #expect(other.request("LRANGE", "restored", "0", "-1") == "*1\r\n$2\r\nr2\r\n")
    }
}
