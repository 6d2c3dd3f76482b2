/// Commands over whole databases: SELECT DBSIZE FLUSHDB FLUSHALL SWAPDB
/// (Redis's `db.c`).
enum DatabaseCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("select", arity: 2, flags: [.loading, .stale, .fast], group: "connection") { context throws(CommandError) in
            let index = try databaseIndex(context, 1)
            context.database = index
            return .ok
        },
        CommandSpec("dbsize", arity: 1, flags: [.readonly, .fast], group: "server") { context throws(CommandError) in
            .integer(Int64(context.keyspace.databases[context.database].main.count))
        },
        CommandSpec("flushdb", arity: -1, flags: [.write], group: "server") { context throws(CommandError) in
            try checkFlushMode(context)
            if !context.keyspace.databases[context.database].main.isEmpty {
                context.keyspace.flush(context.database)
                context.emit([Bytes(ascii: "FLUSHDB")])
            }
            return .ok
        },
        CommandSpec("flushall", arity: -1, flags: [.write], group: "server") { context throws(CommandError) in
            try checkFlushMode(context)
            var flushed = false
            for index in 0..<Keyspace.databaseCount where !context.keyspace.databases[index].main.isEmpty {
                context.keyspace.flush(index)
                flushed = true
            }
            if flushed { context.emit([Bytes(ascii: "FLUSHALL")]) }
            return .ok
        },
        CommandSpec("swapdb", arity: 3, flags: [.write, .fast], group: "server") { context throws(CommandError) in
            let first = try databaseIndex(context, 1, notInteger: .err("invalid first DB index"))
            let second = try databaseIndex(context, 2, notInteger: .err("invalid second DB index"))
            if first != second {
                context.keyspace.swap(first, second)
                context.emit([Bytes(ascii: "SWAPDB"), Int64(first).decimal, Int64(second).decimal])
            }
            return .ok
        },
    ]

    /// A database number argument: an integer (`getIntFromObjectOrReply`) in 0-15.
    /// `notInteger` is the caller's message for a bad integer; without one,
    /// a number outside C's `int` gets `getRangeLongFromObjectOrReply`'s own error.
    static func databaseIndex(_ context: CommandContext, _ index: Int,
                              notInteger: CommandError? = nil) throws(CommandError) -> Int {
        let value = try context.integer(index, error: notInteger ?? .notInteger)
        guard value >= Int64(Int32.min), value <= Int64(Int32.max) else {
            throw notInteger ?? .err("value is out of range, value must between -2147483648 and 2147483647")
        }
        guard value >= 0, value < Int64(Keyspace.databaseCount) else { throw .invalidDatabase }
        return Int(value)
    }

    /// `FLUSHDB`/`FLUSHALL` take an optional `ASYNC` or `SYNC`; both flush
    /// synchronously here (the engine frees memory as it goes).
    private static func checkFlushMode(_ context: CommandContext) throws(CommandError) {
        if context.argumentCount > 2 { throw .syntax }
        if context.argumentCount == 2 && !context.argument(1, is: "async") && !context.argument(1, is: "sync") {
            throw .syntax
        }
    }
}
