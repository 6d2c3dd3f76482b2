#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The field/value pairs of a small hash in one contiguous byte buffer, as
/// Redis's listpack: no per-field allocation, no index, lookups scan.
///
/// Layout: entries back to back in insertion order (field, value, field,
/// value, ...); an entry is its length as a LEB128 varint (7 bits a byte,
/// low bits first, the high bit set on every byte but the last: one byte up
/// to 127, two up to 16383, three up to 2097151) followed by its bytes. The
/// buffer is a `HeapBytes` whose header is the total byte count; every empty
/// value shares one empty buffer. (Not an optional: an enum holding
/// `HeapBytes?` next to another reference takes 9 bytes, not 8, which
/// would push `HashObject` from a 32-byte malloc chunk to a 48-byte one.)
///
/// Why: 100,000 hashes of ten 6-byte fields with 10-byte values cost about
/// 690 bytes each as an array of `ByteString`s (16 bytes an element plus the
/// array's doubling capacity); packed, the ten pairs take 180 bytes, one
/// 208-byte malloc chunk with the object header. No pair count is stored:
/// every lookup and insert scans the entries anyway, and 4 more header bytes
/// would cost 4 bytes a hash on average for `HLEN`'s sake.
///
/// A change builds a new buffer of exactly the new size, as Redis reallocs
/// the listpack on every insert, unless this value owns the buffer alone and
/// the new size fits its malloc chunk with less than 16 bytes to spare
/// (what an exact allocation could not do better): replacing a value with
/// one of the same length, or a change that stays in the chunk, is made in
/// place. Copies share the buffer until one of them changes (copy on write).
struct PackedPairs {
    /// The most bytes a packed hash may hold: Redis's
    /// `LISTPACK_MAX_SAFETY_SIZE`, past which `hashTypeTryConversion`
    /// converts to a hash table (`lpSafeToAdd`).
    static let safetyLimitBytes = 1 << 30

    /// The buffer of every empty value. Never written: a buffer changes
    /// in place only when uniquely referenced, and this one is always also
    /// referenced here.
    private nonisolated(unsafe) static let emptyBuffer = HeapBytes.make(EmptyCollection())

    private var buffer: HeapBytes

    /// No pairs.
    init() { buffer = PackedPairs.emptyBuffer }

    /// The pairs of alternating fields and values `flat`, packed in one
    /// allocation: what `set` of each pair in turn builds when no field
    /// repeats (the caller makes sure none does).
    init(packing flat: [ByteString]) {
        self.init()
        let total = flat.reduce(0) { $0 + PackedPairs.entrySize($1.count) }
        splice(0..<0, insertedCount: total) { target in
            var position = target
            for string in flat { position = string.withUnsafeBytes { PackedPairs.writeEntry($0, to: position) } }
        }
    }

    /// Bytes taken by the entries (lengths included).
    var byteCount: Int { buffer.withUnsafeMutablePointerToHeader { Int($0.pointee) } }

    var isEmpty: Bool { byteCount == 0 }

    /// The number of pairs, counted by walking the entries.
    var count: Int {
        withEntries { bytes in
            var offset = 0
            var entries = 0
            while offset < bytes.count {
                offset = PackedPairs.entry(bytes, at: offset).upperBound
                entries += 1
            }
            return entries / 2
        }
    }

    // MARK: Reading

    /// The value stored for `field`.
    func value(for field: ByteString) -> ByteString? {
        field.withUnsafeBytes { field in
            withEntries { bytes in
                PackedPairs.locate(field, in: bytes).location.map { PackedPairs.string(bytes, $0.value) }
            }
        }
    }

    func contains(_ field: ByteString) -> Bool {
        field.withUnsafeBytes { field in
            withEntries { bytes in PackedPairs.locate(field, in: bytes).location != nil }
        }
    }

    /// Calls `body` with each field and value in insertion order. Always
    /// inlined, so the caller's closure is too: without it `HGETALL` of ten
    /// fields took 600 more instructions (about 3%).
    @inline(__always)
    func forEach(_ body: (ByteString, ByteString) throws -> Void) rethrows {
        // A local reference keeps the buffer alive (and shared, so not
        // changed in place) even if `body` changes the hash.
        let buffer = self.buffer
        try PackedPairs.withEntries(of: buffer) { bytes in
            var offset = 0
            while offset < bytes.count {
                let field = PackedPairs.entry(bytes, at: offset)
                let value = PackedPairs.entry(bytes, at: field.upperBound)
                try body(PackedPairs.string(bytes, field), PackedPairs.string(bytes, value))
                offset = value.upperBound
            }
        }
    }

