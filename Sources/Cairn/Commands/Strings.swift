/// The string family (Redis's `t_string.c`). This file holds reads and
/// whole-value writes; counters, ranges and LCS live beside it
/// (`StringCounters.swift`, `StringRanges.swift`, `LCS.swift`).
enum StringCommands {
    static let specs: [CommandSpec] = valueSpecs + counterSpecs + rangeSpecs + [lcsSpec]

    /// Redis's `proto-max-bulk-len` default: the largest string SETRANGE and
    /// APPEND may build (`checkStringLength`).
    static let maxStringLengthBytes: Int64 = 512 * 1024 * 1024

    private static let valueSpecs: [CommandSpec] = [
        CommandSpec("get", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            guard let value = try context.string(context.key(1)) else { return .null }
            return .bulk(value)
        },
        CommandSpec("set", arity: -3, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            let options = try StringSetOptions(context, from: 3, for: .set)
            let expireAt = try options.expireMilliseconds(context, command: "set")
            return try setGeneric(context, options: options, expireAt: expireAt, valueIndex: 2,
                                  written: .ok, aborted: .null)
        },
        CommandSpec("setnx", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            var options = StringSetOptions()
            options.onlyIfMissing = true
            return try setGeneric(context, options: options, expireAt: nil, valueIndex: 2,
                                  written: .integer(1), aborted: .integer(0))
        },
        CommandSpec("setex", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            let options = StringSetOptions(expire: .seconds, argumentIndex: 2)
            let expireAt = try options.expireMilliseconds(context, command: "setex")
            return try setGeneric(context, options: options, expireAt: expireAt, valueIndex: 3, written: .ok, aborted: .null)
        },
        CommandSpec("psetex", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            let options = StringSetOptions(expire: .milliseconds, argumentIndex: 2)
            let expireAt = try options.expireMilliseconds(context, command: "psetex")
            return try setGeneric(context, options: options, expireAt: expireAt, valueIndex: 3, written: .ok, aborted: .null)
        },
        CommandSpec("getset", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            let key = context.key(1)
            let old = try context.string(key)
            // GETSET drops the TTL (setKey without KEEPTTL) and logs as SET.
            context.set(key, .string(storedString(context.argv[2])))
            context.emit([Bytes(ascii: "SET"), context.argv[1], context.argv[2]])
            return old.map { .bulk($0) } ?? .null
        },
        CommandSpec("getdel", arity: 2, flags: [.write, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            let key = context.key(1)
            guard let value = try context.string(key) else { return .null }
            context.delete(key)
            context.emit([Bytes(ascii: "DEL"), context.argv[1]])
            return .bulk(value)
        },
        CommandSpec("getex", arity: -2, flags: [.write, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try getex(context)
        },
        CommandSpec("mget", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1), group: "string") { context throws(CommandError) in
            // MGET answers nil for a key of another type instead of WRONGTYPE.
            var replies: [Reply] = []
            replies.reserveCapacity(context.argumentCount - 1)
            for index in 1..<context.argumentCount {
                if case .string(let value) = context.lookup(context.key(index)) {
                    replies.append(.bulk(value))
                } else {
                    replies.append(.null)
                }
            }
            return .array(replies)
        },
        CommandSpec("mset", arity: -3, flags: [.write, .denyOOM], keys: (1, -1, 2), group: "string") { context throws(CommandError) in
            try mset(context, onlyIfNoneExists: false)
        },
        CommandSpec("msetnx", arity: -3, flags: [.write, .denyOOM], keys: (1, -1, 2), group: "string") { context throws(CommandError) in
            try mset(context, onlyIfNoneExists: true)
        },
        CommandSpec("strlen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            guard let value = try context.string(context.key(1)) else { return .integer(0) }
            return .integer(Int64(value.count))
        },
    ]

    /// A value as Redis's `tryObjectEncoding` stores it: text that
    /// `string2ll` accepts (at most 20 characters, canonical decimal) keeps
    /// its `Int64`, so `OBJECT ENCODING` says `int` and `INCR` never parses.
    static func storedString(_ bytes: Bytes) -> ByteString {
        if let integer = Numbers.parseInteger(bytes) { return ByteString(integer: integer) }
        return ByteString(bytes)
    }

    /// `setGenericCommand`: SET and its variants once options are parsed
    /// and the expire time validated. With GET the reply is the old value
    /// (WRONGTYPE, before anything is written, if it is not a string), whether
    /// or not NX/XX let the write happen.
    ///
    /// The effect is `SET key value` plus `KEEPTTL` or `PXAT <absolute ms>`:
    /// NX/XX and GET are left out because the effect exists only when the
    /// write happened.
    private static func setGeneric(_ context: CommandContext, options: StringSetOptions, expireAt: Int64?,
                                   valueIndex: Int, written: Reply, aborted: Reply) throws(CommandError) -> Reply {
        let key = context.key(1)
        // Replay expires nothing, so there the lookup matters only to the
        // options that read the old value; a client's SET always looks the
        // key up first (`lookupKeyWrite`), which may expire it.
        let needsExisting = options.returnsOldValue || options.onlyIfMissing || options.onlyIfExists
        let existing = needsExisting || !context.isReplaying ? context.lookup(key) : nil
        var old: ByteString?
        if options.returnsOldValue {
            switch existing {
            case nil: old = nil
            case .string(let string): old = string
            default: throw .wrongType
            }
        }
        let found = existing != nil
        if (options.onlyIfMissing && found) || (options.onlyIfExists && !found) {
            return options.returnsOldValue ? (old.map { .bulk($0) } ?? .null) : aborted
        }
        let value = context.argv[valueIndex]
        context.set(key, .string(storedString(value)), keepTTL: options.keepTTL)
        if let expireAt { context.setExpire(key, at: expireAt) }
        // Replay drops the effects it would emit (`Engine.replay`): skip them.
        if !context.isReplaying {
            var effect = [Bytes(ascii: "SET"), context.argv[1], value]
            if let expireAt {
                effect += [Bytes(ascii: "PXAT"), expireAt.decimal]
            } else if options.keepTTL {
                effect.append(Bytes(ascii: "KEEPTTL"))
            }
            context.emit(effect)
        }
        return options.returnsOldValue ? (old.map { .bulk($0) } ?? .null) : written
    }

    /// `getexCommand`. Options are checked first, then the key (nil when
    /// missing, even if the expire time is invalid), then the expire time.
    /// Never logged as itself: as `PEXPIREAT`, `DEL` (an `EXAT`/`PXAT` in the
    /// past deletes the key, except in replay, which never reads the clock)
    /// or `PERSIST` (only when a TTL was removed).
    private static func getex(_ context: CommandContext) throws(CommandError) -> Reply {
        let options = try StringSetOptions(context, from: 2, for: .getex)
        let key = context.key(1)
        guard let value = try context.string(key) else { return .null }
        let expireAt = try options.expireMilliseconds(context, command: "getex")
        if let expireAt {
            if options.expire?.isAbsolute == true && expireAt <= context.now && !context.isReplaying {
                context.delete(key)
                context.emit([Bytes(ascii: "DEL"), context.argv[1]])
            } else {
                context.setExpire(key, at: expireAt)
                context.emit([Bytes(ascii: "PEXPIREAT"), context.argv[1], expireAt.decimal])
            }
        } else if options.removesTTL && context.keyspace.persist(context.database, key) {
            context.emit([Bytes(ascii: "PERSIST"), context.argv[1]])
        }
        return .bulk(value)
    }

    /// `msetGenericCommand`. An even argument count is an arity error naming
    /// the command. MSETNX writes nothing (and logs nothing) if any key
    /// exists; it stops looking at the first one, as Redis does.
    private static func mset(_ context: CommandContext, onlyIfNoneExists: Bool) throws(CommandError) -> Reply {
        let name = onlyIfNoneExists ? "msetnx" : "mset"
        guard context.argumentCount % 2 == 1 else { throw .wrongArity(name) }
        if onlyIfNoneExists {
            for index in stride(from: 1, to: context.argumentCount, by: 2) where context.lookup(context.key(index)) != nil {
                return .integer(0)
            }
        }
        for index in stride(from: 1, to: context.argumentCount, by: 2) {
            context.set(context.key(index), .string(storedString(context.argv[index + 1])))
        }
        var effect = context.argv
        effect[0] = Bytes(ascii: "MSET")
        context.emit(effect)
        return onlyIfNoneExists ? .integer(1) : .ok
    }
}
