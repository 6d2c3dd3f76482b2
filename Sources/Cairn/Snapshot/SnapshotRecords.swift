/// One key read back from a snapshot.
struct SnapshotEntry {
    var database: Int
    var key: ByteString
    var value: Value
    /// Absolute expiry, Unix ms; nil for a key without a TTL. A time already
    /// past is kept as written: the loader decides what an expired key means.
    var expireAt: Int64?
    /// The record's bytes in the uncompressed body, length field included.
    var recordBytes = 0
}

/// The snapshot body's records (docs/FORMAT.md "Snapshot records"), one per
/// key, back to back in the uncompressed body:
///
/// ```
/// length      RDB length: the bytes of the record after this field
/// database    u8, 0..<16
/// flags       u8, bit 0: an expiry follows; the other bits are 0
/// expireAt    i64 LE, absolute Unix ms, only with flag bit 0
/// key         RDB string
/// object      RDB type byte + RDB value, exactly DUMP's (without its footer)
/// ```
///
/// The length makes every record self-delimiting, so the streaming reader
/// knows how many bytes to gather before it parses one (a record may span
/// any number of LZ4 blocks) and a record that reads fewer or more bytes
/// than it declares is corrupt.
enum SnapshotRecords {
    /// Flag bit 0: the record carries an absolute expiry.
    static let hasExpiry: UInt8 = 1

    /// The smallest record after its length field: database, flags, an
    /// empty key (1 byte) and the smallest object (a type byte and a 1-byte
    /// string).
    static let minimumRecordBytes = 5

    /// Appends one key's record to `body` (the uncompressed body stream).
    ///
    /// Runs on the engine's thread, where values are mutable classes: it
    /// reads `value` now and keeps nothing of it.
    ///
    /// ```swift
    /// var body: Bytes = []
    /// SnapshotRecords.append(database: 0, key: ByteString("k".utf8), value: .string(ByteString("v".utf8)),
    ///                        expireAt: nil, to: &body)
    /// // body == [0x07, 0x00, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76]
    /// ```
    static func append(database: Int, key: ByteString, value: Value, expireAt: Int64?, to body: inout Bytes) {
        precondition(database >= 0 && database < Keyspace.databaseCount, "database \(database) out of range")
        // The writer takes over body's buffer (no copy) and hands it back.
        var writer = RDBWriter()
        swap(&writer.bytes, &body)
        let lengthIndex = writer.bytes.count
        writer.bytes.append(0)  // the length's first byte, patched below
        writer.bytes.append(UInt8(database))
        if let expireAt {
            writer.bytes.append(hasExpiry)
            writer.littleEndian(UInt64(bitPattern: expireAt), 8)
        } else {
            writer.bytes.append(0)
        }
        writer.string(key)
        DumpPayload.appendObject(value, to: &writer)
        writer.patchLength(writer.bytes.count - lengthIndex - 1, at: lengthIndex)
        swap(&writer.bytes, &body)
    }

    /// How many bytes the record starting at `bytes[start]` takes, length
    /// field included, or nil when `bytes[start..<end]` is too short to hold
    /// its length field. A declared length is only a claim: the caller
    /// gathers that many bytes from the body before it calls `decode`.
    static func extent(_ bytes: Bytes, at start: Int, end: Int) throws(RDBFormatError) -> Int? {
        guard start < end else { return nil }
        let fieldBytes: Int
        switch bytes[start] {
        case 0x00...0x3F: fieldBytes = 1
        case 0x40...0x7F: fieldBytes = 2
        case 0x80: fieldBytes = 5
        case 0x81: fieldBytes = 9
        default: throw RDBFormatError(reason: "bad record length encoding 0x\(String(bytes[start], radix: 16))")
        }
        guard end - start >= fieldBytes else { return nil }
        var reader = RDBReader(bytes, start: start, end: start + fieldBytes)
        let length = try reader.length()
        guard length >= minimumRecordBytes else { throw RDBFormatError(reason: "record length \(length) is too short") }
        guard length <= Int.max - fieldBytes else { throw RDBFormatError(reason: "record length \(length) is too long") }
        return fieldBytes + length
    }

    /// The record in `bytes[start..<end]`, exactly one whole record (as
    /// `extent` measured it). Values get the compact encodings `limits`
    /// allow, as RESTORE builds them.
    static func decode(_ bytes: Bytes, start: Int, end: Int, limits: EncodingLimits) throws(RDBFormatError) -> SnapshotEntry {
        var reader = RDBReader(bytes, start: start, end: end)
        let (database, expireAt, key) = try decodeKey(&reader)
        let value = try DumpPayload.decodeObject(&reader, limits: limits)
        guard reader.remaining == 0 else {
            throw RDBFormatError(reason: "\(reader.remaining) bytes left in the record after its value")
        }
        return SnapshotEntry(database: database, key: key, value: value, expireAt: expireAt, recordBytes: end - start)
    }

    /// The database and key of the record starting at `bytes[start]`, read
    /// from its first bytes alone (`end`: where the readable bytes stop),
    /// or nil when they do not hold them: how salvage names a key whose
    /// record runs into damage.
    static func key(_ bytes: Bytes, at start: Int, end: Int) -> (database: Int, key: Bytes)? {
        var reader = RDBReader(bytes, start: start, end: end)
        guard let (database, _, key) = try? decodeKey(&reader) else { return nil }
        return (database, key.bytes)
    }

    /// A record's fields before its value: its length, database, flags,
    /// expiry and key.
    private static func decodeKey(_ reader: inout RDBReader) throws(RDBFormatError)
        -> (database: Int, expireAt: Int64?, key: ByteString) {
        _ = try reader.length()
        let database = Int(try reader.byte())
        guard database < Keyspace.databaseCount else { throw RDBFormatError(reason: "database \(database) out of range") }
        let flags = try reader.byte()
        guard flags & ~hasExpiry == 0 else { throw RDBFormatError(reason: "unknown record flags 0x\(String(flags, radix: 16))") }
        let expireAt = flags & hasExpiry == 0 ? nil : Int64(bitPattern: try reader.littleEndian(8))
        return (database, expireAt, try reader.byteString())
    }
}
