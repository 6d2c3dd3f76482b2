/// The list commands over several keys: `LMOVE`, `RPOPLPUSH` and `LMPOP`
/// (`t_list.c`). Their cores, `move` and `popFirstNonEmpty`, take the keys
/// and ends directly, so the blocking forms (`BLMOVE`, `BRPOPLPUSH`,
/// `BLMPOP`, `BLPOP`) can call them once a list has elements, and log the
/// same effects.
enum ListMoves {
    static let specs: [CommandSpec] = [
        CommandSpec("lmove", arity: 5, flags: [.write, .denyOOM], keys: (1, 2, 1), group: "list") { context throws(CommandError) in
            let fromHead = try end(context, 3)
            let toHead = try end(context, 4)
            return try move(context, source: context.key(1), destination: context.key(2), fromHead: fromHead, toHead: toHead)
                .map { .bulk($0) } ?? .null
        },
        CommandSpec("rpoplpush", arity: 3, flags: [.write, .denyOOM], keys: (1, 2, 1), group: "list") { context throws(CommandError) in
            try move(context, source: context.key(1), destination: context.key(2), fromHead: false, toHead: true)
                .map { .bulk($0) } ?? .null
        },
        CommandSpec("lmpop", arity: -4, flags: [.write, .movableKeys], group: "list") { context throws(CommandError) in
            try multiPop(context)
        },
    ]

    /// `LEFT` (the head) or `RIGHT` (the tail), any case; else a syntax
    /// error (`getListPositionFromObjectOrReply`).
    static func end(_ context: CommandContext, _ index: Int) throws(CommandError) -> Bool {
        if context.argument(index, is: "left") { return true }
        if context.argument(index, is: "right") { return false }
        throw .syntax
    }

    /// Pops from one end of `source` and pushes onto one end of
    /// `destination` (`lmoveGenericCommand`); returns the element, nil when
    /// `source` is missing (whatever `destination` holds). The destination's
    /// type is checked before anything changes. Source and destination may
    /// be the same list (a rotation). Logged as `LMOVE source destination
    /// LEFT|RIGHT LEFT|RIGHT`, whichever command asked.
    static func move(_ context: CommandContext, source: ByteString, destination: ByteString,
                     fromHead: Bool, toHead: Bool) throws(CommandError) -> ByteString? {
        guard let sourceList = try context.list(source) else { return nil }
        let existing = try context.list(destination)
        let element = sourceList.pop(atHead: fromHead)!
        let destinationList = existing ?? ListObject()
        destinationList.push(element, atHead: toHead)
        if existing == nil { context.set(destination, .list(destinationList)) } else { context.keyModified(destination) }
        ListCommands.finishRemoval(context, source, sourceList)
        context.emit([Bytes(ascii: "LMOVE"), source.bytes, destination.bytes,
                      Bytes(ascii: fromHead ? "LEFT" : "RIGHT"), Bytes(ascii: toHead ? "LEFT" : "RIGHT")])
        return element
    }

    /// Pops up to `count` elements from one end of the first of `keys` that
    /// holds a list (`mpopGenericCommand`): missing keys are skipped, a key
    /// of another type is WRONGTYPE (even after a list that could have been
    /// popped, since keys are tried in order and the scan stops at the first
    /// list). Nil when no key holds a list. Logged as `LPOP|RPOP key n`.
    static func popFirstNonEmpty(_ context: CommandContext, keys: [ByteString], atHead: Bool,
                                 count: Int) throws(CommandError) -> (key: ByteString, elements: [ByteString])? {
        for key in keys {
            guard let list = try context.list(key), list.count > 0 else { continue }
            let popped = ListCommands.popRange(context, key, list, atHead: atHead, count: min(count, list.count))
            return (key, popped)
        }
        return nil
    }

    /// `LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]`
    /// (`lmpopGenericCommand`): numkeys must be 1 or more ("numkeys should be
    /// greater than 0", also for a non-integer); the word after the keys is
    /// LEFT or RIGHT; COUNT at most once, 1 or more. Replies [key, [elements]]
    /// or a null array.
    static func multiPop(_ context: CommandContext) throws(CommandError) -> Reply {
        let numberOfKeys = try context.integer(1, error: .err("numkeys should be greater than 0"))
        guard numberOfKeys >= 1 else { throw .err("numkeys should be greater than 0") }
        guard numberOfKeys < Int64(context.argumentCount) - 2 else { throw .syntax }
        let whereIndex = 2 + Int(numberOfKeys)
        let atHead = try end(context, whereIndex)
        let wanted = try context.multiPopCount(after: whereIndex)
        let keys = (2..<whereIndex).map { context.key($0) }
        guard let (key, elements) = try popFirstNonEmpty(context, keys: keys, atHead: atHead, count: wanted) else {
            return .nullArray
        }
        return .array([.bulk(key), .array(elements.map { .bulk($0) })])
    }
}
