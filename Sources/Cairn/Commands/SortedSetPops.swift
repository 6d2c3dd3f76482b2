/// ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER and ZSCAN.
///
/// The pops share `popFirstNonEmpty`, the non-blocking core of Redis's
/// `genericZpopCommand`: the blocking variants (BZPOPMIN, BZMPOP) call it
/// again when a key they wait on is written. A pop logs `ZREM` of exactly
/// the members it removed, so replay never depends on order ties.
enum SortedSetPopCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("zpopmin", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try pop(context, highest: false)
        },
        CommandSpec("zpopmax", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try pop(context, highest: true)
        },
        CommandSpec("zmpop", arity: -4, flags: [.write, .movableKeys], group: "sorted_set", keyCountIndex: 1) { context throws(CommandError) in
            try multiPop(context, numberIndex: 1)
        },
        CommandSpec("zrandmember", arity: -2, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try randomMembers(context)
        },
        CommandSpec("zscan", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try scan(context)
        },
    ]

    /// The non-blocking core of every pop (`genericZpopCommand`): finds the
    /// first of `keys` that exists (WRONGTYPE if it is not a sorted set),
    /// removes up to `count` of its lowest (or highest) members, deletes it
    /// if emptied, and logs `ZREM key members...`. Nil when no key exists.
    static func popFirstNonEmpty(_ context: CommandContext, keys: [ByteString], highest: Bool,
                                 count: Int) throws(CommandError) -> (key: ByteString, elements: [(member: ByteString, score: Double)])? {
        for key in keys {
            guard let value = context.lookup(key) else { continue }
            guard case .zset(let zset) = value else { throw .wrongType }
            guard count > 0 else { return (key, []) }
            let taken = min(count, zset.count)
            let ranks = highest ? (zset.count - taken)..<zset.count : 0..<taken
            var elements = zset.removeRange(ranks)
            if highest { elements.reverse() }
            SortedSetCommands.finishRemoval(context, key, zset)
            context.emit([Bytes(ascii: "ZREM"), key.bytes] + elements.map { $0.member.bytes })
            return (key, elements)
        }
        return nil
    }

    /// `ZPOPMIN|ZPOPMAX key [count]` (`zpopMinMaxCommand`): a flat
    /// [member, score, ...] array, except that RESP3 nests pairs when a
    /// count was given; an empty array for a missing key or count 0.
    static func pop(_ context: CommandContext, highest: Bool) throws(CommandError) -> Reply {
        guard context.argumentCount <= 3 else { throw .syntax }
        var count: Int64 = -1
        if context.argumentCount == 3 {
            count = try context.integer(2, error: .notPositive)
            guard count >= 0 else { throw .notPositive }
        }
        guard let popped = try popFirstNonEmpty(context, keys: [context.key(1)], highest: highest,
                                                count: count == -1 ? 1 : Int(clamping: count)) else { return .array([]) }
        let nested = context.protocolVersion >= 3 && count != -1
        return SortedSetCommands.reply(popped.elements, withScores: true, protocolVersion: nested ? 3 : 2)
    }

    /// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`
    /// (`zmpopGenericCommand`): [key, [[member, score], ...]], or a null
    /// array when no key exists. `numberIndex` is where numkeys sits (2 for
    /// BZMPOP, after its timeout).
    static func multiPop(_ context: CommandContext, numberIndex: Int) throws(CommandError) -> Reply {
        let numberError = CommandError.err("numkeys should be greater than 0")
        let keyCount = try context.integer(numberIndex, error: numberError)
        guard keyCount >= 1 else { throw numberError }
        let whereIndex = numberIndex + 1 + Int(clamping: min(keyCount, Int64(context.argumentCount)))
        guard whereIndex < context.argumentCount else { throw .syntax }
        let highest: Bool
        if context.argument(whereIndex, is: "min") { highest = false }
        else if context.argument(whereIndex, is: "max") { highest = true }
        else { throw .syntax }
        let count = try context.multiPopCount(after: whereIndex)
        let keys = (numberIndex + 1..<whereIndex).map { context.key($0) }
        guard let popped = try popFirstNonEmpty(context, keys: keys, highest: highest,
                                                count: count) else { return .nullArray }
        return .array([.bulk(popped.key),
                       SortedSetCommands.reply(popped.elements, withScores: true, protocolVersion: 3)])
    }

    /// `ZRANDMEMBER key [count [WITHSCORES]]` (`zrandmemberCommand`). No
    /// count: one member or null. A positive count: distinct members (the
    /// whole set, in order, when it asks for at least as many); negative:
    /// exactly |count| draws with repetition. Arguments are checked before
    /// the lookup. Reads only: nothing is logged.
    static func randomMembers(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard context.argumentCount >= 3 else {
            guard let zset = try context.zset(key) else { return .null }
            return .bulk(zset.randomElement(using: &context.engine.random).member)
        }
        let requested = try context.integer(2)
        guard requested != .min else {
            throw .err("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
        }
        if context.argumentCount > 4 || (context.argumentCount == 4 && !context.argument(3, is: "withscores")) {
            throw .syntax
        }
        let withScores = context.argumentCount == 4
        if withScores && (requested < -(Int64.max / 2) || requested > Int64.max / 2) {
            throw .err("value is out of range")
        }
        guard let zset = try context.zset(key), requested != 0 else { return .array([]) }
        var elements: [(member: ByteString, score: Double)] = []
        if requested < 0 || requested == 1 {
            let draws = Int(requested.magnitude)
            guard draws <= HashCommands.maxRandomReplyElements / (withScores ? 2 : 1) else { throw .err("value is out of range") }
            elements.reserveCapacity(draws)
            for _ in 0..<draws { elements.append(zset.randomElement(using: &context.engine.random)) }
        } else if requested >= zset.count {
            // CASE 2: the whole set, highest first (`zuiInitIterator` walks
            // sorted sets from the tail).
            elements = zset.allElements.reversed()
        } else {
            // Partial Fisher-Yates over the members (Redis's CASE 3/4 pick
            // the same distribution: every subset equally likely).
            var all = zset.allElements
            let count = Int(requested)
            for index in 0..<count {
                all.swapAt(index, Int.random(in: index..<all.count, using: &context.engine.random))
            }
            elements = Array(all.prefix(count))
        }
        return SortedSetCommands.reply(elements, withScores: withScores, protocolVersion: context.protocolVersion)
    }

    /// `ZSCAN key cursor [MATCH pattern] [COUNT count]`, as HSCAN: scores
    /// are bulk strings (`%.17g`), a compact set comes whole with cursor 0.
    static func scan(_ context: CommandContext) throws(CommandError) -> Reply {
        _ = try ScanArguments.parseCursor(context.argv[2])
        guard let zset = try context.zset(context.key(1)) else { return .scanPage(cursor: 0, []) }
        let arguments = try ScanArguments(context, cursorIndex: 2, allowsType: false)
        var elements: [Reply] = []
        var visited = 0
        let next = arguments.iterate(elementsPerItem: 2, collected: { visited }) { cursor in
            zset.scan(cursor: cursor) { member, score in
                visited += 2
                guard arguments.matches(member) else { return }
                elements.append(.bulk(member))
                elements.append(.bulk(Numbers.formatDouble(score)))
            }
        }
        return .scanPage(cursor: next, elements)
    }
}
