/// The ordered half of a big sorted set: Redis's `zskiplist` (t_zset.c),
/// ported node for node. Elements are ordered by score, ties by member bytes
/// (memcmp, `sdscmp`); every forward link carries a *span* (how many
/// elements it jumps), so the rank of an element and the element at a rank
/// are found in O(log n) by adding spans on the way down.
///
/// Why a skiplist and not a counted B-tree: it is Redis's structure, so
/// range walks, ranks and the lex-range behaviour on mixed scores follow
/// the same code path Redis takes. Levels are drawn with Redis's P = 1/4
/// and a 32-level cap from a private generator (the levels never show in
/// any reply, so they need not be reproducible across engines).
///
/// Nodes are objects linked forward strongly and backward unowned; the list
/// unlinks them iteratively when it is freed, so a million-node chain is
/// not released by a million nested deinits.
final class SkipList {
    static let maxLevel = 32

    struct Link {
        var forward: SkipNode?
        var span: Int
    }

    /// A node's links, in one exact-size allocation: an `Array` would add
    /// a 32-byte header and round up to a 64-byte malloc chunk per node.
    fileprivate struct Links {
        let base: UnsafeMutablePointer<Link>
        let count: Int

        init(count: Int) {
            base = .allocate(capacity: count)
            base.initialize(repeating: Link(forward: nil, span: 0), count: count)
            self.count = count
        }

        subscript(index: Int) -> Link {
            unsafeAddress { UnsafePointer(base + index) }
            nonmutating unsafeMutableAddress { base + index }
        }

        func free() {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }

    final class SkipNode {
        let member: ByteString
        fileprivate(set) var score: Double
        fileprivate let levels: Links
        fileprivate unowned(unsafe) var backward: SkipNode?

        fileprivate init(member: ByteString, score: Double, level: Int) {
            self.member = member
            self.score = score
            self.levels = Links(count: level)
        }

        deinit { levels.free() }

        /// The next node in order (level 0).
        var next: SkipNode? { levels[0].forward }
        /// The previous node in order.
        var previous: SkipNode? { backward }
    }

    private let header = SkipNode(member: ByteString(), score: 0, level: SkipList.maxLevel)
    private unowned(unsafe) var tailNode: SkipNode?
    private var level = 1
    private(set) var count = 0
    private var randomState: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Per-level predecessors and ranks of the node being changed
    /// (`zslInsert`'s `update` and `rank`), kept between calls so a write
    /// allocates only its node. Every slot a call reads it writes first.
    private var update: [UnownedNode]

    /// A reference that does not retain: the scratch must never keep a
    /// removed node (and the chain it links to) alive.
    private struct UnownedNode {
        unowned(unsafe) var node: SkipNode
    }
    private var rankScratch = [Int](repeating: 0, count: SkipList.maxLevel)

    init() { update = Array(repeating: UnownedNode(node: header), count: SkipList.maxLevel) }

    deinit {
        var node = header.levels[0].forward
        for index in 0..<header.levels.count { header.levels[index].forward = nil }
        while let current = node {
            node = current.levels[0].forward
            for index in 0..<current.levels.count { current.levels[index].forward = nil }
        }
    }

    var first: SkipNode? { header.levels[0].forward }
    var last: SkipNode? { tailNode }

    /// (score, member) order: `zslInsert`'s comparison.
    @inline(__always)
    private static func precedes(_ node: SkipNode, _ score: Double, _ member: ByteString) -> Bool {
        node.score < score || (node.score == score && node.member < member)
    }

    /// `zslRandomLevel`: each level up with probability 1/4.
    private func randomLevel() -> Int {
        var level = 1
        while level < SkipList.maxLevel {
            randomState &+= 0x9E37_79B9_7F4A_7C15
            var z = randomState
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            guard z & 3 == 0 else { break }
            level += 1
        }
        return level
    }

    /// `zslInsert`: adds a member that is not present.
    @discardableResult
    func insert(_ member: ByteString, score: Double) -> SkipNode {
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            rankScratch[i] = i == level - 1 ? 0 : rankScratch[i + 1]
            while let next = x.levels[i].forward, SkipList.precedes(next, score, member) {
                rankScratch[i] += x.levels[i].span
                x = next
            }
            update[i] = UnownedNode(node: x)
        }
        let newLevel = randomLevel()
        if newLevel > level {
            for i in level..<newLevel {
                rankScratch[i] = 0
                update[i] = UnownedNode(node: header)
                header.levels[i].span = count
            }
            level = newLevel
        }
        let node = SkipNode(member: member, score: score, level: newLevel)
        for i in 0..<newLevel {
            node.levels[i].forward = update[i].node.levels[i].forward
            update[i].node.levels[i].forward = node
            node.levels[i].span = update[i].node.levels[i].span - (rankScratch[0] - rankScratch[i])
            update[i].node.levels[i].span = (rankScratch[0] - rankScratch[i]) + 1
        }
        for i in newLevel..<level { update[i].node.levels[i].span += 1 }
        node.backward = update[0].node === header ? nil : update[0].node
        if let next = node.levels[0].forward { next.backward = node } else { tailNode = node }
        count += 1
        return node
    }