    /// The pair at position `index` in insertion order (0 ..< count).
    func pair(at index: Int) -> (field: ByteString, value: ByteString) {
        withEntries { bytes in
            var offset = 0
            for _ in 0..<index {
                offset = PackedPairs.entry(bytes, at: PackedPairs.entry(bytes, at: offset).upperBound).upperBound
            }
            let field = PackedPairs.entry(bytes, at: offset)
            let value = PackedPairs.entry(bytes, at: field.upperBound)
            return (PackedPairs.string(bytes, field), PackedPairs.string(bytes, value))
        }
    }

    // MARK: Writing

    /// What `set` did.
    enum SetOutcome: Equatable {
        /// The field was there; its value changed.
        case replaced
        /// The field was added at the end; the pairs now number `pairCount`.
        case inserted(pairCount: Int)
    }

    /// Sets `field` to `value`: in place of the old value if the field is
    /// present (it keeps its position), else appended as the last pair.
    @discardableResult
    mutating func set(_ field: ByteString, _ value: ByteString) -> SetOutcome {
        field.withUnsafeBytes { field in
            value.withUnsafeBytes { value in set(field, value) }
        }
    }

    @discardableResult
    mutating func set(_ field: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> SetOutcome {
        let (location, pairCount) = withEntries { PackedPairs.locate(field, in: $0) }
        if let location {
            let valueEntry = location.valueStart..<location.pairEnd
            splice(valueEntry, insertedCount: PackedPairs.entrySize(value.count)) { target in
                _ = PackedPairs.writeEntry(value, to: target)
            }
            return .replaced
        }
        let end = byteCount
        let inserted = PackedPairs.entrySize(field.count) + PackedPairs.entrySize(value.count)
        splice(end..<end, insertedCount: inserted) { target in
            PackedPairs.writeEntry(value, to: PackedPairs.writeEntry(field, to: target))
        }
        return .inserted(pairCount: pairCount + 1)
    }

    /// Removes `field` and its value; returns true when it was present.
    @discardableResult
    mutating func remove(_ field: ByteString) -> Bool {
        let location = field.withUnsafeBytes { field in
            withEntries { PackedPairs.locate(field, in: $0).location }
        }
        guard let location else { return false }
        splice(location.pairStart..<location.pairEnd, insertedCount: 0) { _ in }
        return true
    }

    // MARK: Buffer

    /// Where a pair sits: byte offsets of its field entry, of its value
    /// entry, of its end, and the value's bytes.
    private struct Location {
        var pairStart: Int
        var valueStart: Int
        var pairEnd: Int
        var value: Range<Int>
    }

    /// The pair whose field is `field`, or nil; and the number of pairs
    /// before it (all of them when it is missing).
    private static func locate(
        _ field: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer
    ) -> (location: Location?, pairCount: Int) {
        var offset = 0
        var pairs = 0
        while offset < bytes.count {
            let name = entry(bytes, at: offset)
            let value = entry(bytes, at: name.upperBound)
            if name.count == field.count
                && (field.count == 0 || memcmp(bytes.baseAddress! + name.lowerBound, field.baseAddress!, field.count) == 0) {
                return (Location(pairStart: offset, valueStart: name.upperBound, pairEnd: value.upperBound, value: value), pairs)
            }
            offset = value.upperBound
            pairs += 1
        }
        return (nil, pairs)
    }

    /// The bytes of the entry whose length starts at `offset` (its end is
    /// where the next entry starts).
    @inline(__always)
    static func entry(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Range<Int> {
        var position = offset
        var byte = bytes[position]
        position += 1
        var length = Int(byte & 0x7F)
        var shift = 7
        while byte >= 0x80 {
            byte = bytes[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            shift += 7
        }
        return position..<position + length
    }

    /// Bytes an entry of `length` bytes takes, its varint length included.
    static func entrySize(_ length: Int) -> Int {
        var size = 1
        var rest = length >> 7
        while rest > 0 {
            size += 1
            rest >>= 7
        }
        return size + length
    }

    /// Writes `bytes` as an entry at `target`; returns where the next entry goes.
    @discardableResult
    static func writeEntry(_ bytes: UnsafeRawBufferPointer, to target: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        var position = target
        var rest = bytes.count
        while rest >= 0x80 {
            position.storeBytes(of: UInt8(truncatingIfNeeded: rest) | 0x80, as: UInt8.self)
            position += 1
            rest >>= 7
        }
        position.storeBytes(of: UInt8(rest), as: UInt8.self)
        position += 1
        if let base = bytes.baseAddress { position.copyMemory(from: base, byteCount: bytes.count) }
        return position + bytes.count
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> ByteString {
        ByteString(copying: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    private func withEntries<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try PackedPairs.withEntries(of: buffer, body)
    }

    /// The entry bytes of a packed buffer (shared with `PackedList` and
    /// `PackedScores`, which use the same layout).
    static func withEntries<R>(of buffer: HeapBytes, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeMutablePointers { header, elements in
            try body(UnsafeRawBufferPointer(start: elements, count: Int(header.pointee)))
        }
    }

    /// Replaces the bytes in `range` with `insertedCount` bytes that `write`
    /// fills in (Redis's `lpInsert`: realloc, then move the tail), keeping
    /// the buffer exact-size within 16 bytes.
    private mutating func splice(_ range: Range<Int>, insertedCount: Int, write: (UnsafeMutableRawPointer) -> Void) {
        PackedPairs.splice(&buffer, empty: PackedPairs.emptyBuffer, range, insertedCount: insertedCount,
                           reusable: { capacity, newCount in capacity - newCount < 16 }, spare: 0, write: write)
    }

    /// The one splice of a packed buffer (hashes and lists share the layout):
    /// replaces the entry bytes in `range` with `insertedCount` bytes that
    /// `write` fills in. In place when `buffer` is this value's own and
    /// `reusable(capacity, newCount)` accepts a capacity that fits; otherwise
    /// into a new buffer with `spare` bytes to grow into. An empty result is
    /// the shared `empty` buffer.
    static func splice(_ buffer: inout HeapBytes, empty: HeapBytes, _ range: Range<Int>, insertedCount: Int,
                       reusable: (_ capacity: Int, _ newCount: Int) -> Bool, spare: Int,
                       write: (UnsafeMutableRawPointer) -> Void) {
        let oldCount = withEntries(of: buffer) { $0.count }
        let newCount = oldCount - range.count + insertedCount
        precondition(newCount <= Int(UInt32.max), "packed buffer of \(newCount) bytes: collections convert far below this")
        guard newCount > 0 else {
            buffer = empty
            return
        }
        let tailCount = oldCount - range.upperBound
        if isKnownUniquelyReferenced(&buffer) && buffer !== empty {
            let owned = buffer
            let capacity = owned.capacity
            if newCount <= capacity && reusable(capacity, newCount) {
                owned.withUnsafeMutablePointerToElements { elements in
                    let base = UnsafeMutableRawPointer(elements)
                    if insertedCount != range.count && tailCount > 0 {
                        (base + range.lowerBound + insertedCount).copyMemory(from: base + range.upperBound, byteCount: tailCount)
                    }
                    write(base + range.lowerBound)
                }
                owned.withUnsafeMutablePointerToHeader { $0.pointee = UInt32(newCount) }
                return
            }
        }
        let fresh = unsafeDowncast(HeapBytes.create(minimumCapacity: newCount + spare) { _ in UInt32(newCount) },
                                   to: HeapBytes.self)
        fresh.withUnsafeMutablePointerToElements { elements in
            let target = UnsafeMutableRawPointer(elements)
            withEntries(of: buffer) { old in
                if range.lowerBound > 0 { target.copyMemory(from: old.baseAddress!, byteCount: range.lowerBound) }
                write(target + range.lowerBound)
                if tailCount > 0 {
                    (target + range.lowerBound + insertedCount).copyMemory(from: old.baseAddress! + range.upperBound, byteCount: tailCount)
                }
            }
        }
        buffer = fresh
    }
}

extension ByteString {
    /// A copy of `bytes` made with one `memcpy`. Every field and value a
    /// packed hash hands out is built here; the generic `init(_:)` copies
    /// byte by byte, which cost `HGETALL` about 100 instructions a field.
    /// (Two overlapping word loads instead of `memcpy` for inline strings
    /// measured no better.)
    init(copying bytes: UnsafeRawBufferPointer) {
        self.init()
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count <= ByteString.inlineCapacity {
            var inline = InlineBytes()
            inline.count = UInt8(bytes.count)
            withUnsafeMutableBytes(of: &inline) { $0.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
            storage = .inline(inline)
        } else {
            let heap = HeapBytes.create(minimumCapacity: bytes.count) { _ in UInt32(bytes.count) }
            heap.withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0).copyMemory(from: source, byteCount: bytes.count) }
            storage = .heap(unsafeDowncast(heap, to: HeapBytes.self))
        }
    }
}
