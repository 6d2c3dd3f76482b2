import Cairn
import CairnRESP
import CairnServer
import Testing

/// `Reply.write(to:)` in both protocols: each case lands on the RESPWriter
/// call Redis's matching `addReply*` would make.
@Suite struct ReplyEncodingTests {
    private func encode(_ reply: Reply, _ version: RESPVersion) -> String {
        var writer = RESPWriter(version: version)
        reply.write(to: &writer)
        return String(decoding: writer.buffer, as: UTF8.self)
    }

    private func bytes(_ text: String) -> Bytes { Array(text.utf8) }

    @Test func scalarsAreTheSameInBothProtocols() {
        for version in [RESPVersion.resp2, .resp3] {
            #expect(encode(.ok, version) == "+OK\r\n")
            #expect(encode(.error("ERR syntax error"), version) == "-ERR syntax error\r\n")
            #expect(encode(.integer(-42), version) == ":-42\r\n")
            #expect(encode(.bulk(bytes("a\r\nb")), version) == "$4\r\na\r\nb\r\n")
            #expect(encode(.bulk([]), version) == "$0\r\n\r\n")
            #expect(encode(.array([]), version) == "*0\r\n")
        }
    }

    @Test func resp2Downgrades() {
        #expect(encode(.null, .resp2) == "$-1\r\n")
        #expect(encode(.nullArray, .resp2) == "*-1\r\n")
        #expect(encode(.map([.bulk(bytes("f")), .integer(1), .bulk(bytes("g")), .null]), .resp2)
            == "*4\r\n$1\r\nf\r\n:1\r\n$1\r\ng\r\n$-1\r\n")
        #expect(encode(.set([.bulk(bytes("m"))]), .resp2) == "*1\r\n$1\r\nm\r\n")
        #expect(encode(.double(1.5), .resp2) == "$3\r\n1.5\r\n")
        #expect(encode(.double(-.infinity), .resp2) == "$4\r\n-inf\r\n")
        #expect(encode(.boolean(true), .resp2) == ":1\r\n")
        #expect(encode(.boolean(false), .resp2) == ":0\r\n")
        #expect(encode(.bigNumber("1234567890123456789012"), .resp2) == "$22\r\n1234567890123456789012\r\n")
        #expect(encode(.verbatim(format: "txt", text: bytes("hi")), .resp2) == "$2\r\nhi\r\n")
        #expect(encode(.push([.bulk(bytes("message")), .integer(0)]), .resp2) == "*2\r\n$7\r\nmessage\r\n:0\r\n")
    }

    @Test func resp3Kinds() {
        #expect(encode(.null, .resp3) == "_\r\n")
        #expect(encode(.nullArray, .resp3) == "_\r\n")
        #expect(encode(.map([.bulk(bytes("f")), .integer(1)]), .resp3) == "%1\r\n$1\r\nf\r\n:1\r\n")
        #expect(encode(.set([.bulk(bytes("m"))]), .resp3) == "~1\r\n$1\r\nm\r\n")
        #expect(encode(.double(0.1), .resp3) == ",0.10000000000000001\r\n")
        #expect(encode(.double(.infinity), .resp3) == ",inf\r\n")
        #expect(encode(.boolean(true), .resp3) == "#t\r\n")
        #expect(encode(.bigNumber("-12"), .resp3) == "(-12\r\n")
        #expect(encode(.verbatim(format: "txt", text: bytes("hi")), .resp3) == "=6\r\ntxt:hi\r\n")
        #expect(encode(.push([.bulk(bytes("message"))]), .resp3) == ">1\r\n$7\r\nmessage\r\n")
    }

    @Test func nestedAggregatesRecurse() {
        let reply = Reply.array([.integer(1), .array([.null, .map([.simple("k"), .double(2)])])])
        #expect(encode(reply, .resp2) == "*2\r\n:1\r\n*2\r\n$-1\r\n*2\r\n+k\r\n$1\r\n2\r\n")
        #expect(encode(reply, .resp3) == "*2\r\n:1\r\n*2\r\n_\r\n%1\r\n+k\r\n,2\r\n")
    }
}
