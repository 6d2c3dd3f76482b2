/// A Redis sorted set. Small sets are `PackedScores` (Redis's listpack
/// encoding); past `EncodingLimits.zsetMaxListpackEntries` elements or a
/// member longer than `zsetMaxListpackValue` bytes they become a skiplist
/// for order plus a `MemberIndex` from member to node (Redis's `zset` of a
/// `zskiplist` and a `dict`; here the member's bytes and score live once,
/// in the node), and never go back, as in Redis; only stored
/// results (`ZUNIONSTORE`, `ZRANGESTORE`, ...) are built compact when they
/// fit (`zsetConvertToListpackIfNeeded`).
///
/// Every positional operation works on 0-based ranks in (score, member)
/// order, so the commands are written once for both encodings.
final class SortedSetObject {
    private enum Storage {
        case packed(PackedScores)
        case skiplist(Big)
    }

    /// A big set's two halves (boxed so the enum stays one reference wide).
    /// The list owns the nodes; the index only points at them, so every
    /// removal drops the index entry before the list frees the node.
    private final class Big {
        let list = SkipList()
        let index = MemberIndex()

        func insert(_ member: UnsafeRawBufferPointer, score: Double) {
            index.insert(list.insert(bytes: member, score: score))
        }
    }

    private var storage: Storage

    init() { storage = .packed(PackedScores()) }

    private init(storage: Storage) { self.storage = storage }

    /// A set of `elements` (distinct members, any order), compact when it
    /// fits the limits: how Redis builds stored results.
    convenience init(_ elements: [(member: ByteString, score: Double)], limits: EncodingLimits) {
        let fits = elements.count <= limits.zsetMaxListpackEntries
            && elements.allSatisfy { $0.member.count <= limits.zsetMaxListpackValue }
        self.init(storage: fits ? .packed(PackedScores()) : .skiplist(Big()))
        for (member, score) in elements { insert(member, score: score, limits: limits) }
    }

    var isCompact: Bool {
        if case .packed = storage { return true }
        return false
    }

    var count: Int {
        switch storage {
        case .packed(let packed): return packed.count
        case .skiplist(let big): return big.list.count
        }
    }

    /// An independent copy with the same encoding (`zsetDup`).
    func copy() -> SortedSetObject {
        switch storage {
        case .packed: return SortedSetObject(storage: storage)
        case .skiplist(let big):
            let copy = Big()
            var node = big.list.first
            while let current = node {
                copy.insert(current.memberBytes, score: current.score)
                node = current.next
            }
            return SortedSetObject(storage: .skiplist(copy))
        }
    }

    // MARK: Members

    /// `zsetScore`.
    func score(_ member: ByteString) -> Double? {
        switch storage {
        case .packed(let packed): return packed.find(member)?.score
        case .skiplist(let big): return big.index.find(member)?.score
        }
    }

    /// `zsetRank`: the 0-based rank of `member` from the lowest score (or
    /// from the highest when `reverse`).
    func rank(_ member: ByteString, reverse: Bool = false) -> Int? {
        let rank: Int
        switch storage {
        case .packed(let packed):
            guard let found = packed.find(member) else { return nil }
            rank = found.rank
        case .skiplist(let big):
            guard let node = big.index.find(member) else { return nil }
            rank = big.list.rank(of: node) - 1
        }
        return reverse ? count - 1 - rank : rank
    }

    /// Adds a member that is not present. A compact set converts first if
    /// one more element would pass the limits (`zsetAdd`: the length and
    /// member checks happen before `zzlInsert`).
    func insert(_ member: ByteString, score: Double, limits: EncodingLimits) {
        if case .packed(let packed) = storage,
           packed.count + 1 > limits.zsetMaxListpackEntries || member.count > limits.zsetMaxListpackValue
            || packed.byteCount + member.count > PackedPairs.safetyLimitBytes {
            convertToSkiplist()
        }
        switch storage {
        case .packed(var packed):
            storage = .packed(PackedScores())
            packed.insert(member, score: score)
            storage = .packed(packed)
        case .skiplist(let big):
            member.withUnsafeBytes { big.insert($0, score: score) }
        }
    }

