/// A hash table from `ByteString` keys to values, built for memory and for
/// Redis's `SCAN` guarantee.
///
/// Layout (as CPython's compact dict): entries live densely in three parallel
/// arrays (key, value, 31-bit hash); an open-addressing index of `Int32`
/// slots, a power of two long, points into them. Per entry that is 16 + 16 +
/// 4 bytes plus about 8 bytes of index at the usual load, where a Swift
/// `Dictionary` would spend about 70. Deleted entries leave a hole that the
/// next insert reuses; deleted slots leave a tombstone so probe runs stay
/// unbroken until the next rebuild.
///
/// `scan` walks *home buckets* (hash & mask) in Redis's reverse-binary cursor
/// order, so an element present for a whole scan is returned at least once
/// even if the table grows or shrinks in between (`dictScan`'s argument holds
/// because an element's home bucket depends only on its hash and the mask).
struct ByteTable<Value> {
    private static var emptySlot: Int32 { -1 }
    private static var deletedSlot: Int32 { -2 }
    /// Marks a hole in `hashes`: real hashes are 31-bit.
    private static var holeHash: UInt32 { .max }
    private static var minimumCapacity: Int { 8 }

    private(set) var keys: [ByteString] = []
    private var values: [Value?] = []
    private var hashes: [UInt32] = []
    private var slots: [Int32]
    private var holes: [Int32] = []
    private var tombstones = 0
    /// Number of live entries.
    private(set) var count = 0
    /// While set (a snapshot walks the table by entry index), no entry
    /// moves: rebuilds keep the holes instead of squeezing them out.
    var keepsEntryIndices = false

    init() {
        slots = Array(repeating: ByteTable.emptySlot, count: ByteTable.minimumCapacity)
    }

    var isEmpty: Bool { count == 0 }
    private var mask: Int { slots.count - 1 }

    /// One past the highest entry index; entries below it may be holes.
    var entryLimit: Int { keys.count }

    static func hash(_ key: ByteString) -> UInt32 {
        var hasher = Hasher()
        key.withUnsafeBytes { hasher.combine(bytes: $0) }
        return UInt32(truncatingIfNeeded: hasher.finalize()) & 0x7FFF_FFFF
    }

    // MARK: Lookup

    /// The entry index of `key`, if present.
    func find(_ key: ByteString) -> Int? {
        if count == 0 { return nil }
        return find(key, hash: ByteTable.hash(key))
    }

