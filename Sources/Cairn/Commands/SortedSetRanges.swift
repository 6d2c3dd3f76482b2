#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A score interval (`zrangespec`): `(` before a bound makes it exclusive.
struct ScoreRange {
    var min: Double, max: Double
    var minExclusive = false, maxExclusive = false

    /// `zslParseRange`. Unlike every other number Redis reads, the bounds
    /// go through bare `strtod` on the C string: leading blanks, hex, and
    /// an out-of-range `1e400` (infinity) are accepted, text after a NUL is
    /// ignored, and an empty bound reads as 0; only leftovers and NaN fail.
    init(_ minText: Bytes, _ maxText: Bytes) throws(CommandError) {
        let error = CommandError.err("min or max is not a float")
        guard let min = ScoreRange.bound(minText), let max = ScoreRange.bound(maxText) else { throw error }
        (self.min, minExclusive) = min
        (self.max, maxExclusive) = max
    }

    private static func bound(_ text: Bytes) -> (Double, Bool)? {
        let exclusive = text.first == UInt8(ascii: "(")
        var terminated = Array(exclusive ? text.dropFirst() : text[...])
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer -> (Double, Bool)? in
            let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &end)
            guard let end, end.pointee == 0, !value.isNaN else { return nil }
            return (value, exclusive)
        }
    }

    /// `zslValueGteMin`.
    func atLeastMin(_ score: Double) -> Bool { minExclusive ? score > min : score >= min }
    /// `zslValueLteMax`.
    func atMostMax(_ score: Double) -> Bool { maxExclusive ? score < max : score <= max }

    /// The 0-based ranks the interval covers in `zset`: from the first
    /// element not below `min` (`zslFirstInRange`) to the last not above `max`.
    func ranks(in zset: SortedSetObject) -> Range<Int> {
        let start = zset.prefixCount(whileScore: { !atLeastMin($0) })
        let end = zset.prefixCount(whileScore: { atMostMax($0) })
        return start..<Swift.max(start, end)
    }
}

/// A member interval for the BYLEX commands (`zlexrangespec`): `-` and `+`
/// are the ends, `[` inclusive, `(` exclusive. Redis leaves the answer
/// unspecified when members have different scores; this compares members
/// only, in the set's order, as Redis does.
struct LexRange {
    enum Bound {
        case minimum, maximum
        case inclusive(ByteString), exclusive(ByteString)
    }

    var min: Bound, max: Bound

    /// `zslParseLexRange`.
    init(_ minText: Bytes, _ maxText: Bytes) throws(CommandError) {
        guard let min = LexRange.bound(minText), let max = LexRange.bound(maxText) else {
            throw .err("min or max not valid string range item")
        }
        self.min = min
        self.max = max
    }

    /// `zslParseLexRangeItem`: `+` and `-` must stand alone (as C strings:
    /// a NUL may follow).
    private static func bound(_ text: Bytes) -> Bound? {
        guard let first = text.first else { return nil }
        switch first {
        case UInt8(ascii: "+"): return text.count == 1 || text[1] == 0 ? .maximum : nil
        case UInt8(ascii: "-"): return text.count == 1 || text[1] == 0 ? .minimum : nil
        case UInt8(ascii: "("): return .exclusive(ByteString(text.dropFirst()))
        case UInt8(ascii: "["): return .inclusive(ByteString(text.dropFirst()))
        default: return nil
        }
    }

    /// `zslLexValueGteMin`.
    func atLeastMin(_ member: ByteString) -> Bool {
        switch min {
        case .minimum: return true
        case .maximum: return false
        case .inclusive(let value): return member >= value
        case .exclusive(let value): return member > value
        }
    }

    /// `zslLexValueLteMax`.
    func atMostMax(_ member: ByteString) -> Bool {
        switch max {
        case .minimum: return false
        case .maximum: return true
        case .inclusive(let value): return member <= value
        case .exclusive(let value): return member < value
        }
    }

