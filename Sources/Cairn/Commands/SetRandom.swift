/// SPOP and SRANDMEMBER (`spopCommand`, `spopWithCountCommand`,
/// `srandmemberCommand`, `srandmemberWithCountCommand`).
///
/// Every pick comes from the engine's seeded random source, so tests replay
/// exactly. SPOP's effect names the members it chose (SREM), or DEL when it
/// took the whole set, so replay never draws again; SRANDMEMBER writes
/// nothing.
enum SetRandom {
    /// SPOP's "CASE 3" threshold (`SPOP_MOVE_STRATEGY_MUL`).
    static let popMoveStrategyMultiplier = 5
    /// SRANDMEMBER's "CASE 3" threshold (`SRANDMEMBER_SUB_STRATEGY_MUL`).
    static let randomSubStrategyMultiplier = 3

    /// `SPOP key [count]`. Without a count: one member (null for a missing
    /// key), logged as `SREM key member`. More than one argument after the
    /// key is a syntax error.
    static func pop(_ context: CommandContext) throws(CommandError) -> Reply {
        if context.argumentCount == 3 { return try popCount(context) }
        guard context.argumentCount == 2 else { throw .syntax }
        let key = context.key(1)
        guard let set = try context.set(key) else { return .null }
        let member = set.randomMember(using: &context.engine.random)
        set.remove(member)
        if set.count == 0 { context.delete(key) } else { context.keyModified(key) }
        context.emit([Bytes(ascii: "SREM"), context.argv[1], member.bytes])
        return .bulk(member)
    }

    /// `SPOP key count` (`spopWithCountCommand`): a RESP3 set of up to
    /// `count` distinct members. The count is checked before the key
    /// (`getPositiveLongFromObjectOrReply`: a non-integer gets the same
    /// "must be positive" message as a negative). A missing key or a zero
    /// count: an empty set, nothing written. Taking the whole set deletes it
    /// and logs `DEL key`. Otherwise, as Redis: when the members left
    /// (`remaining`) are more than a fifth of those taken, draw and remove
    /// one at a time; else pick the members to keep and rebuild the set from
    /// them ("CASE 3", which can turn a hash table back into an intset).
    /// Either way the effect is one `SREM key` of the members taken.
    static func popCount(_ context: CommandContext) throws(CommandError) -> Reply {
        let requested = try context.integer(2, error: .notPositive)
        guard requested >= 0 else { throw .notPositive }
        let key = context.key(1)
        guard let set = try context.set(key) else { return .set([]) }
        guard requested > 0 else { return .set([]) }
        let size = set.count
        if requested >= Int64(size) {
            let all = set.members
            context.delete(key)
            context.emit([Bytes(ascii: "DEL"), context.argv[1]])
            return .set(all.map { .bulk($0) })
        }
        let count = Int(requested)
        let remaining = size - count
        var taken: [ByteString] = []
        taken.reserveCapacity(count)
        if remaining * popMoveStrategyMultiplier > count {
            for _ in 0..<count {
                let member = set.randomMember(using: &context.engine.random)
                set.remove(member)
                taken.append(member)
            }
        } else {
            var all = set.members
            for index in 0..<remaining {
                all.swapAt(index, context.random(in: index..<all.count))
            }
            set.rebuild(from: Array(all[..<remaining]), limits: context.limits)
            taken = Array(all[remaining...])
        }
        context.keyModified(key)
        context.emit([Bytes(ascii: "SREM"), context.argv[1]] + taken.map(\.bytes))
        return .set(taken.map { .bulk($0) })
    }

    /// `SRANDMEMBER key [count]`. Without a count: one member, or null.
    /// With one (`srandmemberWithCountCommand`; checked before the key is
    /// looked up, within ±LONG_MAX): a missing key or 0 gives an empty
    /// array; a negative count |count| independent draws (repeats allowed);
    /// a positive count distinct members: the whole set when it has no more
    /// than asked, else a uniform sample. Replies are arrays, not sets.
    ///
    /// Redis streams a negative count's draws without bound; Cairn builds
    /// the reply first, so past `HashCommands.maxRandomReplyElements` it
    /// answers "value is out of range" as HRANDFIELD does.
    static func randomMembers(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard context.argumentCount >= 3 else {
            guard let set = try context.set(key) else { return .null }
            return .bulk(set.randomMember(using: &context.engine.random))
        }
        guard context.argumentCount == 3 else { throw .syntax }
        let requested = try context.integer(2)
        guard requested != .min else {
            throw .err("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
        }
        guard let set = try context.set(key), requested != 0 else { return .array([]) }
        if requested < 0 || requested == 1 {
            let draws = Int(requested.magnitude)
            guard draws <= HashCommands.maxRandomReplyElements else { throw .err("value is out of range") }
            var elements: [Reply] = []
            elements.reserveCapacity(draws)
            for _ in 0..<draws { elements.append(.bulk(set.randomMember(using: &context.engine.random))) }
            return .array(elements)
        }
        let count = Int(clamping: requested)
        return .array(distinctSample(set, count, context).map { .bulk($0) })
    }

    /// `count` distinct members chosen uniformly: the whole set (storage
    /// order) when it has no more; rejection of repeats when the set has
    /// at least three times as many ("CASE 4"); else a partial Fisher-Yates
    /// shuffle of all members (Redis's "CASE 3" removes random members from
    /// a copy until `count` are left: the same distribution).
    static func distinctSample(_ set: SetObject, _ count: Int, _ context: CommandContext) -> [ByteString] {
        guard count < set.count else { return set.members }
        if count * randomSubStrategyMultiplier <= set.count {
            var seen = Set<ByteString>(minimumCapacity: count)
            var result: [ByteString] = []
            result.reserveCapacity(count)
            while result.count < count {
                let member = set.randomMember(using: &context.engine.random)
                if seen.insert(member).inserted { result.append(member) }
            }
            return result
        }
        var all = set.members
        for index in 0..<count {
            all.swapAt(index, context.random(in: index..<all.count))
        }
        return Array(all[..<count])
    }
}
