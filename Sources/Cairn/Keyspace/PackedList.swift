/// The elements of a small list in one contiguous byte buffer, as one
/// listpack node of Redis's quicklist: no per-element allocation, scans to
/// reach an index (cheap below `ListObject.packedLimitBytes`, 8 KB).
///
/// The entry format is `PackedPairs`'s (a LEB128 length, then the bytes),
/// written and read with its helpers; the buffer is a `HeapBytes` whose
/// header is the byte count. The element count is kept by `ListObject`.
/// A list of ten 6-byte elements takes 70 bytes here against 160 (plus
/// array slack) as `ByteString`s.
///
/// Unlike `PackedPairs`, a growing buffer gets an eighth more room than it
/// needs, so a list built by pushes (the common case) is reallocated every
/// few pushes instead of on every one.
struct PackedList {
    /// Shared by every empty value; never written (see `PackedPairs`).
    nonisolated(unsafe) static let emptyBuffer = HeapBytes.make(EmptyCollection())

    /// The entries; a `ChunkedList` adopts it as its first chunk.
    private(set) var buffer: HeapBytes

    init() { buffer = PackedList.emptyBuffer }

    /// The entries in `buffer` (its header is their byte count).
    init(buffer: HeapBytes) { self.buffer = buffer }

    /// Bytes taken by the entries (lengths included).
    var byteCount: Int { buffer.withUnsafeMutablePointerToHeader { Int($0.pointee) } }

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

    /// The byte offset where element `index` starts (`byteCount` for the end).
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
        element.withUnsafeBytes { raw in
            splice(offset..<offset, insertedCount: PackedPairs.entrySize(raw.count)) { PackedPairs.writeEntry(raw, to: $0) }
        }
    }

    /// Replaces element `index` (`LSET`).
    mutating func replace(at index: Int, with element: ByteString) {
        let range = entryRange(index)
        element.withUnsafeBytes { raw in
            splice(range, insertedCount: PackedPairs.entrySize(raw.count)) { PackedPairs.writeEntry(raw, to: $0) }
        }
    }

    /// Removes elements `range` (indexes).
    mutating func remove(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let bytesRange = PackedList.withEntries(of: buffer) { bytes in
            let start = PackedList.offset(of: range.lowerBound, in: bytes)
            var end = start
            for _ in range { end = PackedPairs.entry(bytes, at: end).upperBound }
            return start..<end
        }
        splice(bytesRange, insertedCount: 0) { _ in }
    }

    // MARK: Buffer

    private static func withEntries<R>(of buffer: HeapBytes, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try PackedPairs.withEntries(of: buffer, body)
    }

    /// Replaces the bytes in `range` with `insertedCount` bytes that `write`
    /// fills in: in place when this value owns a buffer with room that stays
    /// at least half used (or is under 64 bytes), else into a new buffer with an eighth to spare
    /// (`lpInsert`'s realloc), so pushes do not reallocate every time.
    private mutating func splice(_ range: Range<Int>, insertedCount: Int, write: (UnsafeMutableRawPointer) -> Void) {
        let newCount = byteCount - range.count + insertedCount
        PackedPairs.splice(&buffer, empty: PackedList.emptyBuffer, range, insertedCount: insertedCount,
                           reusable: { capacity, newCount in newCount >= capacity / 2 || capacity < 64 },
                           spare: newCount / 8, write: write)
    }
}
