/// The list family (Redis's `t_list.c`): pushes, pops, reads by index and
/// range. Edits in the middle (`LINSERT`, `LREM`, `LTRIM`, `LPOS`) are in
/// ListEdits.swift, the two-key moves and `LMPOP` in ListMoves.swift.
///
/// A write changes the stored `ListObject` in place (the key keeps its TTL)
/// and signals it with `keyModified`; a new list is stored once it holds an
/// element, and a list a command empties is deleted, as Redis never keeps an
/// empty list. Every effect is the command itself or the pop it amounted to
/// (`LPOP key n` with the number really popped), so replay is exact.
enum ListCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("lpush", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try push(context, atHead: true, onlyIfExists: false)
        },
        CommandSpec("rpush", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try push(context, atHead: false, onlyIfExists: false)
        },
        CommandSpec("lpushx", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try push(context, atHead: true, onlyIfExists: true)
        },
        CommandSpec("rpushx", arity: -3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try push(context, atHead: false, onlyIfExists: true)
        },
        CommandSpec("lpop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try pop(context, atHead: true)
        },
        CommandSpec("rpop", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try pop(context, atHead: false)
        },
        CommandSpec("llen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            .integer(Int64(try context.list(context.key(1))?.count ?? 0))
        },
        CommandSpec("lrange", arity: 4, flags: [.readonly], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try range(context)
        },
        CommandSpec("lindex", arity: 3, flags: [.readonly], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try index(context)
        },
        CommandSpec("lset", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "list") { context throws(CommandError) in
            try setIndex(context)
        },
    ] + ListEdits.specs + ListMoves.specs

    // MARK: Push and pop

    /// `LPUSH`/`RPUSH`/`LPUSHX`/`RPUSHX key element [element ...]`
    /// (`pushGenericCommand`): the length after the pushes; the X forms
    /// reply 0 and write nothing when the key is missing.
    static func push(_ context: CommandContext, atHead: Bool, onlyIfExists: Bool) throws(CommandError) -> Reply {
        let key = context.key(1)
        let existing = try context.list(key)
        if existing == nil && onlyIfExists { return .integer(0) }
        let list = existing ?? ListObject()
        for index in 2..<context.argumentCount {
            list.push(ByteString(context.argv[index]), atHead: atHead)
        }
        if existing == nil { context.set(key, .list(list)) } else { context.keyModified(key) }
        context.emitCommand()
        return .integer(Int64(list.count))
    }

    /// `LPOP`/`RPOP key [count]` (`popGenericCommand`). Without a count: the
    /// element, or a null bulk for a missing key. With one: an array of up to
    /// `count` elements in pop order, a null array for a missing key (`*-1`
    /// in RESP2, `_` in RESP3), an empty array for count 0 (nothing
    /// written). A negative or non-integer count is refused ("value is out
    /// of range, must be positive") before the key is looked up.
    static func pop(_ context: CommandContext, atHead: Bool) throws(CommandError) -> Reply {
        guard context.argumentCount <= 3 else { throw .wrongArity(atHead ? "lpop" : "rpop") }
        let hasCount = context.argumentCount == 3
        var count: Int64 = 0
        if hasCount {
            // `getPositiveLongFromObjectOrReply`: one message for both failures.
            count = try context.integer(2, error: .notPositive)
            guard count >= 0 else { throw .notPositive }
        }
        let key = context.key(1)
        guard let list = try context.list(key) else { return hasCount ? .nullArray : .null }
        guard hasCount else {
            let element = list.pop(atHead: atHead)!
            finishRemoval(context, key, list)
            context.emit([Bytes(ascii: atHead ? "LPOP" : "RPOP"), context.argv[1]])
            return .bulk(element)
        }
        guard count > 0 else { return .array([]) }
        let popped = popRange(context, key, list, atHead: atHead, count: Int(min(count, Int64(list.count))))
        return .array(popped.map { .bulk($0) })
    }

    /// Pops `count` (1 ... length) elements from one end, in pop order;
    /// deletes the list if emptied and logs `LPOP|RPOP key count`
    /// (`listPopRangeAndReplyWithKey` and its propagation). Shared by
    /// `LPOP`/`RPOP` with a count, `LMPOP` and the blocking pops.
    static func popRange(_ context: CommandContext, _ key: ByteString, _ list: ListObject, atHead: Bool, count: Int) -> [ByteString] {
        let length = list.count
        let popped = atHead
            ? list.elements(in: 0..<count)
            : list.elements(in: length - count..<length, reversed: true)
        list.trim(first: atHead ? count : 0, last: atHead ? 0 : count)
        finishRemoval(context, key, list)
        context.emit([Bytes(ascii: atHead ? "LPOP" : "RPOP"), key.bytes, Int64(count).decimal])
        return popped
    }

    /// After elements were removed: deletes an emptied list
    /// (`listElementsRemoved`), else signals the change.
    static func finishRemoval(_ context: CommandContext, _ key: ByteString, _ list: ListObject) {
        if list.count == 0 {
            context.delete(key)
        } else {
            context.keyModified(key)
        }
    }

    // MARK: Reading by position

    /// `LRANGE key start stop` (`addListRangeReply`): both indexes parsed
    /// before the key is looked up; negative ones count from the end.
    static func range(_ context: CommandContext) throws(CommandError) -> Reply {
        let start = try context.integer(2)
        let stop = try context.integer(3)
        guard let list = try context.list(context.key(1)),
              let range = clampedRange(start: start, stop: stop, count: list.count) else { return .array([]) }
        var replies: [Reply] = []
        replies.reserveCapacity(range.count)
        list.forEach(in: range) { _, element in
            replies.append(.bulk(element))
            return true
        }
        return .array(replies)
    }

    /// Redis's range rule for `LRANGE` and `LTRIM`: negative indexes count
    /// from the end, start is clamped at 0 and stop at the last element;
    /// nil when the range is empty.
    static func clampedRange(start: Int64, stop: Int64, count: Int) -> Range<Int>? {
        let length = Int64(count)
        var start = start, stop = stop
        if start < 0 { start += length }
        if stop < 0 { stop += length }
        if start < 0 { start = 0 }
        guard start <= stop, start < length else { return nil }
        if stop >= length { stop = length - 1 }
        return Int(start)..<Int(stop) + 1
    }

    /// A Redis index (negative counts from the end) as a position, or nil
    /// outside the list (`quicklistGetIteratorAtIdx`).
    static func position(_ index: Int64, count: Int) -> Int? {
        let position = index < 0 ? index + Int64(count) : index
        guard position >= 0, position < Int64(count) else { return nil }
        return Int(position)
    }

    /// `LINDEX key index`: the key is looked up (WRONGTYPE) before the index
    /// is parsed, as `lindexCommand`; out of range is a null bulk.
    static func index(_ context: CommandContext) throws(CommandError) -> Reply {
        guard let list = try context.list(context.key(1)) else { return .null }
        let index = try context.integer(2)
        guard let position = position(index, count: list.count) else { return .null }
        return .bulk(list.element(at: position))
    }

    /// `LSET key index element`: "ERR no such key" for a missing key, then
    /// the index is parsed, "ERR index out of range" outside the list.
    static func setIndex(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard let list = try context.list(key) else { throw .noSuchKey }
        let index = try context.integer(2)
        guard let position = position(index, count: list.count) else { throw .err("index out of range") }
        list.replace(at: position, with: ByteString(context.argv[3]))
        context.keyModified(key)
        context.emitCommand()
        return .ok
    }
}