    /// Changes a present member's score (`zslUpdateScore`: moved in order).
    func update(_ member: ByteString, from old: Double, to new: Double) {
        switch storage {
        case .packed(var packed):
            storage = .packed(PackedScores())
            packed.remove(member)
            packed.insert(member, score: new)
            storage = .packed(packed)
        case .skiplist(let big):
            guard let node = big.index.find(member) else { return }
            big.list.updateScore(node, to: new)
        }
    }

    /// `zsetDel`: true when `member` was present.
    @discardableResult
    func remove(_ member: ByteString) -> Bool {
        switch storage {
        case .packed(var packed):
            storage = .packed(PackedScores())
            let removed = packed.remove(member) != nil
            storage = .packed(packed)
            return removed
        case .skiplist(let big):
            guard let node = big.index.find(member) else { return false }
            big.index.remove(node)
            big.list.remove(node)
            return true
        }
    }

    // MARK: Ranks

    /// The elements at 0-based `ranks` (clamped to the set), lowest first,
    /// or highest first when `reverse` (then ranks count from the top).
    func elements(_ ranks: Range<Int>, reverse: Bool = false) -> [(member: ByteString, score: Double)] {
        let total = count
        let clamped = ranks.clamped(to: 0..<total)
        guard !clamped.isEmpty else { return [] }
        let forward = reverse ? (total - clamped.upperBound)..<(total - clamped.lowerBound) : clamped
        switch storage {
        case .packed(let packed):
            let result = packed.elements(forward)
            return reverse ? result.reversed() : result
        case .skiplist(let big):
            var result: [(member: ByteString, score: Double)] = []
            result.reserveCapacity(forward.count)
            var node = big.list.node(atRank: reverse ? forward.upperBound : forward.lowerBound + 1)
            while let current = node, result.count < forward.count {
                result.append((current.member, current.score))
                node = reverse ? current.previous : current.next
            }
            return result
        }
    }

    /// Every element, lowest first.
    var allElements: [(member: ByteString, score: Double)] { elements(0..<count) }

    /// Calls `body` with every element, lowest first.
    func forEach(_ body: (ByteString, Double) -> Void) {
        switch storage {
        case .packed(let packed): packed.forEach(body)
        case .skiplist(let big):
            var node = big.list.first
            while let current = node {
                body(current.member, current.score)
                node = current.next
            }
        }
    }

    /// The number of leading elements (in order) for which `advance` holds,
    /// found as Redis's range lookups find the first element in a range.
    func prefixCount(while advance: (ByteString, Double) -> Bool) -> Int {
        switch storage {
        case .packed(let packed): return packed.prefixCount(while: advance)
        case .skiplist(let big): return big.list.prefixCount { advance($0.member, $0.score) }
        }
    }

    /// `prefixCount` for a predicate on the score alone (every score
    /// range): a skiplist's descent then never copies a member.
    func prefixCount(whileScore advance: (Double) -> Bool) -> Int {
        switch storage {
        case .packed(let packed): return packed.prefixCount { advance($1) }
        case .skiplist(let big): return big.list.prefixCount { advance($0.score) }
        }
    }

    /// The elements whose scores pass `atLeastMin` and `atMostMax`, lowest
    /// first (highest first when `reverse`), skipping `offset` of them and
    /// taking at most `limit`: `genericZrangebyscoreCommand`'s walk. A
    /// skiplist finds the end to start from with one descent
    /// (`zslFirstInRange`, `zslLastInRange`) and walks from that node.
    func elements(scoresFrom atLeastMin: (Double) -> Bool, to atMostMax: (Double) -> Bool,
                  reverse: Bool, offset: Int, limit: Int) -> [(member: ByteString, score: Double)] {
        guard case .skiplist(let big) = storage else {
            let start = prefixCount(whileScore: { !atLeastMin($0) })
            let end = max(start, prefixCount(whileScore: atMostMax))
            let available = end - start - offset
            guard available > 0, limit > 0 else { return [] }
            let taken = min(available, limit)
            return reverse
                ? elements((count - end + offset)..<(count - end + offset + taken), reverse: true)
                : elements((start + offset)..<(start + offset + taken))
        }
        var node: SkipNode?
        if reverse {
            node = big.list.lastNode { atMostMax($0.score) }
        } else if let below = big.list.lastNode(while: { !atLeastMin($0.score) }) {
            node = below.next
        } else {
            node = big.list.first
        }
        var skipped = 0
        while skipped < offset, let current = node {
            node = reverse ? current.previous : current.next
            skipped += 1
        }
        var result: [(member: ByteString, score: Double)] = []
        while result.count < limit, let current = node, reverse ? atLeastMin(current.score) : atMostMax(current.score) {
            result.append((current.member, current.score))
            node = reverse ? current.previous : current.next
        }
        return result
    }

