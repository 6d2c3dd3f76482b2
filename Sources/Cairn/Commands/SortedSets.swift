/// The sorted-set family (Redis's `t_zset.c`): the table, and the commands
/// that add, remove and look up single members. Ranges are in
/// `SortedSetRanges.swift`, pops and random members in
/// `SortedSetPops.swift`, union/intersection/difference in
/// `SortedSetAlgebra.swift`.
///
/// A write changes the stored `SortedSetObject` in place (the key keeps its
/// TTL) and signals `keyModified`; a new set is stored once it holds a
/// member, and a set emptied by a write is deleted, so no empty key ever
/// exists. Effects are deterministic: `ZADD` logs itself, or with the final
/// score when it incremented (`%.17g` reads back to the same double).
enum SortedSetCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("zadd", arity: -4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try add(context, incrementOnly: false)
        },
        CommandSpec("zincrby", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try add(context, incrementOnly: true)
        },
        CommandSpec("zrem", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            try remove(context)
        },
        CommandSpec("zcard", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            .integer(Int64(try context.zset(context.key(1))?.count ?? 0))
        },
        CommandSpec("zscore", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            guard let score = try context.zset(context.key(1))?.score(ByteString(context.argv[2])) else { return .null }
            return .double(score)
        },
        CommandSpec("zmscore", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            let zset = try context.zset(context.key(1))
            return .array(context.argv[2...].map { member in
                zset?.score(ByteString(member)).map { .double($0) } ?? .null
            })
        },
        CommandSpec("zrank", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            guard let rank = try context.zset(context.key(1))?.rank(ByteString(context.argv[2])) else { return .null }
            return .integer(Int64(rank))
        },
        CommandSpec("zrevrank", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "sorted_set") { context throws(CommandError) in
            guard let rank = try context.zset(context.key(1))?.rank(ByteString(context.argv[2]), reverse: true) else { return .null }
            return .integer(Int64(rank))
        },
    ] + SortedSetRangeCommands.specs + SortedSetPopCommands.specs + SortedSetAlgebraCommands.specs

    // MARK: ZADD

    /// `ZADD`'s options (`zaddGenericCommand`).
    struct AddOptions {
        var nx = false, xx = false, gt = false, lt = false, ch = false, incr = false
    }

    /// What `add(_:score:to:)` did to one member (`zsetAdd`'s out flags).
    enum AddOutcome: Equatable {
        case added, updated, unchanged, skipped
        /// INCR made the score NaN (+inf plus -inf).
        case notANumber
    }

    /// `zsetAdd`: applies one score to one member under the options; returns
    /// what happened and the member's score afterwards (when processed).
    static func add(_ member: ByteString, score: Double, to zset: SortedSetObject, options: AddOptions,
                    limits: EncodingLimits) -> (AddOutcome, Double) {
        if let current = zset.score(member) {
            if options.nx { return (.skipped, current) }
            var score = score
            if options.incr {
                score += current
                if score.isNaN { return (.notANumber, current) }
            }
            if (options.lt && score >= current) || (options.gt && score <= current) { return (.skipped, current) }
            guard score != current else { return (.unchanged, score) }
            zset.update(member, from: current, to: score)
            return (.updated, score)
        }
        if options.xx { return (.skipped, score) }
        zset.insert(member, score: score, limits: limits)
        return (.added, score)
    }

    /// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]`
    /// and `ZINCRBY key increment member` (`zaddGenericCommand`). Options,
    /// then the pair count, then the option conflicts, then every score are
    /// checked before the key is looked up, so an error changes nothing.
    static func add(_ context: CommandContext, incrementOnly: Bool) throws(CommandError) -> Reply {
        var options = AddOptions(incr: incrementOnly)
        var scoreIndex = 2
        while scoreIndex < context.argumentCount {
            if context.argument(scoreIndex, is: "nx") { options.nx = true }
            else if context.argument(scoreIndex, is: "xx") { options.xx = true }
            else if context.argument(scoreIndex, is: "ch") { options.ch = true }
            else if context.argument(scoreIndex, is: "incr") { options.incr = true }
            else if context.argument(scoreIndex, is: "gt") { options.gt = true }
            else if context.argument(scoreIndex, is: "lt") { options.lt = true }
            else { break }
            scoreIndex += 1
        }
        let remaining = context.argumentCount - scoreIndex
        guard remaining > 0, remaining % 2 == 0 else { throw .syntax }
        if options.nx && options.xx { throw .err("XX and NX options at the same time are not compatible") }
        if (options.gt && options.nx) || (options.lt && options.nx) || (options.gt && options.lt) {
            throw .err("GT, LT, and/or NX options at the same time are not compatible")
        }
        if options.incr && remaining > 2 { throw .err("INCR option supports a single increment-element pair") }
        var pairs: [(score: Double, member: ByteString)] = []
        for index in stride(from: scoreIndex, to: context.argumentCount, by: 2) {
            pairs.append((try context.double(index), ByteString(context.argv[index + 1])))
        }

        let key = context.key(1)
        var zset = try context.zset(key)
        let isNew = zset == nil
        if zset == nil {
            if options.xx { return options.incr ? .null : .integer(0) }
            zset = SortedSetObject()
        }
        guard let zset else { return .null }
        var added = 0, updated = 0, processed = 0
        var lastScore = 0.0
        for (score, member) in pairs {
            let (outcome, newScore) = add(member, score: score, to: zset, options: options, limits: context.limits)
            switch outcome {
            case .notANumber:
                // Only INCR (one pair) gets here, before changing anything.
                throw .err("resulting score is not a number (NaN)")
            case .added: added += 1; processed += 1
            case .updated: updated += 1; processed += 1
            case .unchanged: processed += 1
            case .skipped: break
            }
            lastScore = newScore
        }
        if added + updated > 0 {
            if isNew { context.set(key, .zset(zset)) } else { context.keyModified(key) }
            if options.incr {
                context.emit([Bytes(ascii: "ZADD"), key.bytes, Numbers.formatDouble(lastScore), pairs[0].member.bytes])
            } else {
                context.emitCommand()
            }
        }
        if options.incr { return processed > 0 ? .double(lastScore) : .null }
        return .integer(Int64(options.ch ? added + updated : added))
    }

    // MARK: ZREM

    /// `ZREM key member [member ...]` (`zremCommand`): the number removed;
    /// the key goes when its last member does. Logs the members removed.
    static func remove(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard let zset = try context.zset(key) else { return .integer(0) }
        var removed: [Bytes] = []
        for member in context.argv[2...] where zset.remove(ByteString(member)) {
            removed.append(member)
            if zset.count == 0 { break }
        }
        guard !removed.isEmpty else { return .integer(0) }
        finishRemoval(context, key, zset)
        context.emit([Bytes(ascii: "ZREM"), key.bytes] + removed)
        return .integer(Int64(removed.count))
    }

    /// After members were removed: deletes an emptied set, else signals the change.
    static func finishRemoval(_ context: CommandContext, _ key: ByteString, _ zset: SortedSetObject) {
        if zset.count == 0 { context.delete(key) } else { context.keyModified(key) }
    }

    // MARK: Replies

    /// Members, with their scores if asked: a flat array in RESP2, an array
    /// of [member, score] pairs in RESP3 (`zrangeResultBeginClient`: "we
    /// can't use a map response type since the client library needs to
    /// know to respect the order").
    static func reply(_ elements: [(member: ByteString, score: Double)], withScores: Bool, protocolVersion: Int) -> Reply {
        var replies: [Reply] = []
        replies.reserveCapacity(elements.count * (withScores && protocolVersion < 3 ? 2 : 1))
        for (member, score) in elements {
            if !withScores {
                replies.append(.bulk(member))
            } else if protocolVersion >= 3 {
                replies.append(.array([.bulk(member), .double(score)]))
            } else {
                replies.append(.bulk(member))
                replies.append(.double(score))
            }
        }
        return .array(replies)
    }
}
