/// The hash family (Redis's `t_hash.c`).
///
/// A write changes the stored `HashObject` in place, so the key keeps its
/// TTL, and signals the change with `keyModified`; a new hash is stored with
/// `set` once it holds its first field, so a failed command never leaves an
/// empty key behind. Every write's effect names exactly what changed (`HSET`
/// with final values, `HDEL` with the fields really deleted), so replay never
/// recomputes a number.
enum HashCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("hset", arity: -4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try setFields(context, name: "hset")
        },
        CommandSpec("hmset", arity: -4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try setFields(context, name: "hmset")
        },
        CommandSpec("hsetnx", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try setIfAbsent(context)
        },
        CommandSpec("hdel", arity: -3, flags: [.write, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try deleteFields(context)
        },
        CommandSpec("hincrby", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try incrementBy(context)
        },
        CommandSpec("hincrbyfloat", arity: 4, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try incrementByFloat(context)
        },
        CommandSpec("hget", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            guard let hash = try context.hash(context.key(1)), let value = hash.get(ByteString(context.argv[2])) else { return .null }
            return .bulk(value)
        },
        CommandSpec("hmget", arity: -3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            // A missing key is an empty hash: one null per field (`hmgetCommand`).
            let hash = try context.hash(context.key(1))
            return .array(context.argv[2...].map { field in
                hash?.get(ByteString(field)).map { .bulk($0) } ?? .null
            })
        },
        CommandSpec("hlen", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            .integer(Int64(try context.hash(context.key(1))?.count ?? 0))
        },
        CommandSpec("hstrlen", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            let value = try context.hash(context.key(1))?.get(ByteString(context.argv[2]))
            return .integer(Int64(value?.count ?? 0))
        },
        CommandSpec("hexists", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            let present = try context.hash(context.key(1))?.contains(ByteString(context.argv[2])) ?? false
            return .integer(present ? 1 : 0)
        },
        CommandSpec("hkeys", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try eachPair(context) { field, _ in field }
        },
        CommandSpec("hvals", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try eachPair(context) { _, value in value }
        },
        CommandSpec("hgetall", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            // A map in RESP3, a flat array in RESP2; a missing key is the empty map.
            guard let hash = try context.hash(context.key(1)) else { return .map([]) }
            var elements: [Reply] = []
            elements.reserveCapacity(hash.count * 2)
            hash.forEach { field, value in
                elements.append(.bulk(field))
                elements.append(.bulk(value))
            }
            return .map(elements)
        },
        CommandSpec("hrandfield", arity: -2, flags: [.readonly], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try randomFields(context)
        },
        CommandSpec("hscan", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            try scan(context)
        },
    ]

    // MARK: Writes

    /// `HSET key field value [field value ...]` (the number of new fields)
    /// and the deprecated `HMSET` (OK). An odd argument count is an arity
    /// error naming the command, checked before the key is looked up, as
    /// `hsetCommand` does. Both log as `HSET`, which is deterministic as sent.
    static func setFields(_ context: CommandContext, name: String) throws(CommandError) -> Reply {
        guard context.argumentCount % 2 == 0 else { throw .wrongArity(name) }
        let key = context.key(1)
        let (hash, isNew) = try hashForWrite(context, key)
        var created: Int64 = 0
        for index in stride(from: 2, to: context.argumentCount, by: 2) {
            if hash.set(ByteString(context.argv[index]), ByteString(context.argv[index + 1]), limits: context.limits) {
                created += 1
            }
        }
        commit(context, key, hash, isNew: isNew)
        context.emit([Bytes(ascii: "HSET")] + context.argv[1...])
        return name == "hmset" ? .ok : .integer(created)
    }

    /// `HSETNX key field value`: 1 if it set the field, 0 (and no effect)
    /// if the field was there. Logged as the `HSET` it amounted to.
    static func setIfAbsent(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        let field = ByteString(context.argv[2])
        let (hash, isNew) = try hashForWrite(context, key)
        guard !hash.contains(field) else { return .integer(0) }
        hash.set(field, ByteString(context.argv[3]), limits: context.limits)
        commit(context, key, hash, isNew: isNew)
        context.emit([Bytes(ascii: "HSET"), context.argv[1], context.argv[2], context.argv[3]])
        return .integer(1)
    }

    /// `HDEL key field [field ...]`: the number of fields removed. A hash
    /// left empty is deleted with its key (`hdelCommand`), and the scan stops
    /// there as Redis's does. The effect lists only the fields that were
    /// deleted; replaying it empties and deletes the key the same way.
    static func deleteFields(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard let hash = try context.hash(key) else { return .integer(0) }
        var deleted: [Bytes] = []
        var keyRemoved = false
        for index in 2..<context.argumentCount {
            guard hash.remove(ByteString(context.argv[index])) else { continue }
            deleted.append(context.argv[index])
            if hash.count == 0 {
                context.delete(key)
                keyRemoved = true
                break
            }
        }
        guard !deleted.isEmpty else { return .integer(0) }
        if !keyRemoved { context.keyModified(key) }
        context.emit([Bytes(ascii: "HDEL"), context.argv[1]] + deleted)
        return .integer(Int64(deleted.count))
    }

    /// `HINCRBY key field increment`: a missing field counts as 0; a value
    /// that is not a `string2ll` integer, or a sum past `Int64`, is an error
    /// and changes nothing. Logged as `HSET key field result`, the same shape
    /// as `HINCRBYFLOAT`'s effect.
    static func incrementBy(_ context: CommandContext) throws(CommandError) -> Reply {
        let increment = try context.integer(3)
        let key = context.key(1)
        let field = ByteString(context.argv[2])
        let (hash, isNew) = try hashForWrite(context, key)
        var current: Int64 = 0
        if let stored = hash.get(field) {
            guard let parsed = stored.integerValue ?? stored.withUnsafeBytes({ Numbers.parseInteger($0) }) else {
                throw .err("hash value is not an integer")
            }
            current = parsed
        }
        let (result, overflow) = current.addingReportingOverflow(increment)
        guard !overflow else { throw .overflow }
        hash.set(field, ByteString(integer: result), limits: context.limits)
        commit(context, key, hash, isNew: isNew)
        context.emit([Bytes(ascii: "HSET"), context.argv[1], context.argv[2], result.decimal])
        return .integer(result)
    }

    /// `HINCRBYFLOAT key field increment`, computed in `long double`
    /// (Float80) and printed as `ld2string(LD_STR_HUMAN)`. An infinite
    /// increment is refused before the key is looked up; a sum that
    /// overflows to infinity is refused after. Always logged as
    /// `HSET key field result`, as Redis propagates it, so replay does not
    /// depend on float formatting.
    static func incrementByFloat(_ context: CommandContext) throws(CommandError) -> Reply {
        guard let increment = Numbers.parseLongDouble(context.argv[3]) else { throw .notFloat }
        guard increment.isFinite else { throw .err("value is NaN or Infinity") }
        let key = context.key(1)
        let field = ByteString(context.argv[2])
        let (hash, isNew) = try hashForWrite(context, key)
        var current: Float80 = 0
        if let stored = hash.get(field) {
            guard let parsed = Numbers.parseLongDouble(stored.bytes) else { throw .err("hash value is not a float") }
            current = parsed
        }
        let result = current + increment
        guard result.isFinite else { throw .err("increment would produce NaN or Infinity") }
        let text = Numbers.formatHuman(result)
        hash.set(field, ByteString(text), limits: context.limits)
        commit(context, key, hash, isNew: isNew)
        context.emit([Bytes(ascii: "HSET"), context.argv[1], context.argv[2], text])
        return .bulk(text)
    }

    /// The hash at `key` for a write, or a new empty one (WRONGTYPE for
    /// another type). Redis's `hashTypeLookupWriteOrCreate` adds the new hash
    /// at once; here it is stored by `commit` after the write, when it is no
    /// longer empty.
    private static func hashForWrite(_ context: CommandContext, _ key: ByteString) throws(CommandError) -> (HashObject, isNew: Bool) {
        if let hash = try context.hash(key) { return (hash, false) }
        return (HashObject(), true)
    }

    /// Publishes a write: stores a new hash, or signals that an existing one
    /// changed in place (its TTL stays).
    private static func commit(_ context: CommandContext, _ key: ByteString, _ hash: HashObject, isNew: Bool) {
        if isNew {
            context.set(key, .hash(hash))
        } else {
            context.keyModified(key)
        }
    }

    // MARK: HRANDFIELD

    /// The most reply elements `HRANDFIELD` with a negative count builds.
    /// Redis has no such bound without `WITHVALUES` (it writes |count|
    /// elements into the client's output buffer until memory runs out);
    /// Cairn builds the whole reply first, so it refuses more than this
    /// with the error Redis's `WITHVALUES` guard uses.
    static let maxRandomReplyElements = 1 << 24

    /// HKEYS and HVALS: one bulk per field of the hash at argv[1], picked
    /// from each pair; an empty array for a missing key.
    private static func eachPair(_ context: CommandContext,
                                 _ pick: (ByteString, ByteString) -> ByteString) throws(CommandError) -> Reply {
        guard let hash = try context.hash(context.key(1)) else { return .array([]) }
        var elements: [Reply] = []
        elements.reserveCapacity(hash.count)
        hash.forEach { field, value in elements.append(.bulk(pick(field, value))) }
        return .array(elements)
    }

    /// `HRANDFIELD key [count [WITHVALUES]]` (`hrandfieldCommand`).
    ///
    /// Without a count: one random field, or null for a missing key. With a
    /// count: positive means distinct fields (at most the whole hash),
    /// negative means exactly |count| draws with repetition, 0 and a
    /// missing key give an empty array. The count and the options are
    /// checked before the key is looked up, as Redis does.
    ///
    /// With `WITHVALUES` Redis replies a flat array in RESP2 and an array
    /// of [field, value] pairs in RESP3 (`addReplyArrayLen(c,2)` per pair).
    static func randomFields(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        guard context.argumentCount >= 3 else {
            guard let hash = try context.hash(key) else { return .null }
            return .bulk(hash.randomPair(using: &context.engine.random).0)
        }
        // getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): LONG_MIN has no positive twin.
        let requested = try context.integer(2)
        guard requested != .min else {
            throw .err("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
        }
        if context.argumentCount > 4 || (context.argumentCount == 4 && !context.argument(3, is: "withvalues")) {
            throw .syntax
        }
        let withValues = context.argumentCount == 4
        // Redis's guard against count * 2 overflowing.
        if withValues && (requested < -(Int64.max / 2) || requested > Int64.max / 2) {
            throw .err("value is out of range")
        }
        guard let hash = try context.hash(key) else { return .array([]) }
        guard requested != 0 else { return .array([]) }

        var elements: [Reply] = []
        let pairs = withValues && context.protocolVersion >= 3
        func append(_ field: ByteString, _ value: ByteString) {
            if pairs {
                elements.append(.array([.bulk(field), .bulk(value)]))
            } else {
                elements.append(.bulk(field))
                if withValues { elements.append(.bulk(value)) }
            }
        }
        if requested < 0 {
            let draws = Int(requested.magnitude)
            guard draws <= maxRandomReplyElements / (withValues ? 2 : 1) else { throw .err("value is out of range") }
            elements.reserveCapacity(draws * (withValues ? 2 : 1))
            for _ in 0..<draws {
                let (field, value) = hash.randomPair(using: &context.engine.random)
                append(field, value)
            }
        } else {
            let count = Int(clamping: requested)
            for (field, value) in hash.randomDistinctPairs(count, using: &context.engine.random) {
                append(field, value)
            }
        }
        return .array(elements)
    }

    // MARK: HSCAN

    /// `HSCAN key cursor [MATCH pattern] [COUNT count]` (`hscanCommand` and
    /// `scanGenericCommand`). The cursor is parsed first, then the key is
    /// looked up (a missing key ends the scan before the options are read,
    /// a string is WRONGTYPE), then the options. A compact hash is returned
    /// whole with cursor 0. A table is walked bucket by bucket; COUNT is
    /// doubled because each item is a field and a value, and counts the
    /// elements visited before `MATCH` filters them, as Redis does.
    static func scan(_ context: CommandContext) throws(CommandError) -> Reply {
        _ = try ScanArguments.parseCursor(context.argv[2])
        guard let hash = try context.hash(context.key(1)) else { return .scanPage(cursor: 0, []) }
        let arguments = try ScanArguments(context, cursorIndex: 2, allowsType: false)
        var elements: [Reply] = []
        var visited = 0
        let next = arguments.iterate(elementsPerItem: 2, collected: { visited }) { cursor in
            hash.scan(cursor: cursor) { field, value in
                visited += 2
                guard arguments.matches(field) else { return }
                elements.append(.bulk(field))
                elements.append(.bulk(value))
            }
        }
        return .scanPage(cursor: next, elements)
    }
}
