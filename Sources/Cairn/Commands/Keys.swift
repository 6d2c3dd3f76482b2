/// The generic key commands (Redis's `db.c`): DEL UNLINK EXISTS TYPE TOUCH
/// KEYS SCAN RANDOMKEY RENAME RENAMENX COPY MOVE. The expiry commands live in
/// `Expire.swift`, `OBJECT` in `KeyObject.swift`; both join this family's
/// table here.
///
/// None of these look at a value's type, so none answers WRONGTYPE.
enum KeyCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("del", arity: -2, flags: [.write], keys: (1, -1, 1), group: "generic") { context throws(CommandError) in
            delete(context)
        },
        // UNLINK frees memory in the background in Redis; here it is DEL.
        CommandSpec("unlink", arity: -2, flags: [.write, .fast], keys: (1, -1, 1), group: "generic") { context throws(CommandError) in
            delete(context)
        },
        CommandSpec("exists", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1), group: "generic") { context throws(CommandError) in
            countExisting(context)
        },
        // TOUCH only updates the access time, which Cairn does not track:
        // it counts like EXISTS and logs nothing.
        CommandSpec("touch", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1), group: "generic") { context throws(CommandError) in
            countExisting(context)
        },
        CommandSpec("type", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            .simple(context.lookup(context.key(1))?.typeName ?? "none")
        },
        CommandSpec("keys", arity: 2, flags: [.readonly], group: "generic") { context throws(CommandError) in
            keys(context)
        },
        CommandSpec("scan", arity: -2, flags: [.readonly], group: "generic") { context throws(CommandError) in
            try scan(context)
        },
        CommandSpec("randomkey", arity: 1, flags: [.readonly], group: "generic") { context throws(CommandError) in
            randomKey(context)
        },
        CommandSpec("rename", arity: 3, flags: [.write], keys: (1, 2, 1), group: "generic") { context throws(CommandError) in
            try rename(context, onlyIfNew: false)
        },
        CommandSpec("renamenx", arity: 3, flags: [.write, .fast], keys: (1, 2, 1), group: "generic") { context throws(CommandError) in
            try rename(context, onlyIfNew: true)
        },
        CommandSpec("copy", arity: -3, flags: [.write, .denyOOM], keys: (1, 2, 1), group: "generic") { context throws(CommandError) in
            try copy(context)
        },
        CommandSpec("move", arity: 3, flags: [.write, .fast], keys: (1, 1, 1), group: "generic") { context throws(CommandError) in
            try move(context)
        },
    ] + ExpireCommands.specs + ObjectCommand.specs

    // MARK: DEL, EXISTS, KEYS

    /// `DEL`/`UNLINK` (`delGenericCommand`): an expired key is first deleted
    /// as an expiry (its own `DEL` effect) and does not count; the keys
    /// deleted here are logged as one `DEL`.
    private static func delete(_ context: CommandContext) -> Reply {
        var deleted: [Bytes] = []
        for index in 1..<context.argumentCount {
            let key = context.key(index)
            context.keyspace.expireIfNeeded(context.database, key, now: context.now)
            if context.delete(key) { deleted.append(context.argv[index]) }
        }
        if !deleted.isEmpty { context.emit([Bytes(ascii: "DEL")] + deleted) }
        return .integer(Int64(deleted.count))
    }

    /// `EXISTS`/`TOUCH`: a key named twice counts twice, as in Redis.
    private static func countExisting(_ context: CommandContext) -> Reply {
        var found: Int64 = 0
        for index in 1..<context.argumentCount where context.lookup(context.key(index)) != nil { found += 1 }
        return .integer(found)
    }

    /// `KEYS pattern` (`keysCommand`): `*` alone matches every key, even the
    /// empty one, without running the matcher. Logically expired keys are
    /// left out but not deleted: Redis 7.0 checks them with `keyIsExpired`,
    /// which does not delete (unlike SCAN).
    private static func keys(_ context: CommandContext) -> Reply {
        let pattern = context.argv[1]
        let matchesAll = pattern == [UInt8(ascii: "*")]
        let database = context.keyspace.databases[context.database]
        var found: [Reply] = []
        database.main.forEachEntry { entry in
            let key = database.main.key(at: entry)
            guard matchesAll || Glob.matches(pattern: pattern, key) else { return }
            if context.keyspace.expiryEnabled, let when = database.expires[key],
               Keyspace.hasExpired(when, now: context.now) { return }
            found.append(.bulk(key))
        }
        return .array(found)
    }

    // MARK: SCAN

    /// `SCAN cursor [MATCH pattern] [COUNT n] [TYPE name]`
    /// (`scanGenericCommand`): collect a page of keys, then filter them in
    /// Redis's order: pattern, then type, then expiry.
    ///
    /// The type filter looks the key up (deleting it if expired) and compares
    /// the name case-insensitively; an expired key's type is `none`, so
    /// `TYPE none` returns the expired keys it just deleted, exactly as 7.0.15
    /// does. Keys failing the pattern are not expired by the scan.
    private static func scan(_ context: CommandContext) throws(CommandError) -> Reply {
        let arguments = try ScanArguments(context, cursorIndex: 1, allowsType: true)
        let (page, next) = collectPage(context, arguments)
        var keys: [Reply] = []
        for key in page where arguments.matches(key) {
            if let wanted = arguments.typeName {
                let name = context.lookup(key)?.typeName ?? "none"
                if !typeNameMatches(wanted, name) { continue }
            }
            if context.keyspace.expireIfNeeded(context.database, key, now: context.now) { continue }
            keys.append(.bulk(key))
        }
        return .scanPage(cursor: next, keys)
    }

    /// One page of key names, before filtering. The table copy lives only in
    /// here, so deleting expired keys afterwards does not copy the table.
    private static func collectPage(_ context: CommandContext,
                                    _ arguments: ScanArguments) -> (keys: [ByteString], next: UInt64) {
        let table = context.keyspace.databases[context.database].main
        var page: [ByteString] = []
        let next = arguments.iterate(collected: { page.count }) { cursor in
            table.scan(cursor: cursor) { page.append(table.key(at: $0)) }
        }
        return (page, next)
    }

    /// `strcasecmp(typename, type)`: the argument is read as a C string, so
    /// it ends at its first NUL byte.
    private static func typeNameMatches(_ wanted: Bytes, _ name: String) -> Bool {
        let cString = wanted.prefix { $0 != 0 }
        return Array(cString).asciiLowercased == Array(name.utf8)
    }

    // MARK: RANDOMKEY

    /// `RANDOMKEY` (`dbRandomKey`): a uniformly random key; an expired key
    /// drawn is deleted (through the log) and another is drawn. Redis bounds
    /// the retries only where it cannot delete (a replica whose keys are all
    /// volatile); here that is replay, where `expireIfNeeded` deletes
    /// nothing, so the first key drawn is returned and the loop always ends.
    private static func randomKey(_ context: CommandContext) -> Reply {
        while let key = anyKey(context) {
            if !context.keyspace.expireIfNeeded(context.database, key, now: context.now) { return .bulk(key) }
        }
        return .null
    }

    /// A uniformly random key of the selected database, nil when it is empty.
    private static func anyKey(_ context: CommandContext) -> ByteString? {
        let main = context.keyspace.databases[context.database].main
        guard let entry = main.randomEntry(using: &context.engine.random) else { return nil }
        return main.key(at: entry)
    }

    // MARK: RENAME, COPY, MOVE

    /// `RENAME`/`RENAMENX` (`renameGenericCommand`): the value moves with
    /// the source's TTL; the destination's old value and TTL are dropped.
    /// Renaming a key onto itself changes nothing and logs nothing, but
    /// still needs the key to exist.
    private static func rename(_ context: CommandContext, onlyIfNew: Bool) throws(CommandError) -> Reply {
        let source = context.key(1), destination = context.key(2)
        guard let value = context.lookup(source) else { throw .noSuchKey }
        if source == destination { return onlyIfNew ? .integer(0) : .ok }
        let expire = context.expireTime(source)
        if context.lookup(destination) != nil {
            if onlyIfNew { return .integer(0) }
            context.delete(destination)
        }
        context.set(destination, value)
        if let expire { context.setExpire(destination, at: expire) }
        context.delete(source)
        context.emit([Bytes(ascii: onlyIfNew ? "RENAMENX" : "RENAME"), context.argv[1], context.argv[2]])
        return onlyIfNew ? .integer(1) : .ok
    }

    /// `COPY source destination [DB index] [REPLACE]` (`copyCommand`): a deep
    /// copy (a hash gets its own storage) with the source's TTL. Options are
    /// parsed, and a bad DB reported, before anything else.
    private static func copy(_ context: CommandContext) throws(CommandError) -> Reply {
        var target = context.database
        var replace = false
        var index = 3
        while index < context.argumentCount {
            if context.argument(index, is: "replace") {
                replace = true
            } else if context.argument(index, is: "db") && index + 1 < context.argumentCount {
                target = try DatabaseCommands.databaseIndex(context, index + 1)
                index += 1
            } else {
                throw .syntax
            }
            index += 1
        }
        let source = context.key(1), destination = context.key(2)
        if target == context.database && source == destination { throw .sameObject }
        guard let value = context.lookup(source) else { return .integer(0) }
        let expire = context.expireTime(source)
        let keyspace = context.keyspace
        let replacing = keyspace.lookup(target, destination, now: context.now) != nil
        if replacing && !replace { return .integer(0) }
        keyspace.set(target, destination, value.duplicate())
        if let expire { keyspace.setExpire(target, destination, at: expire) }

        var effect = [Bytes(ascii: "COPY"), context.argv[1], context.argv[2]]
        if target != context.database { effect += [Bytes(ascii: "DB"), Int64(target).decimal] }
        if replacing { effect.append(Bytes(ascii: "REPLACE")) }
        context.emit(effect)
        return .integer(1)
    }

    /// `MOVE key db` (`moveCommand`): moves the value and its TTL to another
    /// database, only if the key is not there already.
    private static func move(_ context: CommandContext) throws(CommandError) -> Reply {
        let target = try DatabaseCommands.databaseIndex(context, 2)
        if target == context.database { throw .sameObject }
        let key = context.key(1)
        guard let value = context.lookup(key) else { return .integer(0) }
        let expire = context.expireTime(key)
        let keyspace = context.keyspace
        if keyspace.lookup(target, key, now: context.now) != nil { return .integer(0) }
        keyspace.set(target, key, value)
        if let expire { keyspace.setExpire(target, key, at: expire) }
        context.delete(key)
        context.emit([Bytes(ascii: "MOVE"), context.argv[1], Int64(target).decimal])
        return .integer(1)
    }
}
