/// INCR DECR INCRBY DECRBY INCRBYFLOAT (Redis's `incrDecrCommand` and
/// `incrbyfloatCommand`).
extension StringCommands {
    static let counterSpecs: [CommandSpec] = [
        CommandSpec("incr", arity: 2, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try incrementBy(context, 1)
        },
        CommandSpec("decr", arity: 2, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try incrementBy(context, -1)
        },
        CommandSpec("incrby", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try incrementBy(context, context.integer(2))
        },
        CommandSpec("decrby", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            let decrement = try context.integer(2)
            // Negating LLONG_MIN overflows: Redis refuses it before looking at the key.
            guard decrement != .min else { throw .err("decrement would overflow") }
            return try incrementBy(context, -decrement)
        },
        CommandSpec("incrbyfloat", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try incrementByFloat(context)
        },
    ]

    /// `incrDecrCommand`: a missing key counts as 0; the stored value must be
    /// a `string2ll` integer. The result overwrites the value in place, so
    /// the TTL stays. Logged as the command itself, which is deterministic.
    private static func incrementBy(_ context: CommandContext, _ increment: Int64) throws(CommandError) -> Reply {
        let key = context.key(1)
        let current: Int64
        switch try context.string(key) {
        case nil:
            current = 0
        case let string?:
            if let integer = string.integerValue {
                current = integer
            } else {
                guard let parsed = string.withUnsafeBytes({ Numbers.parseInteger($0) }) else { throw .notInteger }
                current = parsed
            }
        }
        let (result, overflow) = current.addingReportingOverflow(increment)
        if overflow { throw .overflow }
        context.set(key, .string(ByteString(integer: result)), keepTTL: true)
        context.emitCommand()
        return .integer(result)
    }

    /// `incrbyfloatCommand`: in `long double` (Float80), value parsed before
    /// the increment (both "value is not a valid float"), a NaN or infinite
    /// result refused. The result is stored as text (Redis's
    /// `createStringObjectFromLongDouble`, never the int encoding), keeps the
    /// TTL, and is logged as `SET key <result> KEEPTTL` so replay does not
    /// depend on float rounding.
    private static func incrementByFloat(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        var value: Float80 = 0
        if let string = try context.string(key) {
            if let integer = string.integerValue {
                value = Float80(integer)
            } else {
                guard let parsed = Numbers.parseLongDouble(string.bytes) else { throw .notFloat }
                value = parsed
            }
        }
        guard let increment = Numbers.parseLongDouble(context.argv[2]) else { throw .notFloat }
        value += increment
        guard value.isFinite else { throw .err("increment would produce NaN or Infinity") }
        let text = Numbers.formatHuman(value)
        context.set(key, .string(ByteString(text)), keepTTL: true)
        context.emit([Bytes(ascii: "SET"), context.argv[1], text, Bytes(ascii: "KEEPTTL")])
        return .bulk(text)
    }
}
