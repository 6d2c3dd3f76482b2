/// DUMP and RESTORE (cluster.c `dumpCommand`, `restoreCommand`), with
/// payloads byte-compatible with redis-server 7.0's (see `DumpPayload`).
///
/// RESTORE always validates the whole payload, as Redis does with
/// `sanitize-dump-payload yes`, before it touches the keyspace. Its effect
/// is `RESTORE key <ttl> <payload> REPLACE` with `<ttl>` absolute and
/// `ABSTTL` when there is one (or `DEL key` when a past TTL only removes a
/// replaced key): the payload decodes the same way on replay, and the
/// absolute time makes it independent of when it is replayed.
///
/// The `sanitize-dump-payload` setting changes nothing: Cairn always checks
/// deeply. IDLETIME and FREQ are parsed and checked as Redis does, then
/// dropped: Cairn keeps no LRU clock or LFU counter per key (OBJECT IDLETIME
/// answers 0), so they have nothing to set and are left out of the effect.
enum DumpRestoreCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("dump", arity: 2, flags: [.readonly], keys: (1, 1, 1), group: "keyspace") { context throws(CommandError) in
            guard let value = context.lookup(context.key(1)) else { return .null }
            return .bulk(DumpPayload.encode(value))
        },
        CommandSpec("restore", arity: -4, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "keyspace") { context throws(CommandError) in
            try restore(context)
        },
    ]

    private static func restore(_ context: CommandContext) throws(CommandError) -> Reply {
        var replace = false, absoluteTTL = false
        var idleTime: Int64 = -1, frequency: Int64 = -1
        var index = 4
        while index < context.argumentCount {
            let additional = context.argumentCount - index - 1
            if context.argument(index, is: "replace") {
                replace = true
            } else if context.argument(index, is: "absttl") {
                absoluteTTL = true
            } else if context.argument(index, is: "idletime"), additional >= 1, frequency == -1 {
                idleTime = try context.integer(index + 1)
                guard idleTime >= 0 else { throw .err("Invalid IDLETIME value, must be >= 0") }
                index += 1
            } else if context.argument(index, is: "freq"), additional >= 1, idleTime == -1 {
                frequency = try context.integer(index + 1)
                guard (0...255).contains(frequency) else { throw .err("Invalid FREQ value, must be >= 0 and <= 255") }
                index += 1
            } else {
                throw .syntax
            }
            index += 1
        }
        let key = context.key(1)
        if !replace, context.lookup(key) != nil { throw CommandError("BUSYKEY Target key name already exists.") }
        var ttl = try context.integer(2)
        guard ttl >= 0 else { throw .err("Invalid TTL value, must be >= 0") }
        let payload = context.argv[3]
        guard DumpPayload.verify(payload) else { throw .err("DUMP payload version or checksum are wrong") }
        let value: Value
        do {
            value = try DumpPayload.decode(payload, limits: context.limits)
        } catch {
            throw .err("Bad data format")
        }

        // As `dbDelete`: a replaced key counts as deleted even if its TTL has passed.
        let deleted = replace && context.delete(key)
        if ttl != 0, !absoluteTTL { ttl = ttl &+ context.now }
        // `checkAlreadyExpired`: never while loading (replay), as Redis's AOF load.
        if ttl != 0, ttl <= context.now, !context.isReplaying {
            if deleted { context.emit([Bytes(ascii: "DEL"), key.bytes]) }
            return .ok
        }
        context.set(key, value)
        if ttl != 0 { context.setExpire(key, at: ttl) }
        var effect: [Bytes] = [Bytes(ascii: "RESTORE"), key.bytes, ttl.decimal, payload, Bytes(ascii: "REPLACE")]
        if ttl != 0 { effect.append(Bytes(ascii: "ABSTTL")) }
        context.emit(effect)
        return .ok
    }
}
