#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import CairnServer

/// The first IPv4 address of an interface that is up and not loopback.
let externalIPv4Address: String? = {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0, let first = list else { return nil }
    defer { freeifaddrs(list) }
    var entry: UnsafeMutablePointer<ifaddrs>? = first
    while let current = entry {
        defer { entry = current.pointee.ifa_next }
        let flags = Int32(current.pointee.ifa_flags)
        guard let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
              flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0 else { continue }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count),
                          nil, 0, NI_NUMERICHOST) == 0 else { continue }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return nil
}()

/// Protected mode against a real remote peer: the server listens on every
/// interface and the test connects through this machine's own non-loopback
/// address, so the server sees a client that is not 127.0.0.1 or ::1
/// (clientAcceptHandler's check).
@Suite(.enabled(if: externalIPv4Address != nil, "this machine has no non-loopback IPv4 address"))
struct ProtectedModeTests {
    static func remoteClient(_ server: TestServer) throws -> TestClient {
        try TestClient(port: server.port, host: externalIPv4Address!)
    }

    @Test func remoteClientIsDeniedWithoutAPassword() throws {
        let server = try TestServer(extra: "bind 0.0.0.0\n")
        defer { server.stop() }
        let remote = try Self.remoteClient(server)
        remote.send("PING\r\n")
        let reply = remote.reply()
        #expect(reply == ConnectionHandler.deniedMessage)
        #expect(reply.hasPrefix("-DENIED Redis is running in protected mode"))
        #expect(remote.isClosed())
        // A loopback client on the same listener is served.
        let local = try server.client()
        #expect(local.request("PING") == "+PONG\r\n")
        #expect(local.request("INFO", "stats").contains("rejected_connections:1\r\n"))
    }

    @Test func remoteClientIsServedWhenProtectedModeIsOff() throws {
        let server = try TestServer(extra: "bind 0.0.0.0\nprotected-mode no\n")
        defer { server.stop() }
        let remote = try Self.remoteClient(server)
        #expect(remote.request("SET", "k", "v") == "+OK\r\n")
        #expect(remote.request("GET", "k") == "$1\r\nv\r\n")
    }

    @Test func remoteClientMustAuthenticateWhenAPasswordIsSet() throws {
        let server = try TestServer(extra: "bind 0.0.0.0\nrequirepass secret\n")
        defer { server.stop() }
        let remote = try Self.remoteClient(server)
        #expect(remote.request("GET", "k") == "-NOAUTH Authentication required.\r\n")
        #expect(remote.request("AUTH", "secret") == "+OK\r\n")
        #expect(remote.request("GET", "k") == "$-1\r\n")
    }

    @Test func protectedModeSwitchedOffAtRunTimeLetsRemoteClientsIn() throws {
        let server = try TestServer(extra: "bind 0.0.0.0\n")
        defer { server.stop() }
        #expect(try Self.remoteClient(server).reply() == ConnectionHandler.deniedMessage)
        let local = try server.client()
        #expect(local.request("CONFIG", "SET", "protected-mode", "no") == "+OK\r\n")
        #expect(try Self.remoteClient(server).request("PING") == "+PONG\r\n")
    }
}
