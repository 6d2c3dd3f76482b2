/// The hashed half of a big sorted set: member -> node, where Redis keeps a
/// `dict` from member to score. It stores nothing but the skiplist's node
/// addresses, so a member's bytes and score live once, in its node.
///
/// Layout: open addressing with linear probing over a power-of-two array of
/// 8-byte slots. A slot is 0 (empty), 1 (deleted, a tombstone that keeps
/// probe runs unbroken until the next rebuild) or a node address in the low
/// 48 bits with the top 16 bits of the member's hash above it, so a probe
/// reads a node only when those 16 bits match. About 8 to 21 bytes per
/// member (load between 3/8 and 3/4), where Redis spends a 24-byte
/// `dictEntry` plus 8 to 16 bytes of buckets.
///
/// `scan` walks *home buckets* (hash & mask) in Redis's reverse-binary
/// cursor order, as `ByteTable.scan` does, so `ZSCAN` keeps `dictScan`'s
/// guarantee: an element present for a whole scan is returned at least once
/// even if the index grows or shrinks in between.
final class MemberIndex {
    private static let empty: UInt64 = 0
    private static let deleted: UInt64 = 1
    private static let addressMask: UInt64 = (1 << 48) - 1
    private static let minimumCapacity = 8

    private var slots: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var tombstones = 0
    /// Number of members.
    private(set) var count = 0

    init() {
        capacity = MemberIndex.minimumCapacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: MemberIndex.empty, count: capacity)
    }

    deinit { slots.deallocate() }

    private var mask: Int { capacity - 1 }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }

    @inline(__always)
    private static func node(_ slot: UInt64) -> SkipNode {
        SkipNode(address: UnsafeMutableRawPointer(bitPattern: UInt(slot & addressMask))!)
    }

    @inline(__always)
    private static func isNode(_ slot: UInt64) -> Bool { slot > deleted }

    // MARK: Lookup

    /// The node holding `member`, if any.
    func find(_ member: UnsafeRawBufferPointer) -> SkipNode? {
        guard count > 0 else { return nil }
        let hash = MemberIndex.hash(member)
        let tag = hash >> 48
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let value = slots[slot]
            if value == MemberIndex.empty { return nil }
            if value >> 48 == tag && MemberIndex.isNode(value) {
                let node = MemberIndex.node(value)
                if SkipNode.compare(node.memberBytes, member) == 0 { return node }
            }
            slot = (slot + 1) & mask
        }
    }

    func find(_ member: ByteString) -> SkipNode? { member.withUnsafeBytes { find($0) } }

    // MARK: Mutation

    /// Adds `node`, whose member must not be present.
    func insert(_ node: SkipNode) {
        let address = UInt64(UInt(bitPattern: node.address))
        precondition(address & ~MemberIndex.addressMask == 0, "node address above 48 bits")
        if (count + tombstones + 1) * 4 > capacity * 3 { rebuild(forCount: count + 1) }
        let hash = MemberIndex.hash(node.memberBytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while MemberIndex.isNode(slots[slot]) { slot = (slot + 1) & mask }
        if slots[slot] == MemberIndex.deleted { tombstones -= 1 }
        slots[slot] = address | (hash >> 48) << 48
        count += 1
    }

    /// Drops `node` (present in the index) before the list frees it.
    func remove(_ node: SkipNode) {
        let address = UInt64(UInt(bitPattern: node.address))
        let hash = MemberIndex.hash(node.memberBytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] & MemberIndex.addressMask != address {
            precondition(slots[slot] != MemberIndex.empty, "member index lost a node")
            slot = (slot + 1) & mask
        }
        slots[slot] = MemberIndex.deleted
        tombstones += 1
        count -= 1
        if capacity > MemberIndex.minimumCapacity && count * 8 < capacity {
            rebuild(forCount: count)
        }
    }

    /// Rebuilds at a size fit for `needed` members (at most half full),
    /// dropping tombstones. Each node's hash is computed again from its
    /// bytes, as Redis's rehash does.
    private func rebuild(forCount needed: Int) {
        var newCapacity = MemberIndex.minimumCapacity
        while newCapacity / 2 < needed { newCapacity *= 2 }
        let old = slots, oldCapacity = capacity
        slots = .allocate(capacity: newCapacity)
        slots.initialize(repeating: MemberIndex.empty, count: newCapacity)
        capacity = newCapacity
        tombstones = 0
        let newMask = newCapacity - 1
        for index in 0..<oldCapacity where MemberIndex.isNode(old[index]) {
            let value = old[index]
            let hash = MemberIndex.hash(MemberIndex.node(value).memberBytes)
            var slot = Int(truncatingIfNeeded: hash) & newMask
            while slots[slot] != MemberIndex.empty { slot = (slot + 1) & newMask }
            slots[slot] = value
        }
        old.deallocate()
    }

    // MARK: Iteration

    /// A uniformly random node, or nil when empty: random slots until one
    /// holds a node (at least one in eight does, see `remove`).
    func randomNode<R: RandomNumberGenerator>(using generator: inout R) -> SkipNode? {
        guard count > 0 else { return nil }
        while true {
            let value = slots[Int.random(in: 0..<capacity, using: &generator)]
            if MemberIndex.isNode(value) { return MemberIndex.node(value) }
        }
    }

    /// One step of a `ZSCAN`: calls `body` with the nodes whose home bucket
    /// is the cursor's, and returns the next cursor (0 when done).
    func scan(cursor: UInt64, _ body: (SkipNode) -> Void) -> UInt64 {
        let mask = UInt64(self.mask)
        let bucket = Int(cursor & mask)
        var slot = bucket
        while true {
            let value = slots[slot]
            if value == MemberIndex.empty { break }
            if MemberIndex.isNode(value) {
                let node = MemberIndex.node(value)
                if MemberIndex.hash(node.memberBytes) & mask == UInt64(bucket) { body(node) }
            }
            slot = (slot + 1) & Int(mask)
            if slot == bucket { break }
        }
        return cursor.nextScanCursor(mask: mask)
    }
}