    /// The entry index of `key`, whose hash the caller computed.
    private func find(_ key: ByteString, hash: UInt32) -> Int? {
        if count == 0 { return nil }
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == ByteTable.emptySlot { return nil }
            if entry >= 0 && hashes[Int(entry)] == hash && keys[Int(entry)] == key { return Int(entry) }
            slot = (slot + 1) & mask
        }
    }

    subscript(key: ByteString) -> Value? {
        guard let entry = find(key) else { return nil }
        return values[entry]!
    }

    /// Whether `entry` is a live entry (not a hole).
    func isLive(_ entry: Int) -> Bool {
        entry >= 0 && entry < hashes.count && hashes[entry] != ByteTable.holeHash
    }

    func key(at entry: Int) -> ByteString { keys[entry] }

    func value(at entry: Int) -> Value { values[entry]! }

    mutating func setValue(_ value: Value, at entry: Int) {
        values[entry] = value
    }

    // MARK: Mutation

    /// Sets `key` to `value`; returns the value it replaced.
    @discardableResult
    mutating func updateValue(_ value: Value, forKey key: ByteString) -> Value? {
        // One hash for the search and the insertion (replay inserts millions).
        let hash = ByteTable.hash(key)
        if let entry = find(key, hash: hash) {
            let old = values[entry]!
            values[entry] = value
            return old
        }
        insertNew(key, value, hash: hash)
        return nil
    }

    /// Inserts `key`, which must not be present.
    mutating func insertNew(_ key: ByteString, _ value: Value) {
        insertNew(key, value, hash: ByteTable.hash(key))
    }

    private mutating func insertNew(_ key: ByteString, _ value: Value, hash: UInt32) {
        if count + tombstones + 1 > slots.count * 3 / 4 { rebuild(forCount: count + 1) }
        let entry: Int
        if let hole = holes.popLast() {
            entry = Int(hole)
            keys[entry] = key
            values[entry] = value
            hashes[entry] = hash
        } else {
            entry = keys.count
            keys.append(key)
            values.append(value)
            hashes.append(hash)
        }
        var slot = Int(hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        if slots[slot] == ByteTable.deletedSlot { tombstones -= 1 }
        slots[slot] = Int32(entry)
        count += 1
    }

    /// Removes `key`; returns its value if it was present.
    @discardableResult
    mutating func removeValue(forKey key: ByteString) -> Value? {
        if count == 0 { return nil }  // most keys have no TTL: skip hashing for the empty expires table
        let hash = ByteTable.hash(key)
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == ByteTable.emptySlot { return nil }
            if entry >= 0 && hashes[Int(entry)] == hash && keys[Int(entry)] == key {
                slots[slot] = ByteTable.deletedSlot
                tombstones += 1
                return removeEntry(Int(entry))
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func removeEntry(_ entry: Int) -> Value {
        let old = values[entry]!
        keys[entry] = ByteString()
        values[entry] = nil
        hashes[entry] = ByteTable.holeHash
        holes.append(Int32(entry))
        count -= 1
        if count == 0 {
            let keeps = keepsEntryIndices
            self = ByteTable()
            keepsEntryIndices = keeps
        } else if slots.count > ByteTable.minimumCapacity && count * 8 < slots.count {
            rebuild(forCount: count)
        } else if holes.count > count && !keepsEntryIndices {
            rebuild(forCount: count)
        }
        return old
    }

    mutating func removeAll() { self = ByteTable() }

    /// Rebuilds the index at a size fit for `count` entries and squeezes out
    /// holes (unless `keepsEntryIndices`).
    private mutating func rebuild(forCount needed: Int) {
        var capacity = ByteTable.minimumCapacity
        while capacity / 2 < needed { capacity *= 2 }
        if !holes.isEmpty && !keepsEntryIndices {
            var newKeys: [ByteString] = []
            var newValues: [Value?] = []
            var newHashes: [UInt32] = []
            newKeys.reserveCapacity(needed)
            newValues.reserveCapacity(needed)
            newHashes.reserveCapacity(needed)
            for entry in 0..<keys.count where hashes[entry] != ByteTable.holeHash {
                newKeys.append(keys[entry])
                newValues.append(values[entry])
                newHashes.append(hashes[entry])
            }
            keys = newKeys
            values = newValues
            hashes = newHashes
            holes = []
        }
        slots = Array(repeating: ByteTable.emptySlot, count: capacity)
        tombstones = 0
        let newMask = capacity - 1
        for entry in 0..<hashes.count where hashes[entry] != ByteTable.holeHash {
            var slot = Int(hashes[entry]) & newMask
            while slots[slot] >= 0 { slot = (slot + 1) & newMask }
            slots[slot] = Int32(entry)
        }
    }

    // MARK: Iteration

    /// Calls `body` with every live entry index.
    func forEachEntry(_ body: (Int) throws -> Void) rethrows {
        for entry in 0..<hashes.count where hashes[entry] != ByteTable.holeHash {
            try body(entry)
        }
    }

    /// A uniformly random live entry, or nil when empty.
    func randomEntry<R: RandomNumberGenerator>(using generator: inout R) -> Int? {
        guard count > 0 else { return nil }
        // Holes are at most half of the entries (see removeEntry), so this
        // rejection loop ends after two tries on average.
        while true {
            let entry = Int.random(in: 0..<hashes.count, using: &generator)
            if hashes[entry] != ByteTable.holeHash { return entry }
        }
    }

    /// One step of a `SCAN`: calls `body` with the entries whose home bucket
    /// is the cursor's, and returns the next cursor (0 when the scan is done).
    func scan(cursor: UInt64, _ body: (Int) throws -> Void) rethrows -> UInt64 {
        let mask = UInt64(self.mask)
        let bucket = Int(cursor & mask)
        var slot = bucket
        while true {
            let entry = slots[slot]
            if entry == ByteTable.emptySlot { break }
            if entry >= 0 && Int(hashes[Int(entry)]) & Int(mask) == bucket { try body(Int(entry)) }
            slot = (slot + 1) & Int(mask)
            if slot == bucket { break }
        }
        return cursor.nextScanCursor(mask: mask)
    }
}

extension UInt64 {
    /// The SCAN cursor after this one for a table of `mask + 1` buckets:
    /// Redis's reverse-binary increment (dict.c, dictScan), which visits
    /// every bucket once even when the table grows or shrinks between calls.
    func nextScanCursor(mask: UInt64) -> UInt64 {
        var next = self | ~mask
        next = next.bitReversed
        next &+= 1
        return next.bitReversed
    }

    /// The bits of this value in reverse order.
    var bitReversed: UInt64 {
        var value = self
        value = ((value >> 1) & 0x5555_5555_5555_5555) | ((value & 0x5555_5555_5555_5555) << 1)
        value = ((value >> 2) & 0x3333_3333_3333_3333) | ((value & 0x3333_3333_3333_3333) << 2)
        value = ((value >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((value & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        value = ((value >> 8) & 0x00FF_00FF_00FF_00FF) | ((value & 0x00FF_00FF_00FF_00FF) << 8)
        value = ((value >> 16) & 0x0000_FFFF_0000_FFFF) | ((value & 0x0000_FFFF_0000_FFFF) << 16)
        return (value >> 32) | (value << 32)
    }
}