    /// Whether no member can be in the range (`zslIsInLexRange`'s first
    /// test, `sdscmplex`: `-` sorts below and `+` above every string).
    var isEmpty: Bool {
        func order(_ bound: Bound) -> (Int, ByteString) {
            switch bound {
            case .minimum: return (0, ByteString())
            case .maximum: return (2, ByteString())
            case .inclusive(let value), .exclusive(let value): return (1, value)
            }
        }
        func exclusive(_ bound: Bound) -> Bool {
            switch bound {
            case .inclusive: return false
            default: return true
            }
        }
        let low = order(min), high = order(max)
        if low.0 != high.0 { return low.0 > high.0 }
        if low.1 != high.1 { return low.1 > high.1 }
        return exclusive(min) || exclusive(max)
    }

    /// The forward ranks Redis's BYLEX walks cover. Reading forward: from
    /// the first member at least `min` (`zslFirstInLexRange`) on while
    /// members stay at most `max`; reading in `reverse`: from the last
    /// member at most `max` (`zslLastInLexRange`) back while members stay
    /// at least `min`; either only if the set passes `zslIsInLexRange`
    /// (its last member at least `min`, its first at most `max`). A walk
    /// stops after `needed` members (the reply's LIMIT). `removing` follows
    /// `zslDeleteRangeByLex`, which skips the `zslIsInLexRange` test on a
    /// skiplist (the listpack's `zzlDeleteRangeByLex` does not).
    ///
    /// With equal scores this is plain member order. With mixed scores
    /// Redis's answer depends on these walks: a compact set replays them
    /// exactly (its order is the listpack's); on a skiplist the first
    /// member is found by the descent, whose path depends on node levels
    /// Redis draws at random, so Redis itself is not reproducible there.
    func ranks(in zset: SortedSetObject, reverse: Bool = false, needed: Int = .max,
               removing: Bool = false) -> Range<Int> {
        let count = zset.count
        guard !isEmpty, count > 0 else { return 0..<0 }
        if !(removing && !zset.isCompact) {
            guard let first = zset.elements(0..<1).first, let last = zset.elements(count - 1..<count).first,
                  atLeastMin(last.member), atMostMax(first.member) else { return 0..<0 }
        }
        if zset.isCompact {
            let members = zset.allElements.map(\.member)
            if reverse {
                guard let end = members.lastIndex(where: atMostMax), atLeastMin(members[end]) else { return 0..<0 }
                let length = zset.runLength(from: end, reverse: true, limit: needed) { member, _ in atLeastMin(member) }
                return end + 1 - length..<end + 1
            }
            guard let start = members.firstIndex(where: atLeastMin), atMostMax(members[start]) else { return 0..<0 }
            return start..<start + zset.runLength(from: start, reverse: false, limit: needed) { member, _ in atMostMax(member) }
        }
        if reverse {
            let end = zset.prefixCount { member, _ in atMostMax(member) }
            let length = zset.runLength(from: end - 1, reverse: true, limit: needed) { member, _ in atLeastMin(member) }
            return end - length..<end
        }
        let start = zset.prefixCount { member, _ in !atLeastMin(member) }
        return start..<start + zset.runLength(from: start, reverse: false, limit: needed) { member, _ in atMostMax(member) }
    }

    /// `ZLEXCOUNT`: on a skiplist from the ranks of the first and last
    /// members in range (`zslGetRank` of `zslFirstInLexRange` and
    /// `zslLastInLexRange`), on a compact set by the forward walk.
    func count(in zset: SortedSetObject) -> Int {
        guard !zset.isCompact else { return ranks(in: zset).count }
        let first = ranks(in: zset, needed: 1)
        let last = ranks(in: zset, reverse: true, needed: 1)
        guard !first.isEmpty, !last.isEmpty else { return 0 }
        return Swift.max(0, last.upperBound - first.lowerBound)
    }
}

/// A range request of the ZRANGE family, parsed (`zrangeGenericCommand`).
struct RangeRequest {
    enum Kind { case rank, score, lex }
    enum Bounds {
        case rank(Int64, Int64)
        case score(ScoreRange)
        case lex(LexRange)
    }

    var bounds: Bounds
    var reverse: Bool
    var withScores = false
    var offset: Int64 = 0
    var limit: Int64 = -1

