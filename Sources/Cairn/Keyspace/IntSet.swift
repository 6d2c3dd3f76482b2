/// A small set of integers as Redis's intset (`intset.c`): the values sorted
/// ascending in one packed array of the narrowest width that holds them all
/// (16, 32 or 64 bits), found by binary search.
///
/// Why: a set of ten small integers costs one 52-byte array allocation
/// instead of a hash table's index and per-member strings. The width only
/// grows (`intsetUpgradeAndAdd`): a value that does not fit the current width
/// is smaller or larger than every stored one, so it goes first or last.
///
/// One array per width, in an enum, so the whole value is one reference
/// (8 bytes) and `SetObject` stays in the smallest malloc chunk.
struct IntSet {
    private enum Storage {
        case int16([Int16])
        case int32([Int32])
        case int64([Int64])
    }

    private var storage: Storage = .int16([])

    init() {}

    /// Bits per element: 16, 32 or 64 (`intrev32ifbe(is->encoding) * 8`).
    var width: Int {
        switch storage {
        case .int16: return 16
        case .int32: return 32
        case .int64: return 64
        }
    }

    var count: Int {
        switch storage {
        case .int16(let values): return values.count
        case .int32(let values): return values.count
        case .int64(let values): return values.count
        }
    }

    /// The narrowest width holding `value` (`_intsetValueEncoding`).
    static func width(for value: Int64) -> Int {
        if value < Int64(Int32.min) || value > Int64(Int32.max) { return 64 }
        if value < Int64(Int16.min) || value > Int64(Int16.max) { return 32 }
        return 16
    }

    /// The value at sorted position `index`.
    func value(at index: Int) -> Int64 {
        switch storage {
        case .int16(let values): return Int64(values[index])
        case .int32(let values): return Int64(values[index])
        case .int64(let values): return values[index]
        }
    }

    /// `intsetFind`: a value wider than the set's width cannot be in it.
    func contains(_ value: Int64) -> Bool {
        guard IntSet.width(for: value) <= width else { return false }
        return IntSet.search(self, value).found
    }

    /// Adds `value`; returns true when it was not there (`intsetAdd`).
    @discardableResult
    mutating func insert(_ value: Int64) -> Bool {
        if IntSet.width(for: value) > width {
            upgrade(to: IntSet.width(for: value))
            // Wider than every stored value: it is the new minimum or maximum.
            if value < 0 { insert(value, at: 0) } else { insert(value, at: count) }
            return true
        }
        let (found, index) = IntSet.search(self, value)
        guard !found else { return false }
        insert(value, at: index)
        return true
    }

    /// Removes `value`; returns true when it was there (`intsetRemove`).
    /// The width never shrinks, as in Redis.
    @discardableResult
    mutating func remove(_ value: Int64) -> Bool {
        guard IntSet.width(for: value) <= width else { return false }
        let (found, index) = IntSet.search(self, value)
        guard found else { return false }
        switch storage {
        case .int16(var values):
            storage = .int16([])  // drop the enum's reference so the array changes in place
            values.remove(at: index)
            storage = .int16(values)
        case .int32(var values):
            storage = .int16([])
            values.remove(at: index)
            storage = .int32(values)
        case .int64(var values):
            storage = .int16([])
            values.remove(at: index)
            storage = .int64(values)
        }
        return true
    }

    /// Calls `body` with every value in ascending order.
    func forEach(_ body: (Int64) throws -> Void) rethrows {
        switch storage {
        case .int16(let values): for value in values { try body(Int64(value)) }
        case .int32(let values): for value in values { try body(Int64(value)) }
        case .int64(let values): for value in values { try body(value) }
        }
    }

    /// Binary search (`intsetSearch`): whether `value` is present and the
    /// position where it is or would be inserted. `value` must fit the width.
    private static func search(_ set: IntSet, _ value: Int64) -> (found: Bool, index: Int) {
        var low = 0, high = set.count
        while low < high {
            let middle = (low + high) / 2
            let current = set.value(at: middle)
            if current == value { return (true, middle) }
            if current < value { low = middle + 1 } else { high = middle }
        }
        return (false, low)
    }

    /// Inserts `value` (which fits the width) at `index`, growing the array
    /// by exactly one element as Redis's `intsetResize` reallocs.
    private mutating func insert(_ value: Int64, at index: Int) {
        switch storage {
        case .int16(var values):
            storage = .int16([])
            IntSet.insertExactly(&values, Int16(value), at: index)
            storage = .int16(values)
        case .int32(var values):
            storage = .int16([])
            IntSet.insertExactly(&values, Int32(value), at: index)
            storage = .int32(values)
        case .int64(var values):
            storage = .int16([])
            IntSet.insertExactly(&values, value, at: index)
            storage = .int64(values)
        }
    }

    /// `Array.insert` doubles the capacity when full, which would cost up
    /// to twice the memory of a settled set; grow by one element instead
    /// (malloc's chunk rounding leaves some slack that later inserts use).
    private static func insertExactly<T>(_ values: inout [T], _ value: T, at index: Int) {
        if values.count == values.capacity {
            var grown: [T] = []
            grown.reserveCapacity(values.count + 1)
            grown.append(contentsOf: values[..<index])
            grown.append(value)
            grown.append(contentsOf: values[index...])
            values = grown
        } else {
            values.insert(value, at: index)
        }
    }

    /// Rewrites every value at `newWidth` bits (`intsetUpgradeAndAdd`).
    private mutating func upgrade(to newWidth: Int) {
        var all: [Int64] = []
        all.reserveCapacity(count + 1)
        forEach { all.append($0) }
        if newWidth == 64 {
            storage = .int64(all)
        } else {
            var values: [Int32] = []
            values.reserveCapacity(all.count + 1)
            for value in all { values.append(Int32(value)) }
            storage = .int32(values)
        }
    }
}
