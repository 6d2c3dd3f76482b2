#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SORT and SORT_RO (sort.c `sortCommandGeneric`).
enum SortCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("sort", arity: -2, flags: [.write, .denyOOM, .movableKeys], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            try Sort.run(context, readonly: false)
        },
        CommandSpec("sort_ro", arity: -2, flags: [.readonly, .movableKeys], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            try Sort.run(context, readonly: true)
        },
    ]
}

/// The sorting itself, step by step as sort.c does it: parse every option,
/// check the key's type (a missing key sorts as an empty list), pick the
/// elements, weigh them, sort, cut the LIMIT range, then apply the GET
/// patterns and reply or STORE.
///
/// STORE writes a list (an empty result deletes the destination instead)
/// and logs the result itself, `DEL dst` + `RPUSH dst ...`: BY and GET read
/// other keys, so replaying the command could not be trusted to give the
/// same list.
enum Sort {
    static let conversionError = CommandError.err("One or more scores can't be converted into double")

    static func run(_ context: CommandContext, readonly: Bool) throws(CommandError) -> Reply {
        var options = try SortOptions(context.argv, readonly: readonly)
        let source = context.lookup(context.key(1))
        let length: Int
        switch source {
        case nil: length = 0
        case .list(let list)?: length = list.count
        case .set(let set)?: length = set.count
        case .zset(let zset)?: length = zset.count
        default: throw .wrongType
        }
        // A set has no order of its own: when its unsorted result is stored,
        // Redis sorts it ALPHA (without BY) so replicas agree.
        if options.dontSort, case .set? = source, options.storeKey != nil {
            options.dontSort = false
            options.alpha = true
            options.byPattern = nil
        }
        let (start, end) = options.range(length: length)
        let selected = try select(source, options: options, start: start, end: end, context: context)
        return output(selected, options: options, context: context)
    }

    /// The elements of the LIMIT range, in output order. Lists and sorted
    /// sets keep their own order under BY without `*` (DESC reverses it);
    /// a set's is its iteration order.
    private static func select(_ source: Value?, options: SortOptions, start: Int, end: Int,
                               context: CommandContext) throws(CommandError) -> [ByteString] {
        guard start <= end else {
            // Nothing to output, but Redis still weighs (and may refuse) the elements.
            if !options.dontSort { _ = try sorted(allElements(source), options: options, context: context) }
            return []
        }
        if options.dontSort {
            switch source {
            case .list(let list)?:
                let count = list.count
                return options.descending
                    ? list.elements(in: (count - end - 1)..<(count - start), reversed: true)
                    : list.elements(in: start..<(end + 1))
            case .zset(let zset)?:
                return zset.elements(start..<(end + 1), reverse: options.descending).map(\.member)
            default:
                return Array(allElements(source)[start...end])
            }
        }
        let ordered = try sorted(allElements(source), options: options, context: context)
        return Array(ordered[start...end])
    }

    private static func allElements(_ source: Value?) -> [ByteString] {
        switch source {
        case .list(let list)?: return list.elements
        case .set(let set)?: return set.members
        case .zset(let zset)?:
            var members: [ByteString] = []
            members.reserveCapacity(zset.count)
            zset.forEach { member, _ in members.append(member) }
            return members
        default: return []
        }
    }

    /// `sortCompare` over the weights: numbers (ties broken by the elements'
    /// bytes), or with ALPHA the BY values (a missing one first) or the
    /// elements. A reply compares text as `strcoll` in the C locale does (up
    /// to the first NUL); STORE compares whole byte strings (`memcmp`), as
    /// Redis does for determinism. Equal weights keep their input order, as
    /// glibc's merge-sorting `qsort` does.
    private static func sorted(_ elements: [ByteString], options: SortOptions,
                               context: CommandContext) throws(CommandError) -> [ByteString] {
        let count = elements.count
        let texts = elements.map(\.bytes)
        var scores = [Double](repeating: 0, count: count)
        var weights = [Bytes?](repeating: nil, count: count)
        var failed = false
        for index in 0..<count {
            var value = elements[index]
            if let pattern = options.byPattern {
                guard let found = SortPattern.lookup(pattern, element: value, in: context) else { continue }
                value = found
            }
            if options.alpha {
                if options.byPattern != nil { weights[index] = value.bytes }
            } else if let score = SortPattern.weight(value) {
                scores[index] = score
            } else {
                failed = true
            }
        }
        if failed { throw conversionError }
        let wholeBytes = options.storeKey != nil
        func compareText(_ a: Bytes, _ b: Bytes) -> Int {
            wholeBytes ? compareBytes(a, b) : compareCStrings(a, b)
        }
        func compare(_ a: Int, _ b: Int) -> Int {
            let result: Int
            if !options.alpha {
                if scores[a] != scores[b] {
                    result = scores[a] > scores[b] ? 1 : -1
                } else {
                    result = compareBytes(texts[a], texts[b])
                }
            } else if options.byPattern != nil {
                switch (weights[a], weights[b]) {
                case (nil, nil): result = 0
                case (nil, _): result = -1
                case (_, nil): result = 1
                case let (left?, right?): result = compareText(left, right)
                }
            } else {
                result = compareText(texts[a], texts[b])
            }
            return options.descending ? -result : result
        }
        let order = (0..<count).sorted { a, b in
            let result = compare(a, b)
            return result != 0 ? result < 0 : a < b
        }
        return order.map { elements[$0] }
    }

    /// `memcmp`, then the shorter first (`compareStringObjects`).
    static func compareBytes(_ a: Bytes, _ b: Bytes) -> Int {
        let common = min(a.count, b.count)
        let result = a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common) }
        }
        if result != 0 { return result < 0 ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// `strcmp`: bytes up to the first NUL (what `strcoll` is in the C locale).
    static func compareCStrings(_ a: Bytes, _ b: Bytes) -> Int {
        compareBytes(Array(a.prefix { $0 != 0 }), Array(b.prefix { $0 != 0 }))
    }

    /// The reply (each element, or its GET values: nil for a missing one),
    /// or with STORE the stored list's length (missing GET values stored as
    /// empty strings).
    private static func output(_ selected: [ByteString], options: SortOptions, context: CommandContext) -> Reply {
        let patterns = options.getPatterns
        var values: [ByteString?] = []
        if patterns.isEmpty {
            values = selected
        } else {
            values.reserveCapacity(selected.count * patterns.count)
            for element in selected {
                for pattern in patterns {
                    values.append(SortPattern.lookup(pattern, element: element, in: context))
                }
            }
        }
        guard let storeKey = options.storeKey else {
            return .array(values.map { $0.map(Reply.bulk) ?? .null })
        }
        let destination = ByteString(storeKey)
        if values.isEmpty {
            if context.delete(destination) { context.emit([Bytes(ascii: "DEL"), storeKey]) }
        } else {
            let stored = values.map { $0 ?? ByteString(Bytes()) }
            context.set(destination, .list(ListObject(stored)))
            context.emit([Bytes(ascii: "DEL"), storeKey])
            context.emit([Bytes(ascii: "RPUSH"), storeKey] + stored.map(\.bytes))
        }
        return .integer(Int64(values.count))
    }
}