    /// Parses `argv[keyIndex + 1 ...]`: min, max, then the options. `kind`
    /// and `reverse` are fixed by the old commands (ZREVRANGEBYSCORE, ...),
    /// nil for ZRANGE and ZRANGESTORE, which read BYSCORE/BYLEX/REV.
    init(_ context: CommandContext, keyIndex: Int, store: Bool, kind fixedKind: Kind?, reverse fixedReverse: Bool?) throws(CommandError) {
        var kind = fixedKind
        var reverse = fixedReverse
        var index = keyIndex + 3
        while index < context.argumentCount {
            let left = context.argumentCount - index - 1
            if !store && context.argument(index, is: "withscores") {
                withScores = true
            } else if context.argument(index, is: "limit") && left >= 2 {
                offset = try context.integer(index + 1)
                limit = try context.integer(index + 2)
                index += 2
            } else if fixedReverse == nil && context.argument(index, is: "rev") {
                reverse = true
            } else if fixedKind == nil && kind == nil && context.argument(index, is: "bylex") {
                kind = .lex
            } else if fixedKind == nil && kind == nil && context.argument(index, is: "byscore") {
                kind = .score
            } else {
                throw .syntax
            }
            index += 1
        }
        let resolvedKind = kind ?? .rank
        self.reverse = reverse ?? false
        if limit != -1 && resolvedKind == .rank {
            throw .err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
        }
        if withScores && resolvedKind == .lex {
            throw .err("syntax error, WITHSCORES not supported in combination with BYLEX")
        }
        var minIndex = keyIndex + 1, maxIndex = keyIndex + 2
        if self.reverse && resolvedKind != .rank { swap(&minIndex, &maxIndex) }
        switch resolvedKind {
        case .rank: bounds = .rank(try context.integer(minIndex), try context.integer(maxIndex))
        case .score: bounds = .score(try ScoreRange(context.argv[minIndex], context.argv[maxIndex]))
        case .lex: bounds = .lex(try LexRange(context.argv[minIndex], context.argv[maxIndex]))
        }
    }

    /// The selected elements, in reply order (`genericZrangebyrankCommand`,
    /// `genericZrangebyscoreCommand`, `genericZrangebylexCommand`).
    func elements(of zset: SortedSetObject) -> [(member: ByteString, score: Double)] {
        let covered: Range<Int>
        switch bounds {
        case .rank(let start, let end):
            guard let ranks = SortedSetRangeCommands.rankRange(start, end, count: zset.count) else { return [] }
            return zset.elements(ranks, reverse: reverse)
        case .score(let range):
            // A negative offset walks past the end (`while (ln && offset--)`).
            guard offset >= 0 else { return [] }
            return zset.elements(scoresFrom: range.atLeastMin, to: range.atMostMax, reverse: reverse,
                                 offset: Int(clamping: offset), limit: limit < 0 ? .max : Int(clamping: limit))
        case .lex(let range):
            let needed = limit < 0 ? Int.max : Int(clamping: offset).addingReportingOverflow(Int(clamping: limit)).partialValue
            covered = range.ranks(in: zset, reverse: reverse, needed: needed < 0 ? Int.max : needed)
        }
        // A negative offset walks past the end (`while (ln && offset--)`);
        // a negative limit means no limit.
        guard offset >= 0, offset < covered.count else { return [] }
        let available = covered.count - Int(offset)
        let taken = limit < 0 ? available : min(available, Int(clamping: limit))
        let window = reverse
            ? (covered.upperBound - Int(offset) - taken)..<(covered.upperBound - Int(offset))
            : (covered.lowerBound + Int(offset))..<(covered.lowerBound + Int(offset) + taken)
        let total = zset.count
        return reverse
            ? zset.elements((total - window.upperBound)..<(total - window.lowerBound), reverse: true)
            : zset.elements(window)
    }
}

