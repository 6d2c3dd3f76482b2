/// Building Cairn's values from loaded RDB elements, with the checks of
/// Redis's `rdbLoadObject`: no empty collection (RDB_LOAD_ERR_EMPTY_KEY),
/// no duplicate set member, hash field or sorted set member, no NaN score.
extension DumpPayload {
    static func nonEmpty(_ list: ListObject) throws(RDBFormatError) -> ListObject {
        guard list.count > 0 else { throw RDBFormatError(reason: "empty key") }
        return list
    }

    /// RDB_TYPE_LIST_QUICKLIST_2: a node count, then per node a container
    /// (1 plain: one element as a string; 2 packed: a listpack). Empty
    /// listpacks are skipped, as Redis does; an empty list is an error.
    /// RDB_TYPE_LIST_QUICKLIST (`ziplistNodes`): no container, ziplist nodes.
    static func quicklist(_ reader: inout RDBReader, ziplistNodes: Bool) throws(RDBFormatError) -> ListObject {
        let nodeCount = try reader.count(minimumBytes: ziplistNodes ? 1 : 2)
        var elements: [ByteString] = []
        for _ in 0..<nodeCount {
            let container = ziplistNodes ? 2 : try reader.length()
            guard container == 1 || container == 2 else { throw RDBFormatError(reason: "quicklist integrity check failed") }
            let data = try reader.string()
            guard !data.isEmpty else { throw RDBFormatError(reason: "empty quicklist node") }
            if container == 1 {
                elements.append(ByteString(data))
            } else {
                let packed = ziplistNodes ? try Ziplist.elements(data[...]) : try Listpack.elements(data[...])
                for element in packed { elements.append(ByteString(element)) }
            }
        }
        return try nonEmpty(ListObject(elements))
    }

    /// A set built member by member as `setTypeAdd` does (intset while the
    /// members are integers and fit `setMaxIntsetEntries`).
    static func set(_ members: [ByteString], limits: EncodingLimits) throws(RDBFormatError) -> SetObject {
        guard let first = members.first else { throw RDBFormatError(reason: "empty key") }
        let set = SetObject(for: first)
        for member in members {
            guard set.add(member, limits: limits) else { throw RDBFormatError(reason: "duplicate set members detected") }
        }
        return set
    }

    /// A hash from alternating fields and values, converted to a table
    /// under the same limits as HSET.
    static func hash(_ flat: [ByteString], limits: EncodingLimits) throws(RDBFormatError) -> HashObject {
        guard !flat.isEmpty else { throw RDBFormatError(reason: "empty key") }
        if flat.count / 2 <= limits.hashMaxListpackEntries {
            // Small enough that comparing fields pairwise beats hashing them.
            for index in stride(from: 2, to: flat.count, by: 2) {
                for earlier in stride(from: 0, to: index, by: 2) where flat[earlier] == flat[index] {
                    throw RDBFormatError(reason: "duplicate hash fields detected")
                }
            }
            if let packed = HashObject.packed(flat, limits: limits) { return packed }
        }
        let hash = HashObject()
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard hash.set(flat[index], flat[index + 1], limits: limits) else {
                throw RDBFormatError(reason: "duplicate hash fields detected")
            }
        }
        return hash
    }

    /// A sorted set, compact when it fits the limits (Redis converts
    /// after loading, "since sorted sets are not stored ordered").
    static func zset(_ elements: [(member: ByteString, score: Double)], limits: EncodingLimits) throws(RDBFormatError) -> SortedSetObject {
        guard !elements.isEmpty else { throw RDBFormatError(reason: "empty key") }
        var seen = Set<ByteString>(minimumCapacity: elements.count)
        for (member, score) in elements {
            guard !score.isNaN else { throw RDBFormatError(reason: "zset with NaN score") }
            guard seen.insert(member).inserted else { throw RDBFormatError(reason: "duplicate zset fields detected") }
        }
        return SortedSetObject(elements, limits: limits)
    }
}

/// Appends RDB lengths and strings (`rdbSaveLen`, `rdbSaveRawString`).
struct RDBWriter {
    var bytes: [UInt8] = []

    mutating func littleEndian(_ value: UInt64, _ count: Int) {
        for shift in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * shift))) }
    }

    /// 6 bits, 14 bits, or a 0x80/0x81 marker and a 32/64-bit big-endian length.
    mutating func length(_ count: Int) {
        switch count {
        case ..<64: bytes.append(UInt8(count))
        case ..<16384: bytes += [0x40 | UInt8(count >> 8), UInt8(count & 0xFF)]
        case ...Int(UInt32.max):
            bytes.append(0x80)
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: count >> shift)) }
        default:
            bytes.append(0x81)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: count >> shift)) }
        }
    }

    /// Replaces the one placeholder byte at `index` with the length
    /// encoding of `count`, moving the bytes after it when the encoding
    /// takes more than one byte (a length written before what it measures).
    mutating func patchLength(_ count: Int, at index: Int) {
        guard count >= 64 else {
            bytes[index] = UInt8(count)
            return
        }
        var field = RDBWriter()
        field.length(count)
        bytes[index] = field.bytes[0]
        bytes.insert(contentsOf: field.bytes[1...], at: index + 1)
    }

    /// A string; one that is the canonical decimal of an integer fitting
    /// 32 bits is stored as INT8/16/32, as `rdbTryIntegerEncoding` and
    /// `rdbSaveLongLongAsStringObject` do.
    mutating func string(_ string: ByteString) {
        // parseInteger takes canonical decimals only (no sign but '-', no
        // leading zero), so the INT encodings read back the same bytes; it
        // reads the string in place (snapshots call this for every key).
        if string.count <= 11, let value = string.integerValue ?? string.withUnsafeBytes({ Numbers.parseInteger($0) }),
           value >= Int64(Int32.min), value <= Int64(Int32.max) {
            if value >= -128, value <= 127 {
                bytes += [0xC0]
                littleEndian(UInt64(bitPattern: value), 1)
            } else if value >= -32768, value <= 32767 {
                bytes += [0xC1]
                littleEndian(UInt64(bitPattern: value), 2)
            } else {
                bytes += [0xC2]
                littleEndian(UInt64(bitPattern: value), 4)
            }
            return
        }
        length(string.count)
        string.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}
