/// Readers for the two packed blobs Redis 7.0 writes inside RDB values:
/// listpacks (src/listpack.c: hashes, sorted sets and quicklist nodes) and
/// intsets (src/intset.c). Both validate as Redis's deep sanitization does
/// (`sanitize-dump-payload yes`): Cairn always validates a payload fully.
enum Listpack {
    /// The elements of a listpack, integers as their decimal text.
    ///
    /// Layout: total bytes (u32 LE), element count (u16 LE, 65535 =
    /// unknown), entries, 0xFF. An entry is an encoding byte (7-bit uint,
    /// 6/12/32-bit-length strings, 13/16/24/32/64-bit ints), its data, and
    /// a back length: the entry's size in 1-5 bytes of 7 bits, read backward.
    static func elements(_ blob: ArraySlice<UInt8>) throws(RDBFormatError) -> [[UInt8]] {
        let bad = RDBFormatError(reason: "listpack integrity check failed")
        let start = blob.startIndex
        guard blob.count >= 7, blob.last == 0xFF else { throw bad }
        guard blob.littleEndianValue(at: start, count: 4) == UInt64(blob.count) else { throw bad }
        let declaredCount = Int(blob.littleEndianValue(at: start + 4, count: 2))
        let end = blob.endIndex - 1  // the terminator
        var index = start + 6
        var result: [[UInt8]] = []
        while index < end {
            let encoding = blob[index]
            var header = 1, dataCount = 0
            var integer: Int64?
            switch encoding {
            case 0x00...0x7F: integer = Int64(encoding)
            case 0x80...0xBF: dataCount = Int(encoding & 0x3F)
            case 0xC0...0xDF:
                header = 2
                guard index + 1 < end else { throw bad }
                let raw = Int64(encoding & 0x1F) << 8 | Int64(blob[index + 1])
                integer = raw >= 1 << 12 ? raw - (1 << 13) : raw
            case 0xE0...0xEF:
                header = 2
                guard index + 1 < end else { throw bad }
                dataCount = Int(encoding & 0x0F) << 8 | Int(blob[index + 1])
            case 0xF0:
                header = 5
                guard index + 4 < end else { throw bad }
                dataCount = Int(blob.littleEndianValue(at: index + 1, count: 4))
            case 0xF1, 0xF2, 0xF3, 0xF4:
                let width = [2, 3, 4, 8][Int(encoding - 0xF1)]
                guard index + width < end else { throw bad }
                integer = Int64(signExtending: blob.littleEndianValue(at: index + 1, count: width), bytes: width)
                header = 1 + width
            default: throw bad
            }
            let entryCount = (integer == nil ? header + dataCount : header)
            let backCount = backLength(entryCount).count
            guard entryCount + backCount <= end - index else { throw bad }
            guard blob[(index + entryCount)..<(index + entryCount + backCount)].elementsEqual(backLength(entryCount)) else { throw bad }
            if let integer {
                result.append(decimalBytes(integer))
            } else {
                result.append(Array(blob[(index + header)..<(index + header + dataCount)]))
            }
            index += entryCount + backCount
        }
        guard declaredCount == 0xFFFF || declaredCount == result.count else { throw bad }
        return result
    }

    /// `lpEncodeBacklen`: the entry size, most significant 7 bits first,
    /// every byte but the first with the high bit set.
    static func backLength(_ size: Int) -> [UInt8] {
        var groups: [UInt8] = [UInt8(size & 127)]
        var rest = size >> 7
        while rest > 0 {
            groups.append(UInt8(rest & 127))
            rest >>= 7
        }
        groups.reverse()
        for index in groups.indices.dropFirst() { groups[index] |= 128 }
        return groups
    }
}

