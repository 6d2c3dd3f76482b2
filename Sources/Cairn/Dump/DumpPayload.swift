/// The bytes of `DUMP` and `RESTORE` (cluster.c `createDumpPayload`,
/// `verifyDumpPayload`): an RDB object type byte, the RDB value, the RDB
/// version (2 bytes LE, 10 for Redis 7.0) and a CRC-64 of everything before
/// it (8 bytes LE).
///
/// Cairn writes the simple RDB forms Redis 7.0 still loads: strings as
/// RDB_TYPE_STRING (small integers in the INT8/16/32 encodings, as Redis),
/// lists as RDB_TYPE_LIST, intsets as RDB_TYPE_SET_INTSET, other sets as
/// RDB_TYPE_SET, hashes as RDB_TYPE_HASH, sorted sets as RDB_TYPE_ZSET_2.
/// No string is LZF-compressed (Redis reads raw strings as well).
///
/// Cairn reads every object type Redis 7.0 loads except modules, streams
/// and Redis 2.4 zipmaps: the forms above, plus RDB_TYPE_ZSET (text
/// scores), the listpack forms redis-server 7.0 itself writes (hash and
/// sorted set listpacks, RDB_TYPE_LIST_QUICKLIST_2 with packed and plain
/// nodes) and the ziplist forms of earlier versions; strings in any RDB
/// string encoding (raw, INT8/16/32, LZF).
enum DumpPayload {
    static let rdbVersion: UInt16 = 10

    enum RDBType {
        static let string: UInt8 = 0, list: UInt8 = 1, set: UInt8 = 2, zset: UInt8 = 3, hash: UInt8 = 4, zset2: UInt8 = 5
        static let listZiplist: UInt8 = 10, zsetZiplist: UInt8 = 12, hashZiplist: UInt8 = 13, listQuicklist: UInt8 = 14
        static let setIntset: UInt8 = 11, hashListpack: UInt8 = 16, zsetListpack: UInt8 = 17, listQuicklist2: UInt8 = 18
    }

    // MARK: Writing

    static func encode(_ value: Value) -> [UInt8] {
        var writer = RDBWriter()
        appendObject(value, to: &writer)
        writer.littleEndian(UInt64(rdbVersion), 2)
        writer.littleEndian(CRC64.checksum(writer.bytes), 8)
        return writer.bytes
    }

    /// The RDB object of `value`: its type byte and RDB value, what DUMP
    /// puts before its footer and a snapshot record after its key.
    static func appendObject(_ value: Value, to writer: inout RDBWriter) {
        switch value {
        case .string(let string):
            writer.bytes.append(RDBType.string)
            writer.string(string)
        case .list(let list):
            writer.bytes.append(RDBType.list)
            writer.length(list.count)
            list.forEach(in: 0..<list.count) { _, element in
                writer.string(element)
                return true
            }
        case .set(let set):
            if set.isIntset {
                writer.bytes.append(RDBType.setIntset)
                writer.string(ByteString(intsetBlob(set.members.compactMap(\.integerValue))))
            } else {
                writer.bytes.append(RDBType.set)
                writer.length(set.count)
                set.forEach { writer.string($0) }
            }
        case .hash(let hash):
            writer.bytes.append(RDBType.hash)
            writer.length(hash.count)
            hash.forEach { field, fieldValue in
                writer.string(field)
                writer.string(fieldValue)
            }
        case .zset(let zset):
            writer.bytes.append(RDBType.zset2)
            writer.length(zset.count)
            zset.forEach { member, score in
                writer.string(member)
                writer.littleEndian(score.bitPattern, 8)
            }
        }
    }

    /// An intset of ascending `values` in the narrowest width that holds them all.
    static func intsetBlob(_ values: [Int64]) -> [UInt8] {
        let width = values.contains { $0 < Int32.min || $0 > Int32.max } ? 8
            : values.contains { $0 < Int16.min || $0 > Int16.max } ? 4 : 2
        var writer = RDBWriter()
        writer.littleEndian(UInt64(width), 4)
        writer.littleEndian(UInt64(values.count), 4)
        for value in values { writer.littleEndian(UInt64(bitPattern: value), width) }
        return writer.bytes
    }

    // MARK: Reading