    /// `zslDelete`: removes (score, member); false when absent.
    @discardableResult
    func remove(_ member: ByteString, score: Double) -> Bool {
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.levels[i].forward, SkipList.precedes(next, score, member) { x = next }
            update[i] = UnownedNode(node: x)
        }
        guard let target = x.levels[0].forward, target.score == score, target.member == member else { return false }
        unlink(target)
        return true
    }

    /// `zslDeleteNode`.
    /// Unlinks `node`, whose predecessors are in `update`.
    private func unlink(_ node: SkipNode) {
        for i in 0..<level {
            if update[i].node.levels[i].forward === node {
                update[i].node.levels[i].span += node.levels[i].span - 1
                update[i].node.levels[i].forward = node.levels[i].forward
            } else {
                update[i].node.levels[i].span -= 1
            }
        }
        if let next = node.levels[0].forward { next.backward = node.backward } else { tailNode = node.backward }
        while level > 1 && header.levels[level - 1].forward == nil { level -= 1 }
        count -= 1
    }

    /// `zslGetRank`: the 1-based rank of (score, member), 0 when absent.
    func rank(of member: ByteString, score: Double) -> Int {
        var rank = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.levels[i].forward,
                  next.score < score || (next.score == score && next.member <= member) {
                rank += x.levels[i].span
                x = next
            }
            if x !== header && x.member == member && x.score == score { return rank }
        }
        return 0
    }

    /// `zslGetElementByRank`: the node at 1-based `rank`.
    func node(atRank target: Int) -> SkipNode? {
        var traversed = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.levels[i].forward, traversed + x.levels[i].span <= target {
                traversed += x.levels[i].span
                x = next
            }
            if traversed == target { return x === header ? nil : x }
        }
        return nil
    }

    /// How many leading elements the descent passes while `advance` holds
    /// for the next node: `zslFirstInRange`'s and `zslLastInRange`'s walk,
    /// counting spans. For a predicate true on a prefix of the order (every
    /// score bound, lex bounds when all scores are equal) it is the length
    /// of that prefix.
    func prefixCount(while advance: (ByteString, Double) -> Bool) -> Int {
        var traversed = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.levels[i].forward, advance(next.member, next.score) {
                traversed += x.levels[i].span
                x = next
            }
        }
        return traversed
    }

    /// `zslDeleteRangeByRank` for 0-based `ranks`: the removed nodes' members
    /// and scores, in order.
    func removeRange(_ ranks: Range<Int>) -> [(member: ByteString, score: Double)] {
        guard !ranks.isEmpty else { return [] }
        var traversed = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.levels[i].forward, traversed + x.levels[i].span <= ranks.lowerBound {
                traversed += x.levels[i].span
                x = next
            }
            update[i] = UnownedNode(node: x)
        }
        var removed: [(member: ByteString, score: Double)] = []
        removed.reserveCapacity(ranks.count)
        var node = x.levels[0].forward
        while let current = node, removed.count < ranks.count {
            node = current.levels[0].forward
            unlink(current)
            removed.append((current.member, current.score))
        }
        return removed
    }

    /// Checks the structure: order, spans, backward links, count. For tests.
    func checkInvariants() -> String? {
        var previous: SkipNode?
        var node = first
        var position = 0
        var ranks: [ObjectIdentifier: Int] = [:]
        while let current = node {
            position += 1
            ranks[ObjectIdentifier(current)] = position
            if current.backward !== previous { return "backward link wrong at rank \(position)" }
            if let previous, !SkipList.precedes(previous, current.score, current.member) {
                return "order broken at rank \(position)"
            }
            previous = current
            node = current.levels[0].forward
        }
        if position != count { return "count \(count) but \(position) nodes" }
        if tailNode !== previous { return "tail wrong" }
        for i in 0..<SkipList.maxLevel {
            var x: SkipNode = header
            var rank = 0
            while true {
                let link = x.levels[i]
                guard i < level || (link.forward == nil) else { return "level \(i) above the list's level is linked" }
                guard let next = link.forward else { break }
                let nextRank = ranks[ObjectIdentifier(next)] ?? -1
                if nextRank - rank != link.span { return "span wrong at level \(i), rank \(rank)" }
                rank = nextRank
                x = next
            }
        }
        return nil
    }
}
