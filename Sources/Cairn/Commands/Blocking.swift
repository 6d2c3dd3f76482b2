/// The blocking pops: `BLPOP`, `BRPOP`, `BLMOVE`, `BRPOPLPUSH`, `BLMPOP`
/// (`t_list.c`) and `BZPOPMIN`, `BZPOPMAX`, `BZMPOP` (`t_zset.c`).
///
/// The engine never waits. When a key has data, a blocking command is its
/// non-blocking form (same reply, same effects: `LPOP key n`, `LMOVE ...`,
/// `ZREM key members...`). When every key is empty it asks to block: the
/// handler records a `BlockRequest` on the engine and the server parks the
/// client (`Execution.block`). Where Redis sets `CLIENT_DENY_BLOCKING`
/// (inside `MULTI/EXEC`, and on replay), it answers as a timeout would: a
/// null array, or a null bulk for `BLMOVE`/`BRPOPLPUSH`.
/// Arguments, the timeout included, are checked before anything is looked up.
enum BlockingCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("blpop", arity: -3, flags: [.write, .noscript, .mayBlock], keys: (1, -2, 1), group: "list") { context throws(CommandError) in
            try listPop(context, atHead: true)
        },
        CommandSpec("brpop", arity: -3, flags: [.write, .noscript, .mayBlock], keys: (1, -2, 1), group: "list") { context throws(CommandError) in
            try listPop(context, atHead: false)
        },
        CommandSpec("blmove", arity: 6, flags: [.write, .denyOOM, .noscript, .mayBlock], keys: (1, 2, 1), group: "list") { context throws(CommandError) in
            let fromHead = try ListMoves.end(context, 3)
            let toHead = try ListMoves.end(context, 4)
            return try blockingMove(context, fromHead: fromHead, toHead: toHead, timeoutIndex: 5)
        },
        CommandSpec("brpoplpush", arity: 4, flags: [.write, .denyOOM, .noscript, .mayBlock], keys: (1, 2, 1), group: "list") { context throws(CommandError) in
            try blockingMove(context, fromHead: false, toHead: true, timeoutIndex: 3)
        },
        CommandSpec("blmpop", arity: -5, flags: [.write, .mayBlock, .movableKeys], group: "list", keyCountIndex: 2) { context throws(CommandError) in
            try listMultiPop(context)
        },
        CommandSpec("bzpopmin", arity: -3, flags: [.write, .noscript, .mayBlock, .fast], keys: (1, -2, 1), group: "sorted_set") { context throws(CommandError) in
            try zsetPop(context, highest: false)
        },
        CommandSpec("bzpopmax", arity: -3, flags: [.write, .noscript, .mayBlock, .fast], keys: (1, -2, 1), group: "sorted_set") { context throws(CommandError) in
            try zsetPop(context, highest: true)
        },
        CommandSpec("bzmpop", arity: -5, flags: [.write, .mayBlock, .movableKeys], group: "sorted_set", keyCountIndex: 2) { context throws(CommandError) in
            try zsetMultiPop(context)
        },
    ]

    /// `getTimeoutFromObjectOrReply` in seconds: a long double, times 1000
    /// rounded up (`ceill`), negative refused; 0 waits forever. Returns the
    /// absolute deadline in Unix milliseconds, 0 for none.
    static func deadline(_ context: CommandContext, _ index: Int) throws(CommandError) -> Int64 {
        guard let seconds = Numbers.parseLongDouble(context.argv[index]) else {
            throw .err("timeout is not a float or out of range")
        }
        let milliseconds = (seconds * 1000).rounded(.up)
        // `(long long) ceill(...)` of a value past LLONG_MAX (inf, 1e20) is
        // x86-64's "integer indefinite", LLONG_MIN: Redis 7.0.15 answers
        // "timeout is negative" for `BLPOP k inf` and `BLPOP k 1e20`.
        guard milliseconds >= 0, milliseconds < 0x1p63 else { throw .err("timeout is negative") }
        guard milliseconds > 0 else { return 0 }
        // Redis converts to long long (undefined beyond); a deadline past
        // the year 292 million is "forever" in practice.
        let clamped = milliseconds < 9e15 ? Int64(milliseconds) : Int64(9e15)
        return clamped + context.now
    }

    /// Asks the server to park the client (or answers `denied` where
    /// blocking is not allowed). `keyRange` holds the keys in `argv`;
    /// `numberIndex` the numkeys argument of the MPOP forms.
    static func block(_ context: CommandContext, keyRange: Range<Int>, numberIndex: Int? = nil,
                      deadline: Int64, list: Bool, denied: Reply = .nullArray) -> Reply {
        guard context.engine.blockingAllowed, !context.isReplaying else { return denied }
        context.engine.pendingBlock = BlockRequest(
            argv: context.argv, keyRange: keyRange, numberIndex: numberIndex,
            database: context.database, deadline: deadline, wantsList: list)
        return .nullArray
    }

    /// `BLPOP|BRPOP key [key ...] timeout` (`blockingPopGenericCommand`):
    /// [key, element] from the first non-empty list, logged as `LPOP key 1`.
    static func listPop(_ context: CommandContext, atHead: Bool) throws(CommandError) -> Reply {
        let deadline = try deadline(context, context.argumentCount - 1)
        let keys = (1..<context.argumentCount - 1).map { context.key($0) }
        guard let (key, elements) = try ListMoves.popFirstNonEmpty(context, keys: keys, atHead: atHead, count: 1) else {
            return block(context, keyRange: 1..<context.argumentCount - 1, deadline: deadline, list: true)
        }
        return .array([.bulk(key), .bulk(elements[0])])
    }

    /// `BLMOVE`/`BRPOPLPUSH` (`blmoveGenericCommand`): `LMOVE` when the
    /// source holds a list; WRONGTYPE for another type.
    static func blockingMove(_ context: CommandContext, fromHead: Bool, toHead: Bool,
                             timeoutIndex: Int) throws(CommandError) -> Reply {
        let deadline = try deadline(context, timeoutIndex)
        guard let element = try ListMoves.move(context, source: context.key(1), destination: context.key(2),
                                               fromHead: fromHead, toHead: toHead) else {
            return block(context, keyRange: 1..<2, deadline: deadline, list: true, denied: .null)
        }
        return .bulk(element)
    }

    /// The MPOP forms' `numkeys key... LEFT|RIGHT|MIN|MAX [COUNT n]` after
    /// the timeout (`lmpopGenericCommand`, `zmpopGenericCommand`): the keys,
    /// whether the word was the first of `words`, and the count (1 by default).
    static func multiPopArguments(_ context: CommandContext, words: (StaticString, StaticString))
        throws(CommandError) -> (keys: Range<Int>, first: Bool, count: Int) {
        let numberError = CommandError.err("numkeys should be greater than 0")
        let keyCount = try context.integer(2, error: numberError)
        guard keyCount >= 1 else { throw numberError }
        guard keyCount < Int64(context.argumentCount) - 3 else { throw .syntax }
        let whereIndex = 3 + Int(keyCount)
        let first: Bool
        if context.argument(whereIndex, is: words.0) { first = true }
        else if context.argument(whereIndex, is: words.1) { first = false }
        else { throw .syntax }
        let count = try context.multiPopCount(after: whereIndex)
        return (3..<whereIndex, first, count)
    }

    /// `BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT n]`: the timeout is
    /// checked first (`blmpopCommand`), then as `LMPOP`.
    static func listMultiPop(_ context: CommandContext) throws(CommandError) -> Reply {
        let deadline = try deadline(context, 1)
        let (range, atHead, count) = try multiPopArguments(context, words: ("left", "right"))
        guard let (key, elements) = try ListMoves.popFirstNonEmpty(context, keys: range.map { context.key($0) },
                                                                   atHead: atHead, count: count) else {
            return block(context, keyRange: range, numberIndex: 2, deadline: deadline, list: true)
        }
        return .array([.bulk(key), .array(elements.map { .bulk($0) })])
    }

    /// `BZPOPMIN|BZPOPMAX key [key ...] timeout` (`blockingGenericZpopCommand`):
    /// [key, member, score], logged as `ZREM key member`.
    static func zsetPop(_ context: CommandContext, highest: Bool) throws(CommandError) -> Reply {
        let deadline = try deadline(context, context.argumentCount - 1)
        let keys = (1..<context.argumentCount - 1).map { context.key($0) }
        guard let popped = try SortedSetPopCommands.popFirstNonEmpty(context, keys: keys, highest: highest, count: 1),
              let (member, score) = popped.elements.first else {
            return block(context, keyRange: 1..<context.argumentCount - 1, deadline: deadline, list: false)
        }
        return .array([.bulk(popped.key), .bulk(member), .double(score)])
    }

    /// `BZMPOP timeout numkeys key... MIN|MAX [COUNT n]`: as `ZMPOP`.
    static func zsetMultiPop(_ context: CommandContext) throws(CommandError) -> Reply {
        let deadline = try deadline(context, 1)
        let (range, lowest, count) = try multiPopArguments(context, words: ("min", "max"))
        guard let popped = try SortedSetPopCommands.popFirstNonEmpty(context, keys: range.map { context.key($0) },
                                                                     highest: !lowest, count: count) else {
            return block(context, keyRange: range, numberIndex: 2, deadline: deadline, list: false)
        }
        return .array([.bulk(popped.key),
                       SortedSetCommands.reply(popped.elements, withScores: true, protocolVersion: 3)])
    }
}

