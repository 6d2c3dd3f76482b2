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
/// Nodes are `SkipNode` blocks (score, links and member bytes in one
/// allocation) that the list owns: it frees a node when it removes it, and
/// all of them when it is freed. A removed node's address must not be kept
/// (the member index drops it first).
final class SkipList {
    static let maxLevel = 32

    private let header: SkipNode
    private(set) var last: SkipNode?
    private var level = 1
    private(set) var count = 0
    private var randomState: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Per-level predecessors and ranks of the node being changed
    /// (`zslInsert`'s `update` and `rank`), kept between calls so a write
    /// allocates only its node. Every slot a call reads it writes first.
    private let update: UnsafeMutablePointer<SkipNode>
    private let rankScratch: UnsafeMutablePointer<Int>

    init() {
        header = SkipNode.allocate(level: SkipList.maxLevel, score: 0, member: UnsafeRawBufferPointer(start: nil, count: 0))
        update = .allocate(capacity: SkipList.maxLevel)
        update.initialize(repeating: header, count: SkipList.maxLevel)
        rankScratch = .allocate(capacity: SkipList.maxLevel)
        rankScratch.initialize(repeating: 0, count: SkipList.maxLevel)
    }

    deinit {
        var node = header.forward(0)
        while let current = node {
            node = current.forward(0)
            current.free()
        }
        header.free()
        update.deallocate()
        rankScratch.deallocate()
    }

    var first: SkipNode? { header.forward(0) }

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

    // MARK: Insert, update, remove

    /// `zslInsert`: adds a member that is not present.
    @discardableResult
    func insert(_ member: ByteString, score: Double) -> SkipNode {
        member.withUnsafeBytes { insert(bytes: $0, score: score) }
    }

    /// `zslInsert` for a member given as bytes (copied into the node).
    @discardableResult
    func insert(bytes member: UnsafeRawBufferPointer, score: Double) -> SkipNode {
        let node = SkipNode.allocate(level: randomLevel(), score: score, member: member)
        link(node)
        count += 1
        return node
    }