/// The range commands: ZRANGE and its older spellings, ZRANGESTORE, ZCOUNT,
/// ZLEXCOUNT and the ZREMRANGEBY* trio.
enum SortedSetRangeCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("zrange", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try range(context, kind: nil, reverse: nil)
        },
        CommandSpec("zrevrange", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try range(context, kind: .rank, reverse: true)
        },
        CommandSpec("zrangebyscore", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try range(context, kind: .score, reverse: false)
        },
        CommandSpec("zrevrangebyscore", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try range(context, kind: .score, reverse: true)
        },
        CommandSpec("zrangebylex", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try range(context, kind: .lex, reverse: false)
        },
        CommandSpec("zrevrangebylex", arity: -4, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try range(context, kind: .lex, reverse: true)
        },
        CommandSpec("zrangestore", arity: -5, flags: [.write, .denyOOM], keys: (1, 2, 1), group: "sorted_set") { context throws(CommandError) in
            try rangeStore(context)
        },
        CommandSpec("zcount", arity: 4, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            let range = try ScoreRange(context.argv[2], context.argv[3])
            guard let zset = try context.zset(context.key(1)) else { return .integer(0) }
            return .integer(Int64(range.ranks(in: zset).count))
        },
        CommandSpec("zlexcount", arity: 4, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            let range = try LexRange(context.argv[2], context.argv[3])
            guard let zset = try context.zset(context.key(1)) else { return .integer(0) }
            return .integer(Int64(range.count(in: zset)))
        },
        CommandSpec("zremrangebyrank", arity: 4, flags: [.write], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            let start = try context.integer(2), end = try context.integer(3)
            return try removeRange(context) { rankRange(start, end, count: $0.count) ?? 0..<0 }
        },
        CommandSpec("zremrangebyscore", arity: 4, flags: [.write], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            let range = try ScoreRange(context.argv[2], context.argv[3])
            return try removeRange(context) { range.ranks(in: $0) }
        },
        CommandSpec("zremrangebylex", arity: 4, flags: [.write], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            let range = try LexRange(context.argv[2], context.argv[3])
            return try removeRange(context) { range.ranks(in: $0, removing: true) }
        },
    ]

    /// Redis's index sanitizing for rank ranges: negative counts from the
    /// end, the start is clamped to 0, the end to the last element; nil
    /// when nothing is left.
    static func rankRange(_ start: Int64, _ end: Int64, count: Int) -> Range<Int>? {
        let length = Int64(count)
        var start = start < 0 ? length + start : start
        var end = end < 0 ? length + end : end
        if start < 0 { start = 0 }
        guard start <= end, start < length else { return nil }
        if end >= length { end = length - 1 }
        return Int(start)..<Int(end) + 1
    }

    /// ZRANGE and the older spellings: parse everything, then look up.
    static func range(_ context: CommandContext, kind: RangeRequest.Kind?, reverse: Bool?) throws(CommandError) -> Reply {
        let request = try RangeRequest(context, keyIndex: 1, store: false, kind: kind, reverse: reverse)
        guard let zset = try context.zset(context.key(1)) else { return .array([]) }
        return SortedSetCommands.reply(request.elements(of: zset), withScores: request.withScores,
                                       protocolVersion: context.protocolVersion)
    }

    /// `ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]`:
    /// the number stored; an empty result deletes `dst`. The destination
    /// loses its TTL (`setKey`). Logs itself: the source is in the same
    /// state on replay.
    static func rangeStore(_ context: CommandContext) throws(CommandError) -> Reply {
        let request = try RangeRequest(context, keyIndex: 2, store: true, kind: nil, reverse: nil)
        let elements = try context.zset(context.key(2)).map { request.elements(of: $0) } ?? []
        return store(context, destination: context.key(1), elements)
    }

    /// Stores a computed result at `destination` (compact when it fits, as
    /// `zsetConvertToListpackIfNeeded`), or deletes it when empty; replies
    /// the count and logs the command when anything changed.
    static func store(_ context: CommandContext, destination: ByteString,
                      _ elements: [(member: ByteString, score: Double)]) -> Reply {
        guard !elements.isEmpty else {
            if context.delete(destination) { context.emitCommand() }
            return .integer(0)
        }
        context.set(destination, .zset(SortedSetObject(elements, limits: context.limits)))
        context.emitCommand()
        return .integer(Int64(elements.count))
    }

    /// ZREMRANGEBYRANK/SCORE/LEX (`zremrangeGenericCommand`): the range is
    /// parsed before the lookup; the count removed; logs itself.
    static func removeRange(_ context: CommandContext, _ ranks: (SortedSetObject) -> Range<Int>) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard let zset = try context.zset(key) else { return .integer(0) }
        let removed = zset.removeRange(ranks(zset)).count
        guard removed > 0 else { return .integer(0) }
        SortedSetCommands.finishRemoval(context, key, zset)
        context.emitCommand()
        return .integer(Int64(removed))
    }
}