/// A blocking command that found nothing to pop: the keys it waits on (in
/// `database`), until `deadline` (Unix ms; 0 waits forever). The server
/// parks the client and, once one of the keys holds the right type, runs
/// `retryArguments(servingKey:)`: the same command narrowed to that key, so
/// the client is served from the key that became ready (as Redis's
/// `serveClientsBlockedOnKey`), never failing on another key's type.
public struct BlockRequest: Sendable {
    let argv: [Bytes]
    let keyRange: Range<Int>
    let numberIndex: Int?
    public let database: Int
    public let deadline: Int64
    /// A list serves it (else a sorted set).
    public let wantsList: Bool

    /// The keys waited on, in command order, without repeats.
    public var keys: [Bytes] {
        var seen = Set<Bytes>()
        return argv[keyRange].filter { seen.insert($0).inserted }
    }

    /// The command to run when `key` became ready.
    public func retryArguments(servingKey key: Bytes) -> [Bytes] {
        var retry = Array(argv[..<keyRange.lowerBound]) + [key] + Array(argv[keyRange.upperBound...])
        if let numberIndex { retry[numberIndex] = Array("1".utf8) }
        return retry
    }

    /// What a timeout answers (`replyToBlockedClientTimedOut`): a null
    /// array for every list and sorted-set block, `BLMOVE` included.
    public static let timeoutReply = Reply.nullArray
}

extension Engine {
    /// Whether `key` now holds what `request` waits for: a non-empty list or
    /// a sorted set (Redis's `signalKeyAsReady` + type check). Reads without
    /// expiring: the retry's own lookup does that.
    public func canServe(_ request: BlockRequest, key: Bytes) -> Bool {
        let name = ByteString(key)
        guard !keyspace.isLogicallyExpired(request.database, name, now: clock.nowMilliseconds()) else { return false }
        switch keyspace.databases[request.database].main[name] {
        case .list(let list)?: return request.wantsList && list.count > 0
        case .zset?: return !request.wantsList
        default: return false
        }
    }
}
