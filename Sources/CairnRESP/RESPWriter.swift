#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The RESP protocol a connection speaks (`HELLO 2` / `HELLO 3`).
public enum RESPVersion: Int, Sendable, Hashable {
    case resp2 = 2
    case resp3 = 3
}

/// Encodes replies into a byte buffer exactly as Redis 7.0.15's `addReply*`
/// functions in networking.c do, for RESP2 or RESP3.
///
/// Aggregates are written as a header followed by their elements, so a
/// caller streams nested replies without building them first:
///
/// ```swift
/// var writer = RESPWriter(version: .resp2)
/// writer.mapHeader(count: 1)        // "*2\r\n" in RESP2, "%1\r\n" in RESP3
/// writer.bulk(Array("field".utf8))
/// writer.double(1.5)                // "$3\r\n1.5\r\n" in RESP2, ",1.5\r\n" in RESP3
/// send(writer.buffer)
/// ```
public struct RESPWriter: Sendable {
    public var version: RESPVersion
    /// The encoded bytes; the caller sends and clears them.
    public var buffer: [UInt8]

    public init(version: RESPVersion, buffer: [UInt8] = []) {
        self.version = version
        self.buffer = buffer
    }

    // MARK: Lines

    /// `addReplyStatusLength`: `+text\r\n`. A CR or LF inside becomes a space
    /// (Redis's `sdsmapchars(s, "\r\n", "  ")`), so a reply can never break
    /// the framing.
    public mutating func simpleString(_ text: some Collection<UInt8>) {
        buffer.append(UInt8(ascii: "+"))
        appendSanitized(text[...])
        appendCRLF()
    }

    public mutating func simpleString(_ text: String) { simpleString(text.utf8) }

    /// An error line, given without its `-`: `errorLine("ERR syntax error")`
    /// writes `-ERR syntax error\r\n`. As `addReplyErrorFormat` does, CR and
    /// LF are trimmed from both ends and the ones left inside become spaces.
    public mutating func errorLine(_ line: some Collection<UInt8>) {
        let text = Array(line)
        var start = 0, end = text.count
        while start < end && (text[start] == 0x0D || text[start] == 0x0A) { start += 1 }
        while end > start && (text[end - 1] == 0x0D || text[end - 1] == 0x0A) { end -= 1 }
        buffer.append(UInt8(ascii: "-"))
        appendSanitized(text[start..<end])
        appendCRLF()
    }

    public mutating func errorLine(_ line: String) { errorLine(line.utf8) }

    /// The reply to a malformed request: `-ERR Protocol error: ...\r\n`.
    public mutating func protocolError(_ error: RESPProtocolError) {
        errorLine(Array("ERR ".utf8) + error.message)
    }

    /// `addReplyLongLong`: `:n\r\n`.
    public mutating func integer(_ value: Int64) {
        appendPrefixed(UInt8(ascii: ":"), value)
    }

    /// `addReplyBulkCBuffer`: `$len\r\nbytes\r\n`; binary safe.
    public mutating func bulk(_ bytes: some Collection<UInt8>) {
        appendPrefixed(UInt8(ascii: "$"), Int64(bytes.count))
        buffer.append(contentsOf: bytes)
        appendCRLF()
    }

    public mutating func bulk(_ text: String) { bulk(text.utf8) }

    /// `addReplyNull`: `$-1\r\n` (a null bulk) in RESP2, `_\r\n` in RESP3.
    public mutating func null() {
        append(version == .resp2 ? "$-1\r\n" : "_\r\n")
    }

    /// `addReplyNullArray`: `*-1\r\n` in RESP2; RESP3 has one null, `_\r\n`.
    public mutating func nullArray() {
        append(version == .resp2 ? "*-1\r\n" : "_\r\n")
    }

