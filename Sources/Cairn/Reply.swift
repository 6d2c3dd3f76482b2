/// A command's reply, in RESP3's vocabulary but free of protocol code.
///
/// The RESP encoder (CairnRESP) maps it to RESP2 or RESP3 as Redis does:
/// `.map` becomes a flat array in RESP2, `.double` a bulk string, `.null` a
/// null bulk (`$-1`) and `.nullArray` a null array (`*-1`), `.boolean` an
/// integer, `.set` and `.push` arrays.
public indirect enum Reply: Sendable, Equatable {
    case simple(String)
    /// The whole error line without the leading `-`, e.g. `ERR syntax error`
    /// or `WRONGTYPE Operation against a key holding the wrong kind of value`.
    case error(String)
    case integer(Int64)
    case bulk(Bytes)
    case null
    case nullArray
    case array([Reply])
    case map([Reply])  // key, value, key, value, ...
    case set([Reply])
    case double(Double)
    case boolean(Bool)
    case bigNumber(String)
    case verbatim(format: String, text: Bytes)
    case push([Reply])

    public static let ok = Reply.simple("OK")

    /// A bulk reply holding a string's bytes.
    static func bulk(_ string: ByteString) -> Reply { .bulk(string.bytes) }

    /// A bulk reply holding UTF-8 text.
    static func bulk(text: String) -> Reply { .bulk(Array(text.utf8)) }

    public var isError: Bool {
        if case .error = self { return true }
        return false
    }
}