    /// How many consecutive elements from 0-based `rank` (walking up, or
    /// down when `reverse`) satisfy `predicate`, counting at most `limit`:
    /// Redis's range walks (`while (ln && zslLexValueLteMax(...))`).
    func runLength(from rank: Int, reverse: Bool, limit: Int = .max,
                   while predicate: (ByteString, Double) -> Bool) -> Int {
        guard rank >= 0, rank < count else { return 0 }
        var length = 0
        switch storage {
        case .packed(let packed):
            let all = packed.elements
            var index = rank
            while length < limit, index >= 0, index < all.count, predicate(all[index].member, all[index].score) {
                length += 1
                index += reverse ? -1 : 1
            }
        case .skiplist(let big):
            var node = big.list.node(atRank: rank + 1)
            while length < limit, let current = node, predicate(current.member, current.score) {
                length += 1
                node = reverse ? current.previous : current.next
            }
        }
        return length
    }

    /// Removes the elements at 0-based `ranks` (`zslDeleteRangeByRank`,
    /// `zzlDeleteRangeByRank`); returns them in order.
    @discardableResult
    func removeRange(_ ranks: Range<Int>) -> [(member: ByteString, score: Double)] {
        let clamped = ranks.clamped(to: 0..<count)
        guard !clamped.isEmpty else { return [] }
        switch storage {
        case .packed(var packed):
            storage = .packed(PackedScores())
            let removed = packed.removeRange(clamped)
            storage = .packed(packed)
            return removed
        case .skiplist(let big):
            var removed: [(member: ByteString, score: Double)] = []
            removed.reserveCapacity(clamped.count)
            big.list.removeRange(clamped) { node in
                big.index.remove(node)
                removed.append((node.member, node.score))
            }
            return removed
        }
    }

    // MARK: Random and scan

    /// A uniformly random element; the set must not be empty.
    func randomElement<R: RandomNumberGenerator>(using generator: inout R) -> (member: ByteString, score: Double) {
        switch storage {
        case .packed(let packed):
            let rank = Int.random(in: 0..<count, using: &generator)
            return packed.elements(rank..<rank + 1)[0]
        case .skiplist(let big):
            let node = big.index.randomNode(using: &generator)!
            return (node.member, node.score)
        }
    }

    /// One step of `ZSCAN`: a compact set is returned whole with cursor 0,
    /// as Redis does for listpacks; a big one walks its table's buckets.
    func scan(cursor: UInt64, _ body: (ByteString, Double) -> Void) -> UInt64 {
        switch storage {
        case .packed:
            forEach(body)
            return 0
        case .skiplist(let big):
            return big.index.scan(cursor: cursor) { body($0.member, $0.score) }
        }
    }

    /// The skiplist's structural check, nil when fine or compact. For tests.
    func checkInvariants() -> String? {
        guard case .skiplist(let big) = storage else { return nil }
        if big.index.count != big.list.count { return "index holds \(big.index.count), list \(big.list.count)" }
        var node = big.list.first
        while let current = node {
            if big.index.find(current.memberBytes) != current { return "index misses \(current.member)" }
            node = current.next
        }
        return big.list.checkInvariants()
    }

    private func convertToSkiplist() {
        guard case .packed(let packed) = storage else { return }
        let big = Big()
        packed.forEach { member, score in
            member.withUnsafeBytes { big.insert($0, score: score) }
        }
        storage = .skiplist(big)
    }
}
