/// The limits a request parser enforces on bytes that come from a client.
///
/// Redis 7.0.15 checks these in `processMultibulkBuffer`: a bulk longer than
/// `proto-max-bulk-len` is "invalid bulk length", and a client that still has
/// to authenticate (`authRequired`) may send at most 10 arguments of at most
/// 16384 bytes each, so an anonymous peer cannot make the server buffer much.
///
/// ```swift
/// var limits = RESPLimits(authenticated: false)   // requirepass is set
/// limits.authenticated = true                     // after a good AUTH
/// ```
public struct RESPLimits: Sendable, Hashable {
    /// `proto-max-bulk-len`: the longest bulk argument accepted (512 MB by default).
    public var maxBulkLength: Int
    /// False while a password is set and the client has not yet passed AUTH
    /// (Redis's `authRequired(c)`); true when no password is configured.
    public var authenticated: Bool

    /// Redis's default `proto-max-bulk-len`, 512 MB.
    public static let defaultMaxBulkLength = 512 * 1024 * 1024
    /// `PROTO_INLINE_MAX_SIZE`: how far the parser looks for a line's end
    /// (inline requests, `*N` and `$N` lines) before giving up.
    public static let inlineMaxSize = 64 * 1024
    /// Arguments an unauthenticated client may send in one multibulk request.
    public static let unauthenticatedMaxArguments = 10
    /// Bytes an unauthenticated client may declare for one bulk argument.
    public static let unauthenticatedMaxBulkLength = 16384

    public init(maxBulkLength: Int = RESPLimits.defaultMaxBulkLength, authenticated: Bool = true) {
        self.maxBulkLength = maxBulkLength
        self.authenticated = authenticated
    }
}

/// A malformed request. The server replies `-ERR <message>` and closes the
/// connection after the reply, as Redis's `setProtocolError` does
/// (`CLIENT_CLOSE_AFTER_REPLY`).
///
/// The message is bytes, not a `String`, because "expected '$', got 'X'"
/// quotes the offending byte as is (Redis formats it with `%c`).
public struct RESPProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error text without the `ERR ` prefix, e.g. `Protocol error: invalid bulk length`.
    public let message: [UInt8]

    public init(message: [UInt8]) { self.message = message }

    public init(_ text: String) { self.message = Array(text.utf8) }

    public var description: String { String(decoding: message, as: UTF8.self) }

    static let tooBigInlineRequest = RESPProtocolError("Protocol error: too big inline request")
    static let unbalancedQuotes = RESPProtocolError("Protocol error: unbalanced quotes in request")
    static let tooBigMultibulkCount = RESPProtocolError("Protocol error: too big mbulk count string")
    static let invalidMultibulkLength = RESPProtocolError("Protocol error: invalid multibulk length")
    static let unauthenticatedMultibulkLength = RESPProtocolError("Protocol error: unauthenticated multibulk length")
    static let tooBigBulkCount = RESPProtocolError("Protocol error: too big bulk count string")
    static let invalidBulkLength = RESPProtocolError("Protocol error: invalid bulk length")
    static let unauthenticatedBulkLength = RESPProtocolError("Protocol error: unauthenticated bulk length")

    /// `addReplyErrorFormat(c, "Protocol error: expected '$', got '%c'", byte)`:
    /// the formatter turns a CR or LF into a space so the reply stays one line.
    static func expectedDollar(got byte: UInt8) -> RESPProtocolError {
        let shown = byte == 0x0D || byte == 0x0A ? 0x20 : byte
        return RESPProtocolError(message: Array("Protocol error: expected '$', got '".utf8) + [shown, UInt8(ascii: "'")])
    }
}

/// One request taken from the stream.
public enum RESPParseResult: Sendable, Hashable {
    /// A command's arguments (never empty: empty requests are skipped).
    case command([[UInt8]])
    /// The stream is malformed; nothing after it will be parsed.
    case protocolError(RESPProtocolError)
}

/// Redis's `string2ll`: strict decimal, no sign but `-`, no leading zeros,
/// no blanks, at most 20 characters, no overflow. The `*N` and `$N` lines are
/// read with it (so `$+4`, `$04` and `$4 ` are all "invalid bulk length").
/// CairnRESP imports nothing from Cairn, hence this copy of `parseInteger`.
func parseRedisInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
    let count = text.count
    guard count > 0, count < 21 else { return nil }
    if count == 1 && text[0] == UInt8(ascii: "0") { return 0 }
    var index = 0
    let negative = text[0] == UInt8(ascii: "-")
    if negative {
        index = 1
        if index == count { return nil }
    }
    guard text[index] >= UInt8(ascii: "1") && text[index] <= UInt8(ascii: "9") else { return nil }
    var magnitude: UInt64 = 0
    while index < count {
        let byte = text[index]
        guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
        let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
        if overflow1 || overflow2 { return nil }
        magnitude = sum
        index += 1
    }
    if negative {
        if magnitude > UInt64(Int64.max) + 1 { return nil }
        return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
    }
    return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
}
