/// The list commands that search or cut a list: `LINSERT`, `LREM`, `LTRIM`
/// and `LPOS` (`t_list.c`). Each is logged as sent when it changed
/// something (it is deterministic given the list), and not at all otherwise.
enum ListEdits {
    static let specs: [CommandSpec] = [
        CommandSpec("linsert", arity: 5, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try insert(context)
        },
        CommandSpec("lrem", arity: 4, flags: [.write], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try remove(context)
        },
        CommandSpec("ltrim", arity: 4, flags: [.write], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try trim(context)
        },
        CommandSpec("lpos", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try positions(context)
        },
    ]

    /// `LINSERT key BEFORE|AFTER pivot element` (`linsertCommand`): the
    /// word is checked first (syntax error), a missing key replies 0, a
    /// missing pivot -1; else the new length. The first pivot from the head
    /// is used.
    static func insert(_ context: CommandContext) throws(CommandError) -> Reply {
        let after: Bool
        if context.argument(2, is: "after") {
            after = true
        } else if context.argument(2, is: "before") {
            after = false
        } else {
            throw .syntax
        }
        let key = context.key(1)
        guard let list = try context.list(key) else { return .integer(0) }
        let pivot = ByteString(context.argv[3])
        var found: Int?
        list.forEach(in: 0..<list.count) { index, element in
            guard element == pivot else { return true }
            found = index
            return false
        }
        guard let found else { return .integer(-1) }
        list.insert(ByteString(context.argv[4]), at: after ? found + 1 : found)
        context.keyModified(key)
        context.emitCommand()
        return .integer(Int64(list.count))
    }

    /// `LREM key count element` (`lremCommand`): removes up to `count`
    /// matches from the head (all for 0, from the tail when negative);
    /// the count is parsed before the key is looked up. An emptied list is
    /// deleted.
    static func remove(_ context: CommandContext) throws(CommandError) -> Reply {
        let wanted = try context.integer(2)
        let key = context.key(1)
        guard let list = try context.list(key) else { return .integer(0) }
        let element = ByteString(context.argv[3])
        let limit = wanted == Int64.min ? UInt64(Int64.max) + 1 : wanted.magnitude
        let fromTail = wanted < 0
        var doomed: [Int] = []
        list.forEach(in: 0..<list.count, reversed: fromTail) { index, candidate in
            guard candidate == element else { return true }
            doomed.append(index)
            return limit == 0 || UInt64(doomed.count) < limit
        }
        guard !doomed.isEmpty else { return .integer(0) }
        if doomed.count == 1 && (doomed[0] == 0 || doomed[0] == list.count - 1) {
            _ = list.pop(atHead: doomed[0] == 0)
        } else {
            list.remove(sortedIndexes: fromTail ? doomed.reversed() : doomed)
        }
        ListCommands.finishRemoval(context, key, list)
        context.emitCommand()
        return .integer(Int64(doomed.count))
    }

    /// `LTRIM key start stop` (`ltrimCommand`): keeps the range `LRANGE`
    /// would return; OK for a missing key; an empty range deletes the list.
    /// Logged only when it removed something.
    static func trim(_ context: CommandContext) throws(CommandError) -> Reply {
        let start = try context.integer(2)
        let stop = try context.integer(3)
        let key = context.key(1)
        guard let list = try context.list(key) else { return .ok }
        let count = list.count
        let kept = ListCommands.clampedRange(start: start, stop: stop, count: count) ?? 0..<0
        let first = kept.isEmpty ? count : kept.lowerBound
        let last = kept.isEmpty ? 0 : count - kept.upperBound
        guard first + last > 0 else { return .ok }
        list.trim(first: first, last: last)
        ListCommands.finishRemoval(context, key, list)
        context.emitCommand()
        return .ok
    }

    /// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`
    /// (`lposCommand`): options parsed left to right (a later one wins),
    /// then the key. RANK counts matches from the head, or from the tail
    /// when negative; COUNT 0 means every match; MAXLEN bounds the elements
    /// compared. Without COUNT: the index or null; with it: an array (empty
    /// for a missing key).
    static func positions(_ context: CommandContext) throws(CommandError) -> Reply {
        var rank: Int64 = 1
        var count: Int64 = -1
        var maxLength: Int64 = 0
        var index = 3
        while index < context.argumentCount {
            let hasValue = index + 1 < context.argumentCount
            if context.argument(index, is: "rank") && hasValue {
                rank = try context.integer(index + 1)
                guard rank != 0 else {
                    throw .err("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                }
            } else if context.argument(index, is: "count") && hasValue {
                count = try nonNegative(context, index + 1, message: "COUNT can't be negative")
            } else if context.argument(index, is: "maxlen") && hasValue {
                maxLength = try nonNegative(context, index + 1, message: "MAXLEN can't be negative")
            } else {
                throw .syntax
            }
            index += 2
        }
        let fromTail = rank < 0
        // RANK -9223372036854775808: Redis's `rank = -rank` leaves it
        // negative, so `matches >= rank` holds from the first match (from
        // the tail) and `matches-rank+1 >= count` never does: the first
        // match, or with COUNT every match (what redis-server 7.0.15 answers).
        let wrappedRank = rank == Int64.min
        let skip = wrappedRank ? 1 : rank.magnitude
        guard let list = try context.list(context.key(1)) else { return count != -1 ? .array([]) : .null }
        let wanted = ByteString(context.argv[2])
        var matches: UInt64 = 0
        var scanned: Int64 = 0
        var found: [Reply] = []
        list.forEach(in: 0..<list.count, reversed: fromTail) { position, element in
            guard maxLength == 0 || scanned < maxLength else { return false }
            scanned += 1
            guard element == wanted else { return true }
            matches += 1
            guard matches >= skip else { return true }
            found.append(.integer(Int64(position)))
            if count == -1 { return false }
            return count == 0 || wrappedRank || UInt64(found.count) < UInt64(count)
        }
        if count != -1 { return .array(found) }
        return found.first ?? .null
    }

    /// `getPositiveLongFromObjectOrReply` with a message: the message is
    /// the reply for a non-integer too.
    private static func nonNegative(_ context: CommandContext, _ index: Int, message: String) throws(CommandError) -> Int64 {
        let value = try context.integer(index, error: .err(message))
        guard value >= 0 else { throw .err(message) }
        return value
    }
}