    /// `addReplyDouble`. RESP3: `,%.17g\r\n` (`,inf`, `,-inf`, `,nan`).
    /// RESP2: a bulk string of the same `%.17g` text (`inf`, `-inf`).
    public mutating func double(_ value: Double) {
        let text: [UInt8]
        if value.isInfinite {
            // Redis spells infinities itself rather than trust libc.
            text = Array((value > 0 ? "inf" : "-inf").utf8)
        } else {
            text = formatG17(value)
        }
        if version == .resp2 {
            bulk(text)
        } else {
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: text)
            appendCRLF()
        }
    }

    /// `addReplyBool`: `#t\r\n` / `#f\r\n` in RESP3, `:1` / `:0` in RESP2.
    public mutating func boolean(_ value: Bool) {
        if version == .resp2 {
            integer(value ? 1 : 0)
        } else {
            append(value ? "#t\r\n" : "#f\r\n")
        }
    }

    /// `addReplyBigNum`: `(digits\r\n` in RESP3, a bulk string in RESP2.
    public mutating func bigNumber(_ digits: some Collection<UInt8>) {
        if version == .resp2 {
            bulk(digits)
        } else {
            buffer.append(UInt8(ascii: "("))
            buffer.append(contentsOf: digits)
            appendCRLF()
        }
    }

    public mutating func bigNumber(_ digits: String) { bigNumber(digits.utf8) }

    /// `addReplyVerbatim`: `=len\r\nfmt:text\r\n` in RESP3, where `fmt` is the
    /// format's first three bytes padded with spaces (`"txt"`, `"md "`) and
    /// `len` counts those four extra bytes; in RESP2 a bulk of the text only.
    public mutating func verbatim(format: some Collection<UInt8>, text: some Collection<UInt8>) {
        if version == .resp2 {
            bulk(text)
            return
        }
        appendPrefixed(UInt8(ascii: "="), Int64(text.count + 4))
        // The C code reads `ext` as a NUL-terminated string.
        var extensionBytes = Array(format.prefix { $0 != 0 }.prefix(3))
        while extensionBytes.count < 3 { extensionBytes.append(0x20) }
        buffer.append(contentsOf: extensionBytes)
        buffer.append(UInt8(ascii: ":"))
        buffer.append(contentsOf: text)
        appendCRLF()
    }

    public mutating func verbatim(format: String, text: some Collection<UInt8>) {
        verbatim(format: format.utf8, text: text)
    }

    // MARK: Aggregate headers (the elements follow)

    /// `addReplyArrayLen`: `*count\r\n`.
    public mutating func arrayHeader(count: Int) {
        appendPrefixed(UInt8(ascii: "*"), Int64(count))
    }

    /// `addReplyMapLen`: `%pairs\r\n` in RESP3; a flat `*(2 * pairs)\r\n` in RESP2.
    /// Write `2 * pairs` elements after it, keys and values alternating.
    public mutating func mapHeader(count pairs: Int) {
        if version == .resp2 {
            appendPrefixed(UInt8(ascii: "*"), Int64(pairs) * 2)
        } else {
            appendPrefixed(UInt8(ascii: "%"), Int64(pairs))
        }
    }

    /// `addReplySetLen`: `~count\r\n` in RESP3, `*count\r\n` in RESP2.
    public mutating func setHeader(count: Int) {
        appendPrefixed(UInt8(ascii: version == .resp2 ? "*" : "~"), Int64(count))
    }

    /// `addReplyPushLen`: `>count\r\n` in RESP3. Redis sends RESP2 clients
    /// their pushes (pub/sub messages) as plain arrays, `*count\r\n`.
    public mutating func pushHeader(count: Int) {
        appendPrefixed(UInt8(ascii: version == .resp2 ? "*" : ">"), Int64(count))
    }

    // MARK: Bytes

    private mutating func appendCRLF() {
        buffer.append(0x0D)
        buffer.append(0x0A)
    }

    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    /// `addReplyLongLongWithPrefix`: prefix, decimal, CRLF.
    private mutating func appendPrefixed(_ prefix: UInt8, _ value: Int64) {
        buffer.append(prefix)
        appendDecimal(value)
        appendCRLF()
    }

    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Digits are appended least significant first, then flipped in place.
        let start = buffer.count
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        buffer[start...].reverse()
    }

    private mutating func appendSanitized(_ text: some Collection<UInt8>) {
        for byte in text {
            buffer.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte)
        }
    }
}

/// `snprintf("%.17g")`, the libc formatting Redis uses for doubles (so NaN
/// is `nan` or `-nan` as glibc prints it).
func formatG17(_ value: Double) -> [UInt8] {
    var scratch = [CChar](repeating: 0, count: 64)
    let length = withVaList([value]) { vsnprintf(&scratch, scratch.count, "%.17g", $0) }
    return scratch[0..<Int(max(0, min(length, Int32(scratch.count - 1))))].map { UInt8(bitPattern: $0) }
}
