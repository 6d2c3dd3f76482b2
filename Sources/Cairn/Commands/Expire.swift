/// The expiry commands (Redis's `expire.c`): EXPIRE PEXPIRE EXPIREAT
/// PEXPIREAT, TTL PTTL EXPIRETIME PEXPIRETIME, PERSIST.
///
/// Every TTL is stored as an absolute Unix time in milliseconds, and logged
/// that way: whatever form the client used, the effect is
/// `PEXPIREAT key <ms>`, or `DEL key` when the time has already passed.
enum ExpireCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("expire", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            try expire(context, name: "expire", base: context.now, inSeconds: true)
        },
        CommandSpec("pexpire", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            try expire(context, name: "pexpire", base: context.now, inSeconds: false)
        },
        CommandSpec("expireat", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            try expire(context, name: "expireat", base: 0, inSeconds: true)
        },
        CommandSpec("pexpireat", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            try expire(context, name: "pexpireat", base: 0, inSeconds: false)
        },
        CommandSpec("ttl", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            timeToLive(context, inMilliseconds: false, absolute: false)
        },
        CommandSpec("pttl", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            timeToLive(context, inMilliseconds: true, absolute: false)
        },
        CommandSpec("expiretime", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            timeToLive(context, inMilliseconds: false, absolute: true)
        },
        CommandSpec("pexpiretime", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            timeToLive(context, inMilliseconds: true, absolute: true)
        },
        CommandSpec("persist", arity: 2, flags: [.write, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            persist(context)
        },
    ]

    /// The `NX | XX | GT | LT` conditions of the EXPIRE family.
    struct Conditions: OptionSet {
        let rawValue: UInt8
        /// Only if the key has no TTL.
        static let nx = Conditions(rawValue: 1 << 0)
        /// Only if the key has a TTL.
        static let xx = Conditions(rawValue: 1 << 1)
        /// Only if the new time is later (no TTL counts as infinite).
        static let gt = Conditions(rawValue: 1 << 2)
        /// Only if the new time is earlier (no TTL counts as infinite).
        static let lt = Conditions(rawValue: 1 << 3)
    }

    /// `parseExtendedExpireArgumentsOrReply`: every argument after the time
    /// is an option; unknown ones and the incompatible pairs are errors.
    /// These are checked before the time itself is parsed, as in Redis.
    static func parseConditions(_ context: CommandContext) throws(CommandError) -> Conditions {
        var conditions: Conditions = []
        for index in 3..<max(3, context.argumentCount) {
            if context.argument(index, is: "nx") {
                conditions.insert(.nx)
            } else if context.argument(index, is: "xx") {
                conditions.insert(.xx)
            } else if context.argument(index, is: "gt") {
                conditions.insert(.gt)
            } else if context.argument(index, is: "lt") {
                conditions.insert(.lt)
            } else {
                throw .err("Unsupported option " + formatArgument(context.argv[index]))
            }
        }
        if conditions.contains(.nx) && !conditions.isDisjoint(with: [.xx, .gt, .lt]) {
            throw .err("NX and XX, GT or LT options at the same time are not compatible")
        }
        if conditions.contains([.gt, .lt]) {
            throw .err("GT and LT options at the same time are not compatible")
        }
        return conditions
    }

    /// An argument as `addReplyErrorFormat("%s")` prints it: up to its first
    /// NUL byte, trailing CR/LF trimmed, inner CR/LF turned into spaces.
    static func formatArgument(_ argument: Bytes) -> String {
        var text = Array(argument.prefix { $0 != 0 })
        while let last = text.last, last == 0x0D || last == 0x0A { text.removeLast() }
        return String(decoding: text.map { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
    }

    /// `expireGenericCommand`. `base` is the current time for the relative
    /// forms and 0 for the absolute ones.
    ///
    /// The time may be negative, but converting seconds to milliseconds or
    /// adding the base must not overflow ("invalid expire time"). A time not
    /// after now deletes the key (logged as `DEL`), except during replay,
    /// where Redis (loading an AOF) stores the past time and waits for the
    /// logged `DEL`.
    private static func expire(_ context: CommandContext, name: String, base: Int64,
                               inSeconds: Bool) throws(CommandError) -> Reply {
        let conditions = try parseConditions(context)
        var when = try context.integer(2)
        if inSeconds {
            guard when <= Int64.max / 1000 && when >= Int64.min / 1000 else { throw .invalidExpireTime(name) }
            when *= 1000
        }
        guard when <= Int64.max - base else { throw .invalidExpireTime(name) }
        when += base

        let key = context.key(1)
        guard context.lookup(key) != nil else { return .integer(0) }
        if !conditions.isEmpty && !allows(conditions, newTime: when, current: context.expireTime(key)) {
            return .integer(0)
        }
        if when <= context.now && !context.isReplaying {
            context.delete(key)
            context.emit([Bytes(ascii: "DEL"), context.argv[1]])
        } else {
            context.setExpire(key, at: when)
            context.emit([Bytes(ascii: "PEXPIREAT"), context.argv[1], when.decimal])
        }
        return .integer(1)
    }

    /// Whether the conditions let a key whose TTL is `current` (nil: none)
    /// take the expiry time `newTime`. A key without a TTL lives forever, so
    /// GT never applies to it and LT always does.
    static func allows(_ conditions: Conditions, newTime: Int64, current: Int64?) -> Bool {
        if conditions.contains(.nx) && current != nil { return false }
        if conditions.contains(.xx) && current == nil { return false }
        if conditions.contains(.gt) {
            guard let current, newTime > current else { return false }
        }
        if conditions.contains(.lt), let current, newTime >= current { return false }
        return true
    }

    /// `ttlGenericCommand`: -2 for a missing key, -1 for one without a TTL,
    /// else the remaining time (or the absolute time), never below 0.
    /// Seconds round to nearest: `(ms + 500) / 1000`, computed unsigned as
    /// the reference build does for times near `Int64.max`.
    private static func timeToLive(_ context: CommandContext, inMilliseconds: Bool, absolute: Bool) -> Reply {
        let key = context.key(1)
        guard context.lookup(key) != nil else { return .integer(-2) }
        guard let expire = context.expireTime(key) else { return .integer(-1) }
        let milliseconds = max(0, absolute ? expire : expire &- context.now)
        if inMilliseconds { return .integer(milliseconds) }
        return .integer(Int64((UInt64(milliseconds) + 500) / 1000))
    }

    /// `PERSIST key`: 1 and a `PERSIST` effect only when a TTL was removed.
    private static func persist(_ context: CommandContext) -> Reply {
        let key = context.key(1)
        guard context.lookup(key) != nil,
              context.keyspace.persist(context.database, key) else { return .integer(0) }
        context.emit([Bytes(ascii: "PERSIST"), context.argv[1]])
        return .integer(1)
    }
}
