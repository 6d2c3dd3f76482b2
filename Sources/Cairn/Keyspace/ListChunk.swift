/// One node of a `ChunkedList`: up to `ChunkedList.chunkLimitBytes` of
/// elements in `PackedList`'s entry format (`PackedPairs`' LEB128 length,
/// then the bytes), as one listpack node of Redis's quicklist.
///
/// The entries live in `buffer` bytes `start ..< end`, where `end` is the
/// buffer's header (a `PackedList`'s byte count, so a small list's buffer
/// becomes a big list's first chunk without a copy). The room before
/// `start` makes the head end O(1) too: a pop from the head moves `start`
/// forward, a push at the head writes just before it (Redis's `lpDelete` and
/// `lpInsert` at the head move the whole node instead).
///
/// Twenty-four bytes, so the ring of chunks costs 24 bytes per node where a
/// `quicklistNode` costs 32. Every change in place first makes sure the
/// buffer is this chunk's alone (`COPY` shares buffers until one side writes).
struct ListChunk {
    private(set) var buffer: HeapBytes
    var start: UInt32
    var count: UInt32
    /// `buffer.capacity`, kept here: reading it asks malloc
    /// (`malloc_usable_size`), which a push at the tail would do every time.
    private(set) var capacity: UInt32

    /// A chunk holding one element, with room for `capacity` bytes; the
    /// element goes at the front (a new tail chunk) or at the back (a new
    /// head chunk, which grows toward the front).
    init(_ element: ByteString, capacity: Int, atBack: Bool) {
        let size = PackedPairs.entrySize(element.count)
        let fresh = ListChunk.allocate(capacity: max(capacity, size))
        let offset = atBack ? fresh.capacity - size : 0
        ListChunk.setEnd(of: fresh, to: offset + size)
        fresh.withUnsafeMutablePointerToElements { base in
            element.withUnsafeBytes { _ = PackedPairs.writeEntry($0, to: UnsafeMutableRawPointer(base) + offset) }
        }
        buffer = fresh
        start = UInt32(offset)
        count = 1
        self.capacity = UInt32(fresh.capacity)
    }

    /// A chunk over `buffer`'s entries `start ..< header`.
    init(buffer: HeapBytes, start: Int, count: Int) {
        self.buffer = buffer
        self.start = UInt32(start)
        self.count = UInt32(count)
        capacity = UInt32(buffer.capacity)
    }

    /// A chunk of `count` entries copied from `bytes`, with `spare` more bytes of room after them.
    init(copying bytes: UnsafeRawBufferPointer, count: Int, spare: Int = 0) {
        let fresh = ListChunk.allocate(capacity: bytes.count + spare)
        ListChunk.setEnd(of: fresh, to: bytes.count)
        fresh.withUnsafeMutablePointerToElements { base in
            if let source = bytes.baseAddress { UnsafeMutableRawPointer(base).copyMemory(from: source, byteCount: bytes.count) }
        }
        self.init(buffer: fresh, start: 0, count: count)
    }

    private static func allocate(capacity: Int) -> HeapBytes {
        unsafeDowncast(HeapBytes.create(minimumCapacity: capacity) { _ in 0 }, to: HeapBytes.self)
    }

    /// One past the last entry byte.
    var end: Int { buffer.withUnsafeMutablePointerToHeader { Int($0.pointee) } }

    /// Sets a buffer's header. Through the pointer, as `end` reads it:
    /// `ManagedBuffer.header` is a class property, so each use of it costs
    /// a dynamic exclusivity check (about 80 instructions), several per push.
    @inline(__always)
    private static func setEnd(of buffer: HeapBytes, to end: Int) {
        buffer.withUnsafeMutablePointerToHeader { $0.pointee = UInt32(end) }
    }

    /// Bytes the entries take.
    var byteCount: Int { end - Int(start) }

