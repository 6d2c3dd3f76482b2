/// The byte-string type of the public API: argv elements, bulk replies, keys.
/// Redis keys and values are binary-safe, so they are never `String`.
public typealias Bytes = [UInt8]

/// Heap storage for byte strings longer than `ByteString.inlineCapacity`.
///
/// A `ManagedBuffer` with a 4-byte header: a 100-byte value costs one
/// 120-byte allocation (a 128-byte malloc chunk), where `[UInt8]` would cost
/// 132 bytes (a 144-byte chunk). Redis caps a string at 512 MB, so `UInt32`
/// holds any length.
final class HeapBytes: ManagedBuffer<UInt32, UInt8> {
    static func make<C: Collection>(_ bytes: C) -> HeapBytes where C.Element == UInt8 {
        let buffer = HeapBytes.create(minimumCapacity: bytes.count) { _ in UInt32(bytes.count) }
        buffer.withUnsafeMutablePointerToElements { pointer in
            _ = UnsafeMutableBufferPointer(start: pointer, count: bytes.count).initialize(from: bytes)
        }
        return unsafeDowncast(buffer, to: HeapBytes.self)
    }
}

/// Fourteen bytes stored in the value itself, plus their count.
struct InlineBytes {
    var word0: UInt64 = 0
    var word1: UInt32 = 0
    var word2: UInt16 = 0
    var count: UInt8 = 0
}

/// A compact, immutable, binary-safe byte string: the keyspace's key and
/// string-value representation.
///
/// Sixteen bytes in place. Strings up to 14 bytes (most keys, small values)
/// live inline with no allocation; longer ones share one `HeapBytes`;
/// integers that Redis would store with its `int` encoding keep their
/// `Int64`, so `INCR` never parses or formats.
public struct ByteString: Sendable {
    static let inlineCapacity = 14

    enum Storage: @unchecked Sendable {
        case inline(InlineBytes)
        case heap(HeapBytes)
        case integer(Int64)
    }

    var storage: Storage

    /// The empty string.
    public init() { storage = .inline(InlineBytes()) }

    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        // Arrays and slices (the loaders' case): one copy of the memory.
        if let made = bytes.withContiguousStorageIfAvailable({ ByteString(UnsafeRawBufferPointer($0)) }) {
            self = made
            return
        }
        if bytes.count <= ByteString.inlineCapacity {
            var inline = InlineBytes()
            inline.count = UInt8(bytes.count)
            withUnsafeMutableBytes(of: &inline) { raw in
                _ = UnsafeMutableRawBufferPointer(rebasing: raw[0..<bytes.count]).initializeMemory(as: UInt8.self, from: bytes)
            }
            storage = .inline(inline)
        } else {
            storage = .heap(HeapBytes.make(bytes))
        }
    }

    /// A copy of the bytes at `raw`.
    public init(_ raw: UnsafeRawBufferPointer) {
        let count = raw.count
        if count <= ByteString.inlineCapacity {
            var inline = InlineBytes()
            inline.count = UInt8(count)
            if count > 0 {
                withUnsafeMutableBytes(of: &inline) { $0.baseAddress!.copyMemory(from: raw.baseAddress!, byteCount: count) }
            }
            storage = .inline(inline)
        } else {
            let buffer = HeapBytes.create(minimumCapacity: count) { _ in UInt32(count) }
            buffer.withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0).copyMemory(from: raw.baseAddress!, byteCount: count) }
            storage = .heap(unsafeDowncast(buffer, to: HeapBytes.self))
        }
    }

    /// The decimal text of `value`, stored as the integer itself.
    public init(integer value: Int64) { storage = .integer(value) }

    /// The number of bytes (for an integer, the length of its decimal text).
    public var count: Int {
        switch storage {
        case .inline(let inline): return Int(inline.count)
        case .heap(let heap): return Int(heap.header)
        case .integer(let value): return decimalLength(value)
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// The integer this string holds when it is stored in the integer encoding.
    public var integerValue: Int64? {
        if case .integer(let value) = storage { return value }
        return nil
    }

    /// Calls `body` with the bytes. The pointer is valid only inside `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .inline(var inline):
            let count = Int(inline.count)
            return try Swift.withUnsafeBytes(of: &inline) { raw in
                try body(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
            }
        case .heap(let heap):
            return try heap.withUnsafeMutablePointerToElements { pointer in
                try body(UnsafeRawBufferPointer(start: pointer, count: Int(heap.header)))
            }
        case .integer(let value):
            return try decimalBytes(value).withUnsafeBytes(body)
        }
    }

    /// A copy of the bytes as an array.
    public var bytes: Bytes {
        if case .integer(let value) = storage { return decimalBytes(value) }
        return withUnsafeBytes { Bytes($0) }
    }
}

extension ByteString: Hashable {
    public static func == (lhs: ByteString, rhs: ByteString) -> Bool {
        if case .integer(let a) = lhs.storage, case .integer(let b) = rhs.storage { return a == b }
        return lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in a.elementsEqual(b) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension ByteString: Comparable {
    /// Byte-wise order, as Redis's `memcmp`-based comparisons (shorter prefix first).
    public static func < (lhs: ByteString, rhs: ByteString) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in a.lexicographicallyPrecedes(b) } }
    }
}

extension ByteString: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(Array(value.utf8)) }
}

