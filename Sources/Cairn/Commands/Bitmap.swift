/// Bit-level reads and writes of a string seen as a bitmap, shared by the
/// bit commands and `BITFIELD` (Redis's `bitops.c` helpers).
///
/// Bit order is Redis's: bit 0 is the most significant bit of the first
/// byte, so `SETBIT k 7 1` on an empty key gives the byte `0x01`.
enum Bitmap {
    /// `proto-max-bulk-len` (512 MB): a bit offset must address a byte below it.
    static let maxBytes: Int64 = 512 * 1024 * 1024

    static let offsetError = CommandError.err("bit offset is not an integer or out of range")

    /// A bit offset argument (`getBitOffsetFromArgument`): a non-negative
    /// integer whose byte is below 512 MB. With `fieldBits` (BITFIELD),
    /// `#N` means the N-th field of that width: `N * fieldBits`, multiplied
    /// with wrap-around as Redis's C does, then range-checked.
    static func offset(_ argument: Bytes, fieldBits: Int = 0) throws(CommandError) -> UInt64 {
        let usesFieldIndex = fieldBits > 0 && argument.first == UInt8(ascii: "#")
        guard var value = Numbers.parseInteger(argument.dropFirst(usesFieldIndex ? 1 : 0)) else { throw offsetError }
        if usesFieldIndex { value = value &* Int64(fieldBits) }
        guard value >= 0, value >> 3 < maxBytes else { throw offsetError }
        return UInt64(value)
    }

    // MARK: Counting and searching

    /// Number of set bits (`redisPopcount`), eight bytes at a time.
    static func popcount(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var total = 0
        var index = 0
        while index + 8 <= bytes.count {
            total += bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self).nonzeroBitCount
            index += 8
        }
        while index < bytes.count {
            total += bytes[index].nonzeroBitCount
            index += 1
        }
        return Int64(total)
    }

    /// Position of the first bit equal to `bit` (`redisBitpos`). For a 0
    /// that is not there, the bitmap counts as zero-padded on the right and
    /// the answer is `count * 8`; for a 1 that is not there, -1.
    static func firstBit(_ bit: Bool, in bytes: UnsafeRawBufferPointer) -> Int64 {
        let skipByte: UInt8 = bit ? 0 : 0xFF
        let skipWord: UInt64 = bit ? 0 : .max
        var index = 0
        while index + 8 <= bytes.count,
              bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) == skipWord {
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte != skipByte {
                let position = bit ? byte.leadingZeroBitCount : (~byte).leadingZeroBitCount
                return Int64(index * 8 + position)
            }
            index += 1
        }
        return bit ? -1 : Int64(bytes.count * 8)
    }

    /// `firstBit` in a single byte.
    static func firstBit(_ bit: Bool, inByte byte: UInt8) -> Int64 {
        withUnsafeBytes(of: byte) { firstBit(bit, in: $0) }
    }

    // MARK: Fields

    /// The `bits`-wide unsigned integer at bit `offset` (`getUnsignedBitfield`);
    /// bits past the end read as zero, as `BITFIELD GET` pads.
    static func unsignedField(_ bytes: UnsafeRawBufferPointer, offset: UInt64, bits: Int) -> UInt64 {
        var value: UInt64 = 0
        for position in offset..<offset + UInt64(bits) {
            let byteIndex = Int(position >> 3)
            let bit = byteIndex < bytes.count ? (bytes[byteIndex] >> (7 - UInt8(position & 7))) & 1 : 0
            value = value << 1 | UInt64(bit)
        }
        return value
    }

    /// The `bits`-wide two's-complement integer at bit `offset` (`getSignedBitfield`).
    static func signedField(_ bytes: UnsafeRawBufferPointer, offset: UInt64, bits: Int) -> Int64 {
        var value = unsignedField(bytes, offset: offset, bits: bits)
        if bits < 64 && value & (1 << (bits - 1)) != 0 { value |= UInt64.max << bits }
        return Int64(bitPattern: value)
    }

    /// Writes the low `bits` bits of `value` at bit `offset` (`setUnsignedBitfield`);
    /// the bytes must reach that far.
    static func setField(_ bytes: UnsafeMutableRawBufferPointer, offset: UInt64, bits: Int, value: UInt64) {
        for step in 0..<bits {
            let position = offset + UInt64(step)
            let byteIndex = Int(position >> 3)
            let mask = UInt8(0x80) >> UInt8(position & 7)
            if value & (1 << (bits - 1 - step)) != 0 {
                bytes[byteIndex] |= mask
            } else {
                bytes[byteIndex] &= ~mask
            }
        }
    }
}

extension CommandContext {
    /// Whether `key` holds a string: false if missing, WRONGTYPE if another type.
    /// Holds no reference to the value afterwards, so a write that follows
    /// can change the bytes in place.
    func stringExists(_ key: ByteString) throws(CommandError) -> Bool {
        try string(key) != nil
    }

    /// Changes the string at `key` in place, grown with zero bytes to at
    /// least `minimumCount` (Redis's `lookupStringForBitCommand`, which pads
    /// with `sdsgrowzero`, then writes into the sds). The key keeps its TTL.
    /// The key must hold a string (`stringExists`). Signals nothing: the
    /// caller calls `keyModified` when something changed. Returns `body`'s
    /// result and whether the string grew.
    func modifyString<R>(_ key: ByteString, minimumCount: Int,
                         _ body: (UnsafeMutableRawBufferPointer) -> R) -> (result: R, grew: Bool) {
        let database = self.database
        keyspace.willModify(database, key)
        guard let entry = keyspace.databases[database].main.find(key),
              case .string(var string) = keyspace.databases[database].main.value(at: entry) else {
            preconditionFailure("modifyString on a key that holds no string")
        }
        // Take the value out of the table so the bytes have a single owner.
        keyspace.databases[database].main.setValue(.string(ByteString()), at: entry)
        let oldCount = string.count
        let result = string.withMutableBytes(minimumCount: minimumCount, body)
        keyspace.databases[database].main.setValue(.string(string), at: entry)
        return (result, string.count != oldCount)
    }
}