    /// Calls `body` with the whole buffer up to `end` (offsets are absolute).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try PackedPairs.withEntries(of: buffer, body)
    }

    /// The live entry bytes.
    func withEntries<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = Int(self.start)
        return try withBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
    }

    /// The absolute offset of entry `index` (0 ... count; `end` for count).
    func offset(of index: Int) -> Int {
        withBytes { bytes in
            var offset = Int(start)
            for _ in 0..<index { offset = PackedPairs.entry(bytes, at: offset).upperBound }
            return offset
        }
    }

    /// The absolute offsets of every entry, in order.
    func entryOffsets(into offsets: inout [UInt32]) {
        offsets.removeAll(keepingCapacity: true)
        withBytes { bytes in
            var offset = Int(start)
            while offset < bytes.count {
                offsets.append(UInt32(offset))
                offset = PackedPairs.entry(bytes, at: offset).upperBound
            }
        }
    }

    /// The element whose entry starts at absolute `offset`.
    func element(atOffset offset: Int) -> ByteString {
        withBytes { bytes in
            ByteString(copying: UnsafeRawBufferPointer(rebasing: bytes[PackedPairs.entry(bytes, at: offset)]))
        }
    }

    func element(at index: Int) -> ByteString { element(atOffset: offset(of: index)) }

    // MARK: Ends

    /// Copies the buffer (same layout, same offsets) unless this chunk owns it alone.
    @inline(__always)
    mutating func makeUnique() {
        if isKnownUniquelyReferenced(&buffer) { return }
        relayout(capacity: Int(capacity), atBack: false, keepingOffsets: true)
    }

    /// Appends `element` (`size` bytes as an entry) after the last entry.
    /// Returns how far the existing entries moved toward the front (the
    /// room before `start` is given back when the buffer has to grow).
    mutating func append(_ element: ByteString, size: Int) -> Int {
        var moved = 0
        if !isKnownUniquelyReferenced(&buffer) || end + size > Int(capacity) {
            moved = Int(start)
            relayout(capacity: ListChunk.grownCapacity(byteCount, adding: size), atBack: false)
        }
        let offset = end
        buffer.withUnsafeMutablePointerToElements { base in
            element.withUnsafeBytes { _ = PackedPairs.writeEntry($0, to: UnsafeMutableRawPointer(base) + offset) }
        }
        ListChunk.setEnd(of: buffer, to: offset + size)
        count += 1
        return moved
    }

    /// Writes `element` just before the first entry, into the room there
    /// (made by growing the buffer toward the front when there is none).
    mutating func prepend(_ element: ByteString, size: Int) {
        if !isKnownUniquelyReferenced(&buffer) || Int(start) < size {
            relayout(capacity: ListChunk.grownCapacity(byteCount, adding: size), atBack: true)
        }
        let offset = Int(start) - size
        buffer.withUnsafeMutablePointerToElements { base in
            element.withUnsafeBytes { _ = PackedPairs.writeEntry($0, to: UnsafeMutableRawPointer(base) + offset) }
        }
        start = UInt32(offset)
        count += 1
    }

    /// Removes and returns the first element: `start` moves past it.
    mutating func removeFirst() -> ByteString {
        let offset = Int(start)
        let (element, next) = withBytes { bytes in
            let entry = PackedPairs.entry(bytes, at: offset)
            return (ByteString(copying: UnsafeRawBufferPointer(rebasing: bytes[entry])), entry.upperBound)
        }
        start = UInt32(next)
        count -= 1
        return element
    }

    /// Removes and returns the last element, whose entry starts at `offset`.
    mutating func removeLast(atOffset offset: Int) -> ByteString {
        let element = self.element(atOffset: offset)
        makeUnique()
        ListChunk.setEnd(of: buffer, to: offset)
        count -= 1
        return element
    }

    /// Drops the first `n` elements.
    mutating func removeFirst(_ n: Int) {
        start = UInt32(offset(of: n))
        count -= UInt32(n)
    }

    /// Drops the last `n` elements.
    mutating func removeLast(_ n: Int) {
        let newEnd = offset(of: Int(count) - n)
        makeUnique()
        ListChunk.setEnd(of: buffer, to: newEnd)
        count -= UInt32(n)
    }

    // MARK: Middle

    /// Replaces entries `indexes` with `element` (none when nil), through
    /// the packed-buffer splice hashes and small lists use.
    mutating func replace(_ indexes: Range<Int>, with element: ByteString?) {
        let lower = offset(of: indexes.lowerBound)
        let upper = withBytes { bytes in
            var offset = lower
            for _ in indexes { offset = PackedPairs.entry(bytes, at: offset).upperBound }
            return offset
        }
        let inserted = element.map { PackedPairs.entrySize($0.count) } ?? 0
        let newEnd = end - (upper - lower) + inserted
        withOptionalBytes(element) { raw in
            PackedPairs.splice(&buffer, empty: PackedList.emptyBuffer, lower..<upper, insertedCount: inserted,
                               reusable: { _, _ in true }, spare: newEnd / 8) { target in
                if let raw { PackedPairs.writeEntry(raw, to: target) }
            }
        }
        capacity = UInt32(buffer.capacity)
        count = count - UInt32(indexes.count) + (element == nil ? 0 : 1)
    }

    private func withOptionalBytes<R>(_ element: ByteString?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let element else { return body(nil) }
        return element.withUnsafeBytes { body($0) }
    }

    /// Keeps the elements at positions where `keep` is true (`LREM`).
    mutating func filter(_ keep: (Int) -> Bool) {
        var kept = 0
        let filtered: HeapBytes = withBytes { bytes in
            let fresh = ListChunk.allocate(capacity: byteCount)
            var written = 0
            fresh.withUnsafeMutablePointerToElements { base in
                var offset = Int(start)
                for index in 0..<Int(count) {
                    let next = PackedPairs.entry(bytes, at: offset).upperBound
                    if keep(index) {
                        (UnsafeMutableRawPointer(base) + written).copyMemory(from: bytes.baseAddress! + offset, byteCount: next - offset)
                        written += next - offset
                        kept += 1
                    }
                    offset = next
                }
            }
            ListChunk.setEnd(of: fresh, to: written)
            return fresh
        }
        self = ListChunk(buffer: filtered, start: 0, count: kept)
    }

    /// The elements from `index` on, as a new chunk; this one keeps the ones before.
    mutating func split(at index: Int) -> ListChunk {
        let middle = offset(of: index)
        let right = withBytes { ListChunk(copying: UnsafeRawBufferPointer(rebasing: $0[middle...]), count: Int(count) - index) }
        let left = withBytes { ListChunk(copying: UnsafeRawBufferPointer(rebasing: $0[Int(start)..<middle]), count: index) }
        self = left
        return right
    }

    /// `self` followed by `next`, in one new buffer (`_quicklistMergeNodes`).
    func merged(with next: ListChunk) -> ListChunk {
        withEntries { first in
            next.withEntries { second in
                let fresh = ListChunk.allocate(capacity: first.count + second.count)
                fresh.withUnsafeMutablePointerToElements { base in
                    let target = UnsafeMutableRawPointer(base)
                    if first.count > 0 { target.copyMemory(from: first.baseAddress!, byteCount: first.count) }
                    if second.count > 0 { (target + first.count).copyMemory(from: second.baseAddress!, byteCount: second.count) }
                }
                ListChunk.setEnd(of: fresh, to: first.count + second.count)
                return ListChunk(buffer: fresh, start: 0, count: Int(count + next.count))
            }
        }
    }

    // MARK: Buffer

    /// Room for a chunk of `byteCount` bytes growing by `size`: double, from
    /// 256 bytes, up to the chunk limit (so a full chunk is reallocated about
    /// six times on its way to 8 KB, each copy at most what it holds); an
    /// element bigger than a chunk gets exactly its size.
    static func grownCapacity(_ byteCount: Int, adding size: Int) -> Int {
        let needed = byteCount + size
        return max(needed, min(ChunkedList.chunkLimitBytes, max(2 * byteCount, 256)))
    }

    /// Moves the entries into a new buffer of `capacity` bytes: at its front,
    /// or at its back (room before them for head pushes), or at the same
    /// offsets (`keepingOffsets`, for a private copy).
    private mutating func relayout(capacity: Int, atBack: Bool, keepingOffsets: Bool = false) {
        let fresh = ListChunk.allocate(capacity: keepingOffsets ? max(capacity, end) : capacity)
        let live = byteCount
        let newStart = keepingOffsets ? Int(start) : atBack ? fresh.capacity - live : 0
        withEntries { entries in
            fresh.withUnsafeMutablePointerToElements { base in
                if live > 0 { (UnsafeMutableRawPointer(base) + newStart).copyMemory(from: entries.baseAddress!, byteCount: live) }
            }
        }
        ListChunk.setEnd(of: fresh, to: newStart + live)
        buffer = fresh
        start = UInt32(newStart)
        self.capacity = UInt32(fresh.capacity)
    }
}
