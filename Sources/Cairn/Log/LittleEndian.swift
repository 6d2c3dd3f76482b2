/// Fixed-width little-endian fields, the only integer encoding in the log's
/// bytes (docs/FORMAT.md). Loads are unaligned: frames follow each other with
/// no padding.

extension Array where Element == UInt8 {
    /// Appends `value`'s bytes, least significant first.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Overwrites `MemoryLayout<T>.size` bytes at `index` with `value`,
    /// least significant first (to patch a header once its payload is known).
    mutating func storeLittleEndian<T: FixedWidthInteger>(_ value: T, at index: Int) {
        withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: index, as: T.self) }
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian `T` at `offset`; the caller has checked the bounds.
    func loadLittleEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension Collection where Element == UInt8, Index == Int {
    /// The unsigned integer in the `count` bytes (at most 8) at `index`,
    /// least significant first; the caller has checked the bounds. For
    /// variable-width fields (RDB, listpack, ziplist and intset integers).
    func littleEndianValue(at index: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for shift in 0..<count { value |= UInt64(self[index + shift]) << (8 * shift) }
        return value
    }
}

extension Int64 {
    /// The two's-complement integer whose low `bytes` bytes are `raw`.
    init(signExtending raw: UInt64, bytes: Int) {
        let shift = UInt64(64 - 8 * bytes)
        self = Int64(bitPattern: raw << shift) >> Int64(shift)
    }
}