enum IntSetBlob {
    /// The integers of an intset blob: encoding (u32 LE: 2, 4 or 8 bytes a
    /// value), count (u32 LE), then the values little-endian, strictly
    /// ascending (`intsetValidateIntegrity` with deep checks).
    static func values(_ blob: ArraySlice<UInt8>) throws(RDBFormatError) -> [Int64] {
        let bad = RDBFormatError(reason: "intset integrity check failed")
        guard blob.count >= 8 else { throw bad }
        let start = blob.startIndex
        let width = Int(blob.littleEndianValue(at: start, count: 4))
        guard width == 2 || width == 4 || width == 8 else { throw bad }
        let count = Int(blob.littleEndianValue(at: start + 4, count: 4))
        guard count > 0, count == (blob.count - 8) / width, (blob.count - 8) % width == 0 else { throw bad }
        var values: [Int64] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            let value = Int64(signExtending: blob.littleEndianValue(at: start + 8 + index * width, count: width), bytes: width)
            if let last = values.last, last >= value { throw bad }
            values.append(value)
        }
        return values
    }
}

enum Ziplist {
    /// The elements of a ziplist (src/ziplist.c, the packed form before
    /// Redis 7.0, still loaded from RDB_TYPE_LIST_ZIPLIST, _ZSET_ZIPLIST,
    /// _HASH_ZIPLIST and _LIST_QUICKLIST), integers as their decimal text.
    ///
    /// Layout: total bytes (u32 LE), offset of the last entry (u32 LE),
    /// count (u16 LE, 65535 = unknown), entries, 0xFF. An entry is the
    /// previous entry's size (1 byte, or 0xFE and u32 LE), an encoding
    /// (strings: 6-bit, 14-bit big-endian, or 0x80 and a 32-bit big-endian
    /// length; integers: 0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24,
    /// 0xFE int8, 0xF1-0xFD the values 0-12 in place) and the data.
    /// Checked as `ziplistValidateIntegrity` with deep validation.
    static func elements(_ blob: ArraySlice<UInt8>) throws(RDBFormatError) -> [[UInt8]] {
        let bad = RDBFormatError(reason: "ziplist integrity check failed")
        let start = blob.startIndex
        guard blob.count >= 11, blob.last == 0xFF else { throw bad }
        guard blob.littleEndianValue(at: start, count: 4) == UInt64(blob.count) else { throw bad }
        let tail = Int(blob.littleEndianValue(at: start + 4, count: 4))
        let declaredCount = Int(blob.littleEndianValue(at: start + 8, count: 2))
        let end = blob.endIndex - 1
        var index = start + 10
        var previousSize = 0, lastEntry: Int?
        var result: [[UInt8]] = []
        while index < end {
            let entryStart = index
            var previous = Int(blob[index])
            index += 1
            if previous == 0xFE {
                guard index + 4 <= end else { throw bad }
                previous = Int(blob.littleEndianValue(at: index, count: 4))
                index += 4
            }
            guard previous == previousSize, index < end else { throw bad }
            let encoding = blob[index]
            index += 1
            var dataCount = 0
            var integer: Int64?
            switch encoding >> 6 {
            case 0: dataCount = Int(encoding & 0x3F)
            case 1:
                guard index < end else { throw bad }
                dataCount = Int(encoding & 0x3F) << 8 | Int(blob[index])
                index += 1
            case 2:
                guard encoding == 0x80, index + 4 <= end else { throw bad }
                for byte in blob[index..<(index + 4)] { dataCount = dataCount << 8 | Int(byte) }
                index += 4
            default:
                let width: Int
                switch encoding {
                case 0xC0: width = 2
                case 0xD0: width = 4
                case 0xE0: width = 8
                case 0xF0: width = 3
                case 0xFE: width = 1
                case 0xF1...0xFD:
                    width = 0
                    integer = Int64(encoding & 0x0F) - 1
                default: throw bad
                }
                if width > 0 {
                    guard index + width <= end else { throw bad }
                    integer = Int64(signExtending: blob.littleEndianValue(at: index, count: width), bytes: width)
                    index += width
                }
            }
            if let integer {
                result.append(decimalBytes(integer))
            } else {
                guard dataCount <= end - index else { throw bad }
                result.append(Array(blob[index..<(index + dataCount)]))
                index += dataCount
            }
            previousSize = index - entryStart
            lastEntry = entryStart - start
        }
        guard index == end, tail <= blob.count - 1, lastEntry == nil || lastEntry == tail else { throw bad }
        guard declaredCount == 0xFFFF || declaredCount == result.count else { throw bad }
        return result
    }
}
