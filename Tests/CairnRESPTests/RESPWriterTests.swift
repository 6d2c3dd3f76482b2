import CairnRESP
import Testing

/// Golden bytes for every kind, in both protocols. The RESP3 lines, the
/// RESP2 downgrades, `%.17g`, `-nan`, and the CR/LF-to-space sanitizing were
/// checked against redis-server 7.0.15 (ZSCORE `0.1` -> `$19\r\n0.10000000000000001`
/// and `,0.10000000000000001`; Lua `{double=1/0}` -> `$3\r\ninf` / `,inf`,
/// `{double=-1/0}` -> `,-inf`, `{double=0/0}` -> `$4\r\n-nan` / `,-nan`,
/// `{big_number='123'}` -> `$3\r\n123` / `(123`, `true` -> `:1` / `#t`,
/// `{err='x\r\ny'}` -> `-x  y`, `{ok='x\r\ny'}` -> `+x  y`, GET missing -> `_` in RESP3).
@Suite struct RESPWriterTests {
    private func encode(_ version: RESPVersion, _ write: (inout RESPWriter) -> Void) -> String {
        var writer = RESPWriter(version: version)
        write(&writer)
        return String(decoding: writer.buffer, as: UTF8.self)
    }

    private func both(_ write: (inout RESPWriter) -> Void) -> [String] {
        [encode(.resp2, write), encode(.resp3, write)]
    }

    @Test func lines() {
        #expect(both { $0.simpleString("OK") } == ["+OK\r\n", "+OK\r\n"])
        #expect(both { $0.simpleString("a\r\nb") } == ["+a  b\r\n", "+a  b\r\n"])
        #expect(both { $0.errorLine("ERR syntax error") } == ["-ERR syntax error\r\n", "-ERR syntax error\r\n"])
        #expect(both { $0.errorLine("\r\nERR x\ry\n\r\n") } == ["-ERR x y\r\n", "-ERR x y\r\n"])
        #expect(both { $0.protocolError(RESPProtocolError("Protocol error: invalid bulk length")) }
            == ["-ERR Protocol error: invalid bulk length\r\n", "-ERR Protocol error: invalid bulk length\r\n"])
    }

    @Test func integers() {
        #expect(both { $0.integer(0) } == [":0\r\n", ":0\r\n"])
        #expect(both { $0.integer(-1) } == [":-1\r\n", ":-1\r\n"])
        #expect(both { $0.integer(.max) } == [":9223372036854775807\r\n", ":9223372036854775807\r\n"])
        #expect(both { $0.integer(.min) } == [":-9223372036854775808\r\n", ":-9223372036854775808\r\n"])
    }

    @Test func bulks() {
        #expect(both { $0.bulk("") } == ["$0\r\n\r\n", "$0\r\n\r\n"])
        var writer = RESPWriter(version: .resp2)
        writer.bulk([0, 0x0D, 0x0A, 0xFF])
        #expect(writer.buffer == Array("$4\r\n".utf8) + [0, 0x0D, 0x0A, 0xFF, 0x0D, 0x0A])
    }

    @Test func nulls() {
        #expect(both { $0.null() } == ["$-1\r\n", "_\r\n"])
        #expect(both { $0.nullArray() } == ["*-1\r\n", "_\r\n"])
    }

    @Test func aggregateHeaders() {
        #expect(both { $0.arrayHeader(count: 3) } == ["*3\r\n", "*3\r\n"])
        #expect(both { $0.arrayHeader(count: 0) } == ["*0\r\n", "*0\r\n"])
        #expect(both { $0.mapHeader(count: 2) } == ["*4\r\n", "%2\r\n"])
        #expect(both { $0.setHeader(count: 2) } == ["*2\r\n", "~2\r\n"])
        #expect(both { $0.pushHeader(count: 3) } == ["*3\r\n", ">3\r\n"])
    }

    @Test func doubles() {
        #expect(both { $0.double(0.1) } == ["$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"])
        #expect(both { $0.double(1.5) } == ["$3\r\n1.5\r\n", ",1.5\r\n"])
        #expect(both { $0.double(3) } == ["$1\r\n3\r\n", ",3\r\n"])
        #expect(both { $0.double(-0.0) } == ["$2\r\n-0\r\n", ",-0\r\n"])
        #expect(both { $0.double(1e21) } == ["$5\r\n1e+21\r\n", ",1e+21\r\n"])
        #expect(both { $0.double(1e300) } == ["$23\r\n1.0000000000000001e+300\r\n", ",1.0000000000000001e+300\r\n"])
        #expect(both { $0.double(.infinity) } == ["$3\r\ninf\r\n", ",inf\r\n"])
        #expect(both { $0.double(-.infinity) } == ["$4\r\n-inf\r\n", ",-inf\r\n"])
        #expect(both { $0.double(.nan) } == ["$3\r\nnan\r\n", ",nan\r\n"])
        #expect(both { $0.double(-Double.nan) } == ["$4\r\n-nan\r\n", ",-nan\r\n"])
    }

    @Test func booleans() {
        #expect(both { $0.boolean(true) } == [":1\r\n", "#t\r\n"])
        #expect(both { $0.boolean(false) } == [":0\r\n", "#f\r\n"])
    }

    @Test func bigNumbers() {
        #expect(both { $0.bigNumber("3492890328409238509324850943850943825024385") }
            == ["$43\r\n3492890328409238509324850943850943825024385\r\n", "(3492890328409238509324850943850943825024385\r\n"])
    }

    @Test func verbatim() {
        #expect(both { $0.verbatim(format: "txt", text: Array("Some string".utf8)) }
            == ["$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"])
        // addReplyVerbatim pads a short extension with spaces and keeps three bytes.
        #expect(encode(.resp3) { $0.verbatim(format: "md", text: Array("# x".utf8)) } == "=7\r\nmd :# x\r\n")
        #expect(encode(.resp3) { $0.verbatim(format: "markdown", text: []) } == "=4\r\nmar:\r\n")
    }

    @Test func appendsToAnExistingBuffer() {
        var writer = RESPWriter(version: .resp3, buffer: Array("+A\r\n".utf8))
        writer.integer(7)
        #expect(String(decoding: writer.buffer, as: UTF8.self) == "+A\r\n:7\r\n")
    }
}
