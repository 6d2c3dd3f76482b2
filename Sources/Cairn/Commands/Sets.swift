/// The set family (Redis's `t_set.c`): the command table and the single-key
/// commands. Random picks live in SetRandom.swift, the multi-key algebra
/// (SINTER, SUNION, SDIFF and their STORE forms) in SetAlgebra.swift.
///
/// A write changes the stored `SetObject` in place, so the key keeps its
/// TTL; a new set is stored once it holds its first member, so a failed
/// command never leaves an empty key behind. A set left empty is deleted
/// with its key, as Redis does. Effects name exactly what changed: SADD as
/// sent, SREM with the members really removed, SPOP as the SREM (or DEL) it
/// amounted to.
enum SetCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("sadd", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            try add(context)
        },
        CommandSpec("srem", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            try remove(context)
        },
        CommandSpec("smove", arity: 4, flags: [.write, .fast], keys: (1, 2, 1), group: "set") { context throws(CommandError) in
            try move(context)
        },
        CommandSpec("sismember", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            let present = try context.set(context.key(1))?.contains(ByteString(context.argv[2])) ?? false
            return .integer(present ? 1 : 0)
        },
        CommandSpec("smismember", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            // A missing key is an empty set: one 0 per member (`smismemberCommand`).
            let set = try context.set(context.key(1))
            return .array(context.argv[2...].map { member in
                .integer(set?.contains(ByteString(member)) == true ? 1 : 0)
            })
        },
        CommandSpec("scard", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            .integer(Int64(try context.set(context.key(1))?.count ?? 0))
        },
        // SMEMBERS is `sinterCommand` over one key in Redis 7.0: a RESP3 set.
        CommandSpec("smembers", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            guard let set = try context.set(context.key(1)) else { return .set([]) }
            return .set(set.members.map { .bulk($0) })
        },
        CommandSpec("spop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            try SetRandom.pop(context)
        },
        CommandSpec("srandmember", arity: -2, flags: [.readonly], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            try SetRandom.randomMembers(context)
        },
        CommandSpec("sinter", arity: -2, flags: [.readonly], keys: (1, -1, 1), group: "set") { context throws(CommandError) in
            try SetAlgebra.inter(context)
        },
        CommandSpec("sintercard", arity: -3, flags: [.readonly, .movableKeys], group: "set") { context throws(CommandError) in
            try SetAlgebra.interCard(context)
        },
        CommandSpec("sinterstore", arity: -3, flags: [.write, .denyOOM], keys: (1, -1, 1), group: "set") { context throws(CommandError) in
            try SetAlgebra.interStore(context)
        },
        CommandSpec("sunion", arity: -2, flags: [.readonly], keys: (1, -1, 1), group: "set") { context throws(CommandError) in
            try SetAlgebra.unionOrDiff(context, .union, store: false)
        },
        CommandSpec("sunionstore", arity: -3, flags: [.write, .denyOOM], keys: (1, -1, 1), group: "set") { context throws(CommandError) in
            try SetAlgebra.unionOrDiff(context, .union, store: true)
        },
        CommandSpec("sdiff", arity: -2, flags: [.readonly], keys: (1, -1, 1), group: "set") { context throws(CommandError) in
            try SetAlgebra.unionOrDiff(context, .diff, store: false)
        },
        CommandSpec("sdiffstore", arity: -3, flags: [.write, .denyOOM], keys: (1, -1, 1), group: "set") { context throws(CommandError) in
            try SetAlgebra.unionOrDiff(context, .diff, store: true)
        },
        CommandSpec("sscan", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "set") { context throws(CommandError) in
            try scan(context)
        },
    ]

    // MARK: Writes

    /// `SADD key member [member ...]` (`saddCommand`): the number of new
    /// members. A new set starts in the encoding its first argument allows
    /// (`setTypeCreate`). Logged as sent when it added anything (re-adding
    /// the old members on replay changes nothing).
    static func add(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        let existing = try context.set(key)
        let set = existing ?? SetObject(for: ByteString(context.argv[2]))
        var added: Int64 = 0
        for member in context.argv[2...] where set.add(ByteString(member), limits: context.limits) {
            added += 1
        }
        guard added > 0 else { return .integer(0) }
        if existing == nil { context.set(key, .set(set)) } else { context.keyModified(key) }
        context.emitCommand()
        return .integer(added)
    }

    /// `SREM key member [member ...]` (`sremCommand`): the number removed.
    /// The set is deleted the moment it is empty and the loop stops there.
    /// The effect lists only the members removed; replaying it empties and
    /// deletes the key the same way.
    static func remove(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard let set = try context.set(key) else { return .integer(0) }
        var removed: [Bytes] = []
        var keyRemoved = false
        for member in context.argv[2...] where set.remove(ByteString(member)) {
            removed.append(member)
            if set.count == 0 {
                context.delete(key)
                keyRemoved = true
                break
            }
        }
        guard !removed.isEmpty else { return .integer(0) }
        if !keyRemoved { context.keyModified(key) }
        context.emit([Bytes(ascii: "SREM"), context.argv[1]] + removed)
        return .integer(Int64(removed.count))
    }

    /// `SMOVE source destination member` (`smoveCommand`): 1 if the member
    /// was moved. A missing source answers 0 before any type check (so a
    /// wrong-typed destination goes unnoticed); then the source's type, then
    /// the destination's. Source and destination the same key: 1 if member,
    /// nothing written. A source left empty is deleted; a missing
    /// destination is created in the encoding the member allows. Logged as
    /// itself, which replays deterministically.
    static func move(_ context: CommandContext) throws(CommandError) -> Reply {
        let sourceKey = context.key(1), destinationKey = context.key(2)
        let sourceValue = context.lookup(sourceKey)
        let destinationValue = context.lookup(destinationKey)
        guard let sourceValue else { return .integer(0) }
        guard case .set(let source) = sourceValue else { throw .wrongType }
        var destination: SetObject?
        switch destinationValue {
        case nil: destination = nil
        case .set(let set): destination = set
        default: throw .wrongType
        }
        let member = ByteString(context.argv[3])
        if destination === source { return .integer(source.contains(member) ? 1 : 0) }
        guard source.remove(member) else { return .integer(0) }
        if source.count == 0 { context.delete(sourceKey) } else { context.keyModified(sourceKey) }
        if let destination {
            if destination.add(member, limits: context.limits) { context.keyModified(destinationKey) }
        } else {
            let created = SetObject(for: member)
            created.add(member, limits: context.limits)
            context.set(destinationKey, .set(created))
        }
        context.emitCommand()
        return .integer(1)
    }

    // MARK: SSCAN

    /// `SSCAN key cursor [MATCH pattern] [COUNT count]` (`sscanCommand`):
    /// the cursor is parsed first, then the key looked up (missing: an empty
    /// page; another type: WRONGTYPE), then the options. An intset is
    /// returned whole with cursor 0, as Redis does; a table bucket by
    /// bucket, COUNT counting members before MATCH filters them.
    static func scan(_ context: CommandContext) throws(CommandError) -> Reply {
        _ = try ScanArguments.parseCursor(context.argv[2])
        guard let set = try context.set(context.key(1)) else { return .scanPage(cursor: 0, []) }
        let arguments = try ScanArguments(context, cursorIndex: 2, allowsType: false)
        var elements: [Reply] = []
        var visited = 0
        let next = arguments.iterate(collected: { visited }) { cursor in
            set.scan(cursor: cursor) { member in
                visited += 1
                if arguments.matches(member) { elements.append(.bulk(member)) }
            }
        }
        return .scanPage(cursor: next, elements)
    }
}
