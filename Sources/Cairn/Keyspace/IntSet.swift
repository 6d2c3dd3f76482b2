/// The header of an `IntSet` buffer: the value count and the width in one
/// 32-bit word (low 30 bits: count; high 2 bits: log2 of the bytes per
/// value, 1-3), so the values start 20 bytes into the object and ten
/// 16-bit values fit a 48-byte malloc chunk (glibc adds 8 bytes to each
/// request; one more header byte would push it to 64).
struct IntSetHeader {
    var packed: UInt32

    /// The most values an intset can hold; `SetObject` converts far earlier.
    static let maxCount = (1 << 30) - 1

    init(count: Int, bytesPerValue: Int) {
        packed = UInt32(count) | UInt32(bytesPerValue.trailingZeroBitCount) << 30
    }

    var count: Int {
        get { Int(packed & 0x3FFF_FFFF) }
        set { packed = packed & 0xC000_0000 | UInt32(newValue) }
    }

    /// Bytes per value: 2, 4 or 8.
    var bytesPerValue: Int { 1 << Int(packed >> 30) }
}

/// An intset's storage: Redis's `intset` struct (`encoding`, `length`,
/// `contents[]`) as a `ManagedBuffer`: a 20-byte object header, then the
/// values. Ten 16-bit values take one 48-byte malloc chunk, where an
/// `[Int16]` takes 64 (its header is 32 bytes).
final class IntSetBuffer: ManagedBuffer<IntSetHeader, UInt8> {
    /// A buffer with room for `capacity` values of `bytesPerValue` bytes, holding none.
    static func make(bytesPerValue: Int, capacity: Int) -> IntSetBuffer {
        let buffer = IntSetBuffer.create(minimumCapacity: max(capacity, 1) * bytesPerValue) { _ in
            IntSetHeader(count: 0, bytesPerValue: bytesPerValue)
        }
        return unsafeDowncast(buffer, to: IntSetBuffer.self)
    }
}

/// A small set of integers as Redis's intset (`intset.c`): the values sorted
/// ascending in one packed buffer of the narrowest width that holds them all
/// (16, 32 or 64 bits), found by binary search.
///
/// Why: a set of ten small integers costs one 48-byte allocation instead of
/// a hash table's index and per-member strings. The width only grows
/// (`intsetUpgradeAndAdd`): a value that does not fit the current width is
/// smaller or larger than every stored one, so it goes first or last.
///
/// One reference wide, so `SetObject` stays in the smallest malloc chunk.
/// Copies share the buffer until one of them changes (copy on write); a
/// change made by the only owner happens in place when the buffer has room,
/// else it moves to a buffer exactly one value bigger, as Redis reallocs.
struct IntSet {
    private var buffer: IntSetBuffer

    /// The buffer of every new empty intset (and of the placeholder
    /// `SetObject` parks in its storage while it changes one in place). Never
    /// written: a buffer changes in place only when uniquely referenced, and
    /// this one is always also referenced here.
    private nonisolated(unsafe) static let emptyBuffer = IntSetBuffer.make(bytesPerValue: 2, capacity: 0)

    init() { buffer = IntSet.emptyBuffer }

    /// Bits per element: 16, 32 or 64 (`intrev32ifbe(is->encoding) * 8`).
    var width: Int { buffer.header.bytesPerValue * 8 }

    var count: Int { buffer.header.count }

    /// The narrowest width in bits holding `value` (`_intsetValueEncoding`).
    static func width(for value: Int64) -> Int {
        if value < Int64(Int32.min) || value > Int64(Int32.max) { return 64 }
        if value < Int64(Int16.min) || value > Int64(Int16.max) { return 32 }
        return 16
    }

    /// The value at sorted position `index` (`_intsetGet`).
    func value(at index: Int) -> Int64 {
        IntSet.load(buffer, index)
    }