extension ByteString: CustomStringConvertible {
    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

/// Number of characters of `value` in decimal.
func decimalLength(_ value: Int64) -> Int {
    if value == .min { return 20 }
    var magnitude = value < 0 ? -value : value
    var length = value < 0 ? 2 : 1
    while magnitude >= 10 {
        magnitude /= 10
        length += 1
    }
    return length
}

/// The decimal text of `value`, as Redis's `ll2string`.
func decimalBytes(_ value: Int64) -> Bytes {
    Array(String(value).utf8)
}

extension ByteString {
    /// Writes `bytes` at `offset`, zero-filling any gap past the end: the
    /// in-place change behind APPEND and SETRANGE (sds's `sdsgrowzero` +
    /// `memcpy`), through `withMutableBytes`, so repeated appends cost what
    /// they add, not the whole string.
    mutating func write(_ bytes: Bytes, at offset: Int) {
        withMutableBytes(minimumCount: offset + bytes.count) { destination in
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { (destination.baseAddress! + offset).copyMemory(from: base, byteCount: source.count) }
            }
        }
    }
}

// MARK: In-place mutation

extension ByteString {
    /// Grows the string to at least `minimumCount` bytes (the new bytes are
    /// zero) and calls `body` to change the bytes in place, as Redis's bit
    /// and range commands change an sds in place (`sdsgrowzero` then a write).
    ///
    /// Heap bytes that only this value references and that have room are
    /// changed where they are, so `SETBIT` on a big bitmap costs O(1), not a
    /// copy. Otherwise the bytes move once into a new buffer: exactly sized
    /// for a string that was empty (as `sdsnewlen`), with room to grow for
    /// one that was not (as `sdsMakeRoomFor`: twice the size, at most 1 MB
    /// more). An integer-encoded string becomes its decimal text first.
    ///
    /// ```swift
    /// var bitmap = ByteString()
    /// bitmap.withMutableBytes(minimumCount: 2) { $0[1] |= 0x80 }  // "\0\x80"
    /// ```
    mutating func withMutableBytes<R>(minimumCount: Int = 0,
                                      _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        if case .integer(let value) = storage { self = ByteString(decimalBytes(value)) }
        let newCount = Swift.max(count, minimumCount)
        if isInline {
            if newCount <= ByteString.inlineCapacity { return try withMutableInlineBytes(count: newCount, body) }
            let old = bytes
            storage = .heap(HeapBytes.make(old, capacity: ByteString.grownCapacity(oldCount: old.count, newCount: newCount)))
        }
        // Not a `switch` over `storage`: its copy of the value would hold a
        // second reference to the buffer for as long as the switch runs.
        var heap = takeHeapBytes()
        let oldCount = Int(heap.header)
        if !isKnownUniquelyReferenced(&heap) || heap.capacity < newCount {
            heap = heap.withUnsafeMutablePointerToElements { old in
                HeapBytes.make(UnsafeBufferPointer(start: old, count: oldCount),
                               capacity: ByteString.grownCapacity(oldCount: oldCount, newCount: newCount))
            }
        }
        heap.withUnsafeMutablePointerToElements { pointer in
            (pointer + oldCount).initialize(repeating: 0, count: newCount - oldCount)
        }
        heap.header = UInt32(newCount)
        defer { storage = .heap(heap) }
        return try heap.withUnsafeMutablePointerToElements { pointer in
            try body(UnsafeMutableRawBufferPointer(start: pointer, count: newCount))
        }
    }

    private var isInline: Bool {
        if case .inline = storage { return true }
        return false
    }

    /// `withMutableBytes` for a string that stays inline.
    private mutating func withMutableInlineBytes<R>(count newCount: Int,
                                                    _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        guard case .inline(var inline) = storage else { preconditionFailure("not inline storage") }
        let oldCount = Int(inline.count)
        inline.count = UInt8(newCount)
        defer { storage = .inline(inline) }
        return try Swift.withUnsafeMutableBytes(of: &inline) { raw in
            let bytes = UnsafeMutableRawBufferPointer(rebasing: raw[0..<newCount])
            for index in oldCount..<newCount { bytes[index] = 0 }
            return try body(bytes)
        }
    }

    /// Moves the heap buffer out, leaving this value empty, so that a sole
    /// owner holds the only reference.
    private mutating func takeHeapBytes() -> HeapBytes {
        guard case .heap(let heap) = storage else { preconditionFailure("not heap storage") }
        storage = .inline(InlineBytes())
        return heap
    }
    /// `sdsMakeRoomFor`'s greedy growth (SDS_MAX_PREALLOC is 1 MB); exact for a new string.
    static func grownCapacity(oldCount: Int, newCount: Int) -> Int {
        if oldCount == 0 { return newCount }
        let megabyte = 1024 * 1024
        return newCount < megabyte ? newCount * 2 : newCount + megabyte
    }
}

extension HeapBytes {
    /// A buffer holding `bytes`, with room for at least `capacity` bytes.
    static func make<C: Collection>(_ bytes: C, capacity: Int) -> HeapBytes where C.Element == UInt8 {
        let buffer = HeapBytes.create(minimumCapacity: Swift.max(capacity, bytes.count)) { _ in UInt32(bytes.count) }
        buffer.withUnsafeMutablePointerToElements { pointer in
            _ = UnsafeMutableBufferPointer(start: pointer, count: bytes.count).initialize(from: bytes)
        }
        return unsafeDowncast(buffer, to: HeapBytes.self)
    }
}