    /// Places an unlinked `node` in order at its own level.
    private func link(_ node: SkipNode) {
        let score = node.score, member = node.memberBytes
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            var rank = i == level - 1 ? 0 : rankScratch[i + 1]
            while let next = x.forward(i), next.precedes(score, member) {
                rank += x.span(i)
                x = next
            }
            rankScratch[i] = rank
            update[i] = x
        }
        let newLevel = node.level
        if newLevel > level {
            for i in level..<newLevel {
                rankScratch[i] = 0
                update[i] = header
                header.setSpan(i, count)
            }
            level = newLevel
        }
        let rank0 = rankScratch[0]
        for i in 0..<newLevel {
            let previous = update[i]
            node.setForward(i, previous.forward(i))
            previous.setForward(i, node)
            node.setSpan(i, previous.span(i) - (rank0 - rankScratch[i]))
            previous.setSpan(i, (rank0 - rankScratch[i]) + 1)
        }
        for i in newLevel..<level { update[i].setSpan(i, update[i].span(i) + 1) }
        node.backward = update[0] == header ? nil : update[0]
        if let next = node.forward(0) { next.backward = node } else { last = node }
    }

    /// Fills `update` with `node`'s predecessors at every level.
    private func findPredecessors(of node: SkipNode) {
        let score = node.score, member = node.memberBytes
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.forward(i), next != node, next.precedes(score, member) { x = next }
            update[i] = x
        }
    }

    /// `zslUpdateScore`: gives `node` a new score, in place when its
    /// neighbours still bracket it, else moved (the same node, its level
    /// kept, so the member index need not change).
    func updateScore(_ node: SkipNode, to score: Double) {
        if (node.backward.map { $0.score < score } ?? true) && (node.forward(0).map { $0.score > score } ?? true) {
            node.score = score
            return
        }
        findPredecessors(of: node)
        unlink(node)
        node.score = score
        link(node)
        count += 1
    }

    /// `zslDelete`: removes (score, member) and frees its node; false when absent.
    @discardableResult
    func remove(_ member: ByteString, score: Double) -> Bool {
        member.withUnsafeBytes { member in
            var x = header
            for i in stride(from: level - 1, through: 0, by: -1) {
                while let next = x.forward(i), next.precedes(score, member) { x = next }
                update[i] = x
            }
            guard let target = x.forward(0), target.score == score,
                  SkipNode.compare(target.memberBytes, member) == 0 else { return false }
            unlink(target)
            target.free()
            return true
        }
    }

    /// `zslDeleteNode` for a node of this list, then frees it.
    func remove(_ node: SkipNode) {
        findPredecessors(of: node)
        unlink(node)
        node.free()
    }

    /// Unlinks `node`, whose predecessors are in `update` (`zslDeleteNode`).
    private func unlink(_ node: SkipNode) {
        for i in 0..<level {
            let previous = update[i]
            if previous.forward(i) == node {
                previous.setSpan(i, previous.span(i) + node.span(i) - 1)
                previous.setForward(i, node.forward(i))
            } else {
                previous.setSpan(i, previous.span(i) - 1)
            }
        }
        if let next = node.forward(0) { next.backward = node.backward } else { last = node.backward }
        while level > 1 && header.forward(level - 1) == nil { level -= 1 }
        count -= 1
    }

    // MARK: Ranks

    /// `zslGetRank` for a node of this list: its 1-based rank. The descent
    /// stops as soon as a link lands on the node itself.
    func rank(of node: SkipNode) -> Int {
        let score = node.score, member = node.memberBytes
        var rank = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.forward(i) {
                if next == node { return rank + x.span(i) }
                guard next.precedes(score, member) else { break }
                rank += x.span(i)
                x = next
            }
        }
        return 0
    }

    /// `zslGetRank`: the 1-based rank of (score, member), 0 when absent.
    func rank(of member: ByteString, score: Double) -> Int {
        member.withUnsafeBytes { member in
            var rank = 0
            var x = header
            for i in stride(from: level - 1, through: 0, by: -1) {
                while let next = x.forward(i),
                      next.score < score || (next.score == score && SkipNode.compare(next.memberBytes, member) <= 0) {
                    rank += x.span(i)
                    x = next
                }
                if x != header && x.score == score && SkipNode.compare(x.memberBytes, member) == 0 { return rank }
            }
            return 0
        }
    }

    /// `zslGetElementByRank`: the node at 1-based `rank`.
    func node(atRank target: Int) -> SkipNode? {
        var traversed = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.forward(i), traversed + x.span(i) <= target {
                traversed += x.span(i)
                x = next
            }
            if traversed == target { return x == header ? nil : x }
        }
        return nil
    }

    /// How many leading elements the descent passes while `advance` holds
    /// for the next node: `zslFirstInRange`'s and `zslLastInRange`'s walk,
    /// counting spans. For a predicate true on a prefix of the order (every
    /// score bound, lex bounds when all scores are equal) it is the length
    /// of that prefix.
    func prefixCount(while advance: (SkipNode) -> Bool) -> Int {
        var traversed = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.forward(i), advance(next) {
                traversed += x.span(i)
                x = next
            }
        }
        return traversed
    }

    /// The last node of the prefix `advance` holds on, nil when it holds on
    /// none: `prefixCount`'s descent, for walks that start there
    /// (`zslFirstInRange`, `zslLastInRange`).
    func lastNode(while advance: (SkipNode) -> Bool) -> SkipNode? {
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.forward(i), advance(next) { x = next }
        }
        return x == header ? nil : x
    }

    // MARK: Range removal

    /// `zslDeleteRangeByRank` for 0-based `ranks`: calls `body` with each
    /// removed node, in order, after unlinking it and before freeing it.
    func removeRange(_ ranks: Range<Int>, _ body: (SkipNode) -> Void) {
        guard !ranks.isEmpty else { return }
        var traversed = 0
        var x = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let next = x.forward(i), traversed + x.span(i) <= ranks.lowerBound {
                traversed += x.span(i)
                x = next
            }
            update[i] = x
        }
        var removed = 0
        var node = x.forward(0)
        while let current = node, removed < ranks.count {
            node = current.forward(0)
            unlink(current)
            body(current)
            current.free()
            removed += 1
        }
    }

    /// `removeRange` returning the removed members and scores.
    func removeRange(_ ranks: Range<Int>) -> [(member: ByteString, score: Double)] {
        var removed: [(member: ByteString, score: Double)] = []
        removed.reserveCapacity(ranks.count)
        removeRange(ranks) { removed.append(($0.member, $0.score)) }
        return removed
    }

    // MARK: Checks

    /// Checks the structure: order, spans, levels, backward links, count. For tests.
    func checkInvariants() -> String? {
        var previous: SkipNode?
        var node = first
        var position = 0
        var ranks: [UnsafeMutableRawPointer: Int] = [:]
        while let current = node {
            position += 1
            ranks[current.address] = position
            if current.backward != previous { return "backward link wrong at rank \(position)" }
            if let previous, !previous.precedes(current.score, current.memberBytes) {
                return "order broken at rank \(position)"
            }
            previous = current
            node = current.forward(0)
        }
        if position != count { return "count \(count) but \(position) nodes" }
        if last != previous { return "tail wrong" }
        for i in 0..<SkipList.maxLevel {
            var x = header
            var rank = 0
            while true {
                guard i < level || (x.forward(i) == nil) else { return "level \(i) above the list's level is linked" }
                guard let next = x.forward(i) else { break }
                if next.level <= i { return "node of level \(next.level) linked at level \(i)" }
                let nextRank = ranks[next.address] ?? -1
                if nextRank - rank != x.span(i) { return "span wrong at level \(i), rank \(rank)" }
                rank = nextRank
                x = next
            }
        }
        return nil
    }
}