    /// `verifyDumpPayload`: at least the footer, a version Redis 7.0 knows,
    /// and a matching CRC-64.
    static func verify(_ payload: [UInt8]) -> Bool {
        guard payload.count >= 10 else { return false }
        let footer = payload.count - 10
        let version = payload.littleEndianValue(at: footer, count: 2)
        guard version <= UInt64(rdbVersion) else { return false }
        return CRC64.checksum(payload[0..<(payload.count - 8)]) == payload.littleEndianValue(at: footer + 2, count: 8)
    }

    /// The value a verified payload holds (`rdbLoadObjectType` +
    /// `rdbLoadObject`), encoded as Redis's loader would under `limits`.
    /// Only the bytes before the footer are read.
    static func decode(_ payload: [UInt8], limits: EncodingLimits) throws(RDBFormatError) -> Value {
        var reader = RDBReader(payload, end: payload.count - 10)
        return try decodeObject(&reader, limits: limits)
    }

    /// Reads one RDB object (type byte and value) at the reader's offset and
    /// leaves the reader just past it: DUMP's payload before its footer, or
    /// the object that ends a snapshot record.
    static func decodeObject(_ reader: inout RDBReader, limits: EncodingLimits) throws(RDBFormatError) -> Value {
        let type = try reader.byte()
        let value: Value
        switch type {
        case RDBType.string:
            value = .string(try reader.storedString())
        case RDBType.list:
            let count = try reader.count(minimumBytes: 1)
            var elements: [ByteString] = []
            for _ in 0..<count { elements.append(try reader.byteString()) }
            value = .list(try nonEmpty(ListObject(elements)))
        case RDBType.listQuicklist2, RDBType.listQuicklist:
            value = .list(try quicklist(&reader, ziplistNodes: type == RDBType.listQuicklist))
        case RDBType.listZiplist:
            value = .list(try nonEmpty(ListObject(try Ziplist.elements(try reader.string()[...]).map { ByteString($0) })))
        case RDBType.set:
            let count = try reader.count(minimumBytes: 1)
            var members: [ByteString] = []
            for _ in 0..<count { members.append(try reader.byteString()) }
            value = .set(try set(members, limits: limits))
        case RDBType.setIntset:
            let values = try IntSetBlob.values(try reader.string()[...])
            value = .set(try set(values.map { ByteString(integer: $0) }, limits: limits))
        case RDBType.hash:
            let count = try reader.count(minimumBytes: 2)
            var pairs: [ByteString] = []
            pairs.reserveCapacity(2 * count)
            for _ in 0..<(2 * count) { pairs.append(try reader.byteString()) }
            value = .hash(try hash(pairs, limits: limits))
        case RDBType.hashListpack, RDBType.hashZiplist:
            let blob = try reader.string()[...]
            let elements = type == RDBType.hashZiplist ? try Ziplist.elements(blob) : try Listpack.elements(blob)
            guard elements.count % 2 == 0 else { throw RDBFormatError(reason: "odd listpack hash") }
            value = .hash(try hash(elements.map { ByteString($0) }, limits: limits))
        case RDBType.zset, RDBType.zset2:
            let count = try reader.count(minimumBytes: type == RDBType.zset ? 2 : 9)
            var elements: [(member: ByteString, score: Double)] = []
            for _ in 0..<count {
                let member = try reader.byteString()
                let score = type == RDBType.zset ? try reader.textDouble() : try reader.binaryDouble()
                elements.append((member, score))
            }
            value = .zset(try zset(elements, limits: limits))
        case RDBType.zsetListpack, RDBType.zsetZiplist:
            let blob = try reader.string()[...]
            let flat = type == RDBType.zsetZiplist ? try Ziplist.elements(blob) : try Listpack.elements(blob)
            guard flat.count % 2 == 0 else { throw RDBFormatError(reason: "odd listpack zset") }
            var elements: [(member: ByteString, score: Double)] = []
            for index in stride(from: 0, to: flat.count, by: 2) {
                guard let score = Numbers.parseDouble(flat[index + 1]) else { throw RDBFormatError(reason: "bad score") }
                elements.append((ByteString(flat[index]), score))
            }
            value = .zset(try zset(elements, limits: limits))
        default:
            // Modules, streams and zipmaps (Redis 2.4 hashes).
            throw RDBFormatError(reason: "unsupported RDB type \(type)")
        }
        return value
    }
}
