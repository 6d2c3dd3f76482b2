/// The elements of a small list in one contiguous byte buffer, as one
/// listpack node of Redis's quicklist: no per-element allocation, scans to
/// reach an index (cheap below `ListObject.packedLimitBytes`, 8 KB).
///
/// Layout: empty (every empty list shares one buffer), or the element
/// count as a little-endian `UInt16` (8 KB of entries hold at most 8,192
/// elements) followed by the entries in `PackedPairs`'s format (a LEB128
/// length, then the bytes), written and read with its helpers; the buffer
/// is a `HeapBytes` whose header is the byte count. The count lives here,
/// as a listpack's header holds its entry count, so `ListObject` needs no
/// field of its own and fits the smallest malloc chunk. A list of ten
/// 6-byte elements takes 72 bytes here against 160 (plus array slack) as
/// `ByteString`s.
///
/// Unlike `PackedPairs`, a growing buffer gets an eighth more room than it
/// needs, so a list built by pushes (the common case) is reallocated every
/// few pushes instead of on every one.
struct PackedList {
    /// Bytes of the element count before the entries.
    static let prefixBytes = 2

    /// Shared by every empty value; never written (see `PackedPairs`).
    nonisolated(unsafe) static let emptyBuffer = HeapBytes.make(EmptyCollection())

    /// The count and the entries; a `ChunkedList` adopts it as its first chunk.
    private(set) var buffer: HeapBytes

    init() { buffer = PackedList.emptyBuffer }

    /// A list over `buffer`, laid out as above.
    init(buffer: HeapBytes) { self.buffer = buffer }

    private var totalBytes: Int { buffer.withUnsafeMutablePointerToHeader { Int($0.pointee) } }

    /// Bytes taken by the entries (lengths included, the count not).
    var byteCount: Int {
        let total = totalBytes
        return total == 0 ? 0 : total - PackedList.prefixBytes
    }

    /// The number of elements.
    var count: Int {
        guard totalBytes > 0 else { return 0 }
        return buffer.withUnsafeMutablePointerToElements { Int(UInt16(littleEndian: UnsafeRawPointer($0).loadUnaligned(as: UInt16.self))) }
    }

    /// Writes the element count at `base`, the start of a buffer's bytes.
    static func writeCount(_ count: Int, at base: UnsafeMutableRawPointer) {
        precondition(count <= Int(UInt16.max), "a packed list of \(count) elements: lists convert far below this")
        base.storeBytes(of: UInt16(count).littleEndian, as: UInt16.self)
    }

    // MARK: Reading

    /// Calls `body` with each element from the first; stops when it returns false.
    func forEach(_ body: (ByteString) throws -> Bool) rethrows {
        let buffer = self.buffer  // keeps the bytes alive if `body` changes the list
        try PackedList.withEntries(of: buffer) { bytes in
            var offset = 0
            while offset < bytes.count {
                let entry = PackedPairs.entry(bytes, at: offset)
                guard try body(ByteString(copying: UnsafeRawBufferPointer(rebasing: bytes[entry]))) else { return }
                offset = entry.upperBound
            }
        }
    }

    /// Every element, in order.
    func elements(expectedCount: Int) -> [ByteString] {
        var result: [ByteString] = []
        result.reserveCapacity(expectedCount)
        forEach { result.append($0); return true }
        return result
    }

    /// The element at `index`, which must be in range.
    func element(at index: Int) -> ByteString {
        PackedList.withEntries(of: buffer) { bytes in
            let entry = PackedPairs.entry(bytes, at: PackedList.offset(of: index, in: bytes))
            return ByteString(copying: UnsafeRawBufferPointer(rebasing: bytes[entry]))
        }
    }

    /// The byte offset in the entries where element `index` starts (`byteCount` for the end).
    private static func offset(of index: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        for _ in 0..<index { offset = PackedPairs.entry(bytes, at: offset).upperBound }
        return offset
    }

    private func entryRange(_ index: Int) -> Range<Int> {
        PackedList.withEntries(of: buffer) { bytes in
            let start = PackedList.offset(of: index, in: bytes)
            return start..<PackedPairs.entry(bytes, at: start).upperBound
        }
    }

    // MARK: Writing

    /// Inserts `element` before element `index` (0 ... count).
    mutating func insert(_ element: ByteString, at index: Int) {
        let start = index == 0 ? 0 : PackedList.withEntries(of: buffer) { PackedList.offset(of: index, in: $0) }
        insert(element, atOffset: start)
    }

    mutating func append(_ element: ByteString) { insert(element, atOffset: byteCount) }

    mutating func prepend(_ element: ByteString) { insert(element, atOffset: 0) }

    private mutating func insert(_ element: ByteString, atOffset offset: Int) {
        let count = self.count
        element.withUnsafeBytes { raw in
            let size = PackedPairs.entrySize(raw.count)
            if count == 0 {
                splice(0..<0, insertedCount: PackedList.prefixBytes + size, newCount: 1) { base in
                    PackedPairs.writeEntry(raw, to: base + PackedList.prefixBytes)
                }
            } else {
                splice(offset..<offset, insertedCount: size, newCount: count + 1) { PackedPairs.writeEntry(raw, to: $0) }
            }
        }
    }

    /// Replaces element `index` (`LSET`).
    mutating func replace(at index: Int, with element: ByteString) {
        let range = entryRange(index)
        let count = self.count
        element.withUnsafeBytes { raw in
            splice(range, insertedCount: PackedPairs.entrySize(raw.count), newCount: count) { PackedPairs.writeEntry(raw, to: $0) }
        }
    }

    /// Removes elements `range` (indexes).
    mutating func remove(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let count = self.count
        if range.count == count {
            buffer = PackedList.emptyBuffer
            return
        }
        let bytesRange = PackedList.withEntries(of: buffer) { bytes in
            let start = PackedList.offset(of: range.lowerBound, in: bytes)
            var end = start
            for _ in range { end = PackedPairs.entry(bytes, at: end).upperBound }
            return start..<end
        }
        splice(bytesRange, insertedCount: 0, newCount: count - range.count) { _ in }
    }

    // MARK: Buffer

    /// The entry bytes (after the count) of a list's buffer.
    static func withEntries<R>(of buffer: HeapBytes, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try PackedPairs.withEntries(of: buffer) { bytes in
            try body(bytes.isEmpty ? bytes : UnsafeRawBufferPointer(rebasing: bytes[PackedList.prefixBytes...]))
        }
    }

    /// Replaces the entry bytes in `range` (offsets in the entries) with
    /// `insertedCount` bytes that `write` fills in, and sets the count to
    /// `newCount` (for an empty list `range` is 0..<0 and the inserted bytes
    /// include the count, `write` getting the buffer's start): in place when
    /// this value owns a buffer with room that stays at least half used (or
    /// is under 64 bytes), else into a new buffer with an eighth to spare
    /// (`lpInsert`'s realloc), so pushes do not reallocate every time.
    private mutating func splice(_ range: Range<Int>, insertedCount: Int, newCount: Int,
                                 write: (UnsafeMutableRawPointer) -> Void) {
        let shift = totalBytes == 0 ? 0 : PackedList.prefixBytes
        let bytes = range.lowerBound + shift..<range.upperBound + shift
        let newTotal = totalBytes - range.count + insertedCount
        PackedPairs.splice(&buffer, empty: PackedList.emptyBuffer, bytes, insertedCount: insertedCount,
                           reusable: { capacity, newCount in newCount >= capacity / 2 || capacity < 64 },
                           spare: newTotal / 8) { target in
            write(target)
            PackedList.writeCount(newCount, at: target - bytes.lowerBound)
        }
    }
}
