import CairnRESP
import Testing

/// The request parser against Redis 7.0.15's networking.c.
///
/// Checked against a real redis-server 7.0.15 (port 7411, raw bytes over a
/// socket) and asserted below with the same bytes:
/// - `*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n` -> two PONGs (bytes after a payload unchecked);
/// - `*1\r\n*1\r\n...` -> "expected '$', got '*'"; `*1\r\n\r\n` -> "got ' '"; `*1\r\n\xff\r\n` -> "got '\xff'";
/// - `$-1`, `$abc`, `$01`, `$+4`, `$536870913` -> "invalid bulk length"; `$536870912` waits;
/// - `*abc`, `*`, `*+1`, `*1 `, `*2147483648`, `*1\n$4\r\n` -> "invalid multibulk length";
///   `*2147483647` and `*1073741825` wait (7.0.15 checks INT_MAX, not 1024^3);
/// - `*0`, `*-5`, `*-1`, `\r\n`, `\n`, blank lines are skipped;
/// - `SET a "b` and `SET a 'b'c` -> "unbalanced quotes in request";
/// - `PING\0` + 70000 bytes -> "too big inline request"; `*1\0\r\n` waits forever;
///   `*` + 65540 digits -> "too big mbulk count string"; `$` + 65540 digits -> "too big bulk count string";
/// - with requirepass set: `*11` -> "unauthenticated multibulk length" (also after `*-100`),
///   `$16385` -> "unauthenticated bulk length", `*10` / `$16384` accepted,
///   and `AUTH pw` earlier in the same pipeline lifts both limits for what follows;
/// - every error reply is `-ERR <message>\r\n` and the connection is then closed.
@Suite struct RequestParserTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private func command(_ words: String...) -> RESPParseResult { .command(words.map { Array($0.utf8) }) }
    private func error(_ message: String) -> RESPParseResult { .protocolError(RESPProtocolError(message)) }
    private func parse(_ text: String, limits: RESPLimits = RESPLimits()) -> [RESPParseResult] {
        RESPRequestParser.parseAll(bytes(text), limits: limits)
    }

    /// Feeds `stream` in the given pieces, draining results after each.
    private func parse(pieces: [ArraySlice<UInt8>]) -> [RESPParseResult] {
        var parser = RESPRequestParser()
        var results: [RESPParseResult] = []
        for piece in pieces {
            parser.append(piece)
            while let result = parser.next() { results.append(result) }
        }
        return results
    }

    /// Multibulk and inline mixed, binary payloads holding NUL, CR, LF and
    /// `*`/`$`, empty requests in between, a quoted inline argument.
    private static let pipeline: [UInt8] = {
        var stream: [UInt8] = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$7\r\n".utf8) + [0, 0x0D, 0x0A, 0x2A, 0x24, 0x0A, 0xFF] + [0x0D, 0x0A]
        stream += Array("PING\r\n\r\n*0\r\n  GET  \"k\\x00\"\n*-1\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\nQUIT\r\n".utf8)
        return stream
    }()

    private static let pipelineCommands: [RESPParseResult] = [
        .command([Array("SET".utf8), Array("k".utf8), [0, 0x0D, 0x0A, 0x2A, 0x24, 0x0A, 0xFF]]),
        .command([Array("PING".utf8)]),
        .command([Array("GET".utf8), [UInt8(ascii: "k"), 0]]),
        .command([Array("ECHO".utf8), []]),
        .command([Array("QUIT".utf8)]),
    ]

    @Test func pipelineParsesWhole() {
        #expect(RESPRequestParser.parseAll(Self.pipeline) == Self.pipelineCommands)
    }

    @Test func everySplitPointGivesTheSameCommands() {
        let stream = Self.pipeline
        for split in 0...stream.count {
            let results = parse(pieces: [stream[..<split], stream[split...]])
            #expect(results == Self.pipelineCommands, "split at \(split)")
        }
    }

    @Test func byteAtATimeGivesTheSameCommands() {
        let stream = Self.pipeline
        #expect(parse(pieces: stream.indices.map { stream[$0...$0] }) == Self.pipelineCommands)
    }

    @Test func requestsWaitForTheirLastByte() {
        var parser = RESPRequestParser()
        parser.append(bytes("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r"))
        #expect(parser.next() == nil)
        parser.append([0x0A])
        #expect(parser.next() == command("ECHO", "abc"))
        parser.append(bytes("PING"))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == 4)
    }

    @Test func redisQuirksAreKept() {
        // The two bytes after a payload are skipped whatever they are.
        #expect(parse("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n") == [command("PING"), command("PING")])
        // `\r` ends a count line; the next byte is skipped unchecked.
        #expect(parse("*1\rX$4\rYPING\r\n") == [command("PING")])
        // Empty requests are skipped.
        #expect(parse("*0\r\n*-5\r\n*-1\r\n\r\n\n   \r\n\t\nPING\r\n") == [command("PING")])
        // An inline line ends at `\n` alone too; `\r` before it is dropped.
        #expect(parse("GET a\nGET b\r\n") == [command("GET", "a"), command("GET", "b")])
    }

    @Test func nulBeforeALineEndMeansTheLineNeverEnds() {
        // Redis finds line ends with strchr, which stops at NUL.
        #expect(parse("*1\0\r\n$4\r\nPING\r\n").isEmpty)
        #expect(parse("PING\0\r\nPING\r\n").isEmpty)
        #expect(RESPRequestParser.parseAll(bytes("PING\0") + Array(repeating: 0x41, count: 70000))
            == [error("Protocol error: too big inline request")])
    }

    @Test(arguments: [
        ("*1\r\n*1\r\n$4\r\nPING\r\n", "Protocol error: expected '$', got '*'"),
        ("*1\r\n\r\n", "Protocol error: expected '$', got ' '"),
        ("*1\r\n\n\r\n", "Protocol error: expected '$', got ' '"),
        ("*2\r\n$4\r\nECHO\r\n:1\r\n", "Protocol error: expected '$', got ':'"),
        ("*1\r\n$-1\r\n", "Protocol error: invalid bulk length"),
        ("*1\r\n$abc\r\n", "Protocol error: invalid bulk length"),
        ("*1\r\n$01\r\n", "Protocol error: invalid bulk length"),
        ("*1\r\n$+4\r\n", "Protocol error: invalid bulk length"),
        ("*1\r\n$\r\n", "Protocol error: invalid bulk length"),
        ("*1\r\n$536870913\r\n", "Protocol error: invalid bulk length"),
        ("*1\r\n$99999999999999999999\r\n", "Protocol error: invalid bulk length"),
        ("*abc\r\n", "Protocol error: invalid multibulk length"),
        ("*\r\n", "Protocol error: invalid multibulk length"),
        ("*+1\r\n", "Protocol error: invalid multibulk length"),
        ("*1 \r\n", "Protocol error: invalid multibulk length"),
        ("*2147483648\r\n", "Protocol error: invalid multibulk length"),
        ("*1\n$4\r\nPING\r\n", "Protocol error: invalid multibulk length"),
        ("SET a \"b\r\n", "Protocol error: unbalanced quotes in request"),
        ("SET a 'b'c\r\n", "Protocol error: unbalanced quotes in request"),
        ("PING\r\nSET a \"b\\\"\r\n", "Protocol error: unbalanced quotes in request"),
    ])
    func malformedRequests(input: String, message: String) {
        let results = parse(input)
        #expect(results.last == error(message))
    }

    @Test func commandsBeforeAnErrorAreDelivered() {
        #expect(parse("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n") == [command("PING"), command("ECHO"), error("Protocol error: invalid multibulk length")])
    }

    @Test func hugeButValidDeclarationsWait() {
        #expect(parse("*1\r\n$536870912\r\nabc").isEmpty)
        #expect(parse("*2147483647\r\n$1\r\na\r\n").isEmpty)
        #expect(parse("*1073741825\r\n").isEmpty)
        #expect(parse("*1\r\n$5\r\n", limits: RESPLimits(maxBulkLength: 4)) == [error("Protocol error: invalid bulk length")])
    }

    @Test func oversizedLines() {
        let longLine = Array(repeating: UInt8(ascii: "A"), count: 65536)
        // The end may sit at most 64 KiB in (Redis reading a byte at a time).
        #expect(RESPRequestParser.parseAll(longLine + [0x0A]) == [.command([longLine])])
        #expect(RESPRequestParser.parseAll(longLine + [0x41, 0x0A]) == [error("Protocol error: too big inline request")])
        // Without an end, the error comes once more than 64 KiB are waiting.
        var parser = RESPRequestParser()
        parser.append(longLine)
        #expect(parser.next() == nil)
        parser.append([0x41])
        #expect(parser.next() == error("Protocol error: too big inline request"))
        let digits = Array(repeating: UInt8(ascii: "1"), count: 65540)
        #expect(RESPRequestParser.parseAll([UInt8(ascii: "*")] + digits) == [error("Protocol error: too big mbulk count string")])
        #expect(RESPRequestParser.parseAll(bytes("*1\r\n$") + digits) == [error("Protocol error: too big bulk count string")])
    }

    @Test func unauthenticatedLimits() {
        let anonymous = RESPLimits(authenticated: false)
        #expect(parse("*11\r\n", limits: anonymous) == [error("Protocol error: unauthenticated multibulk length")])
        #expect(parse("*-100\r\n*12\r\n", limits: anonymous) == [error("Protocol error: unauthenticated multibulk length")])
        #expect(parse("*1\r\n$16385\r\n", limits: anonymous) == [error("Protocol error: unauthenticated bulk length")])
        #expect(parse("*10\r\n$16384\r\n", limits: anonymous).isEmpty)
        // Malformed beats unauthenticated, as in Redis.
        #expect(parse("*1\r\n$536870913\r\n", limits: anonymous) == [error("Protocol error: invalid bulk length")])
        // Inline requests have no argument limit.
        #expect(parse("A B C D E F G H I J K L\r\n", limits: anonymous).count == 1)
    }

    @Test func authenticatingMidPipelineLiftsTheLimits() {
        var parser = RESPRequestParser(limits: RESPLimits(authenticated: false))
        parser.append(bytes("AUTH pw\r\n*11\r\n"))
        #expect(parser.next() == command("AUTH", "pw"))
        parser.limits.authenticated = true
        #expect(parser.next() == nil)
        #expect(parser.protocolError == nil)
    }

    @Test func aFailedParserStaysFailed() {
        var parser = RESPRequestParser()
        parser.append(bytes("*x\r\nPING\r\n"))
        #expect(parser.next() == error("Protocol error: invalid multibulk length"))
        #expect(parser.next() == nil)
        parser.append(bytes("PING\r\n"))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
        #expect(parser.protocolError == RESPProtocolError("Protocol error: invalid multibulk length"))
    }

    @Test func nonUTF8ByteIsQuotedAsIs() {
        let results = RESPRequestParser.parseAll(bytes("*1\r\n") + [0xFF] + bytes("\r\n"))
        #expect(results == [.protocolError(RESPProtocolError(message: bytes("Protocol error: expected '$', got '") + [0xFF, 0x27]))])
    }
}
