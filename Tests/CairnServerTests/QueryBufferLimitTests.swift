import Foundation
import Testing
@testable import CairnServer

/// client-query-buffer-limit (Redis's client_max_querybuf_len, 1 GB by
/// default, at least 1 MB): readQueryFromClient closes a client whose
/// unprocessed input passes it ("Closing client that reached max query
/// buffer length") before running anything of it.
@Suite struct QueryBufferLimitTests {
    @Test func aRequestPastTheLimitClosesTheClient() throws {
        let server = try TestServer()
        defer { server.stop() }
        let admin = try server.client()
        #expect(admin.request("CONFIG", "GET", "client-query-buffer-limit").hasSuffix("$10\r\n1073741824\r\n"))
        #expect(admin.request("CONFIG", "SET", "client-query-buffer-limit", "1mb") == "+OK\r\n")
        #expect(admin.request("CONFIG", "GET", "client-query-buffer-limit").hasSuffix("$7\r\n1048576\r\n"))
        let value = String(repeating: "x", count: 5 << 20)

        let big = try server.client()
        big.send(TestClient.encode(["SET", "k", value]))
        #expect(big.reply() == "", "a 5 MB argument under a 1 MB limit was answered")
        #expect(big.isClosed())
        #expect(admin.request("EXISTS", "k") == ":0\r\n")
        #expect(admin.request("INFO", "clients").contains("connected_clients:1\r\n"))

        // Raised above the request's size, the same request is served.
        #expect(admin.request("CONFIG", "SET", "client-query-buffer-limit", "8mb") == "+OK\r\n")
        let next = try server.client()
        #expect(next.request("SET", "k", value) == "+OK\r\n")
        #expect(admin.request("STRLEN", "k") == ":\(5 << 20)\r\n")
    }
}