    private static func load(_ buffer: IntSetBuffer, _ index: Int) -> Int64 {
        let bytes = buffer.header.bytesPerValue
        return buffer.withUnsafeMutablePointerToElements { pointer in
            let raw = UnsafeRawPointer(pointer)
            switch bytes {
            case 2: return Int64(raw.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))
            case 4: return Int64(raw.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
            default: return raw.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)
            }
        }
    }

    /// Writes `value` (which fits the width) at `index` (`_intsetSet`).
    private static func store(_ buffer: IntSetBuffer, _ index: Int, _ value: Int64) {
        let bytes = buffer.header.bytesPerValue
        buffer.withUnsafeMutablePointerToElements { pointer in
            let raw = UnsafeMutableRawPointer(pointer)
            switch bytes {
            case 2: raw.storeBytes(of: Int16(value), toByteOffset: index * 2, as: Int16.self)
            case 4: raw.storeBytes(of: Int32(value), toByteOffset: index * 4, as: Int32.self)
            default: raw.storeBytes(of: value, toByteOffset: index * 8, as: Int64.self)
            }
        }
    }

    /// `intsetFind`: a value wider than the set's width cannot be in it.
    func contains(_ value: Int64) -> Bool {
        guard IntSet.width(for: value) <= width else { return false }
        return search(value).found
    }

    /// Adds `value`; returns true when it was not there (`intsetAdd`).
    @discardableResult
    mutating func insert(_ value: Int64) -> Bool {
        let needed = IntSet.width(for: value)
        if needed > width {
            // Wider than every stored value: it is the new minimum or maximum.
            rebuild(width: needed, inserting: value, at: value < 0 ? 0 : count)
            return true
        }
        let (found, index) = search(value)
        guard !found else { return false }
        let size = buffer.header.bytesPerValue
        if isKnownUniquelyReferenced(&buffer) && (count + 1) * size <= buffer.capacity {
            let oldCount = count
            buffer.withUnsafeMutablePointerToElements { pointer in
                // memmove: the regions overlap.
                UnsafeMutableRawPointer(pointer + (index + 1) * size)
                    .copyMemory(from: pointer + index * size, byteCount: (oldCount - index) * size)
            }
            IntSet.store(buffer, index, value)
            buffer.header.count += 1
        } else {
            rebuild(width: needed > width ? needed : width, inserting: value, at: index)
        }
        return true
    }

    /// Removes `value`; returns true when it was there (`intsetRemove`).
    /// The width never shrinks, as in Redis.
    @discardableResult
    mutating func remove(_ value: Int64) -> Bool {
        guard IntSet.width(for: value) <= width else { return false }
        let (found, index) = search(value)
        guard found else { return false }
        if !isKnownUniquelyReferenced(&buffer) { rebuild(width: width, inserting: nil, at: 0) }
        let size = buffer.header.bytesPerValue, oldCount = count
        buffer.withUnsafeMutablePointerToElements { pointer in
            UnsafeMutableRawPointer(pointer + index * size)
                .copyMemory(from: pointer + (index + 1) * size, byteCount: (oldCount - index - 1) * size)
        }
        buffer.header.count -= 1
        return true
    }

    /// Calls `body` with every value in ascending order.
    func forEach(_ body: (Int64) throws -> Void) rethrows {
        for index in 0..<count { try body(IntSet.load(buffer, index)) }
    }

    /// Binary search (`intsetSearch`): whether `value` is present and the
    /// position where it is or would be inserted. `value` must fit the width.
    private func search(_ value: Int64) -> (found: Bool, index: Int) {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            let current = IntSet.load(buffer, middle)
            if current == value { return (true, middle) }
            if current < value { low = middle + 1 } else { high = middle }
        }
        return (false, low)
    }

    /// Moves the values to a new buffer of `newWidth` bits with room for
    /// exactly what it holds, inserting `value` at `position` on the way
    /// (`intsetResize` + `intsetUpgradeAndAdd`).
    private mutating func rebuild(width newWidth: Int, inserting value: Int64?, at position: Int) {
        let old = buffer, oldCount = count
        let newCount = oldCount + (value == nil ? 0 : 1)
        let fresh = IntSetBuffer.make(bytesPerValue: newWidth / 8, capacity: newCount)
        var target = 0
        for index in 0..<oldCount {
            if index == position, let value {
                IntSet.store(fresh, target, value)
                target += 1
            }
            IntSet.store(fresh, target, IntSet.load(old, index))
            target += 1
        }
        if position == oldCount, let value { IntSet.store(fresh, target, value) }
        fresh.header.count = newCount
        buffer = fresh
    }
}
