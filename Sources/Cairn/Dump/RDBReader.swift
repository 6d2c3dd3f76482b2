/// Why an RDB value could not be read: RESTORE answers "Bad data format"
/// for any of them, as Redis does when `rdbLoadObject` fails.
struct RDBFormatError: Error {
    let reason: String
}

/// A cursor over the bytes of one serialized RDB value (rdb.c's loading
/// side: `rdbLoadLen`, `rdbGenericLoadStringObject`, the double formats).
///
/// Every declared length is a claim checked against the bytes left before
/// anything is allocated, so a hostile payload cannot make the reader
/// allocate more than its own size (LZF output is bounded by the most a
/// compressed run can inflate to).
struct RDBReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    /// A cursor over `bytes[start..<end]`.
    init(_ bytes: [UInt8], start: Int = 0, end: Int) {
        self.bytes = bytes
        self.offset = start
        self.end = end
    }

    var remaining: Int { end - offset }

    mutating func byte() throws(RDBFormatError) -> UInt8 {
        guard offset < end else { throw RDBFormatError(reason: "truncated") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ count: Int) throws(RDBFormatError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw RDBFormatError(reason: "truncated") }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// `count` bytes as an unsigned integer, least significant first.
    mutating func littleEndian(_ count: Int) throws(RDBFormatError) -> UInt64 {
        let field = try take(count)
        return field.littleEndianValue(at: field.startIndex, count: count)
    }

    /// `rdbLoadLenByRef`: either a length, or (top bits 11) a special
    /// string encoding, returned as `encoded`.
    mutating func lengthOrEncoding() throws(RDBFormatError) -> (value: UInt64, encoded: Bool) {
        let first = try byte()
        switch first >> 6 {
        case 0: return (UInt64(first & 0x3F), false)
        case 1: return (UInt64(first & 0x3F) << 8 | UInt64(try byte()), false)
        case 3: return (UInt64(first & 0x3F), true)
        default:
            let width: Int
            switch first {
            case 0x80: width = 4
            case 0x81: width = 8
            default: throw RDBFormatError(reason: "unknown length encoding")
            }
            var value: UInt64 = 0
            for byte in try take(width) { value = value << 8 | UInt64(byte) }  // big-endian
            return (value, false)
        }
    }

    /// A plain length (`rdbLoadLen`).
    mutating func length() throws(RDBFormatError) -> Int {
        let (value, encoded) = try lengthOrEncoding()
        guard !encoded, value <= UInt64(Int.max) else { throw RDBFormatError(reason: "bad length") }
        return Int(value)
    }

    /// A count of items that each take at least `minimumBytes`: checked
    /// against what is left, so it can size nothing it cannot back.
    mutating func count(minimumBytes: Int) throws(RDBFormatError) -> Int {
        let count = try length()
        guard count <= remaining / max(minimumBytes, 1) else { throw RDBFormatError(reason: "count past the payload") }
        return count
    }

    /// `rdbGenericLoadStringObject`: a raw string, an integer stored as
    /// INT8/16/32 (returned as its decimal text), or an LZF-compressed string.
    mutating func string() throws(RDBFormatError) -> [UInt8] {
        let (value, encoded) = try lengthOrEncoding()
        guard encoded else {
            guard value <= UInt64(remaining) else { throw RDBFormatError(reason: "string past the payload") }
            return Array(try take(Int(value)))
        }
        switch value {
        case 0: return decimalBytes(Int64(Int8(truncatingIfNeeded: try littleEndian(1))))
        case 1: return decimalBytes(Int64(Int16(truncatingIfNeeded: try littleEndian(2))))
        case 2: return decimalBytes(Int64(Int32(truncatingIfNeeded: try littleEndian(4))))
        case 3:
            let compressedCount = try length()
            let count = try length()
            // A back reference of 3 input bytes inflates to at most 264 output
            // bytes; no string is longer than proto-max-bulk-len (512 MB).
            guard compressedCount <= remaining, count <= compressedCount * 88, count <= 512 << 20 else {
                throw RDBFormatError(reason: "bad LZF lengths")
            }
            guard let inflated = LZF.decompress(try take(compressedCount), expectedCount: count) else {
                throw RDBFormatError(reason: "invalid LZF compressed string")
            }
            return inflated
        default:
            throw RDBFormatError(reason: "unknown string encoding")
        }
    }

    /// `string()` as a `ByteString`, a raw string built straight from the
    /// payload's bytes (the snapshot loader reads millions of them).
    mutating func byteString() throws(RDBFormatError) -> ByteString {
        let start = offset
        let (value, encoded) = try lengthOrEncoding()
        guard encoded else {
            guard value <= UInt64(remaining) else { throw RDBFormatError(reason: "string past the payload") }
            return ByteString(try take(Int(value)))
        }
        offset = start
        return ByteString(try string())
    }

    /// A string value as the keyspace stores it: `StringCommands.storedString`
    /// (integers in the integer encoding), which only strings of at most 20
    /// bytes can be.
    mutating func storedString() throws(RDBFormatError) -> ByteString {
        let string = try byteString()
        return string.count <= 20 ? StringCommands.storedString(string.bytes) : string
    }

    /// `rdbLoadBinaryDoubleValue` (RDB_TYPE_ZSET_2): 8 bytes, little-endian IEEE 754.
    mutating func binaryDouble() throws(RDBFormatError) -> Double {
        Double(bitPattern: try littleEndian(8))
    }

    /// `rdbLoadDoubleValue` (RDB_TYPE_ZSET): a length byte, 253/254/255 for
    /// NaN/+inf/-inf, else that many bytes of decimal text.
    mutating func textDouble() throws(RDBFormatError) -> Double {
        let count = try byte()
        switch count {
        case 253: return .nan
        case 254: return .infinity
        case 255: return -.infinity
        default:
            let text = Array(try take(Int(count)))
            guard let value = Double(String(decoding: text, as: UTF8.self)) else {
                throw RDBFormatError(reason: "bad double")
            }
            return value
        }
    }
}
