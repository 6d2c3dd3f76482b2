/// APPEND GETRANGE SUBSTR SETRANGE: commands over part of a string.
extension StringCommands {
    static let rangeSpecs: [CommandSpec] = [
        CommandSpec("append", arity: 3, flags: [.write, .denyOOM, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try append(context)
        },
        CommandSpec("getrange", arity: 4, flags: [.readonly], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try getRange(context)
        },
        CommandSpec("substr", arity: 4, flags: [.readonly], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try getRange(context)
        },
        CommandSpec("setrange", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            try setRange(context)
        },
    ]

    /// `appendCommand`: a missing key is created with the argument (int
    /// encoded when it looks like one, even when empty it is created); an
    /// existing string grows in place. Logged as the command itself. An empty
    /// suffix changes nothing, so it is not logged (Redis still signals the
    /// key as modified, which WATCH sees; so does this).
    private static func append(_ context: CommandContext) throws(CommandError) -> Reply {
        let key = context.key(1)
        let suffix = context.argv[2]
        guard let length = try existingLength(context, key) else {
            context.set(key, .string(storedString(suffix)))
            context.emitCommand()
            return .integer(Int64(suffix.count))
        }
        try checkLength(Int64(length), plus: suffix.count)
        if suffix.isEmpty {
            context.keyModified(key)
            return .integer(Int64(length))
        }
        let newLength = updateString(context, key) { $0.write(suffix, at: $0.count) }
        context.emitCommand()
        return .integer(Int64(newLength))
    }

    /// `setrangeCommand`. The offset is checked first (an integer, then not
    /// negative, even before the key's type), then: an empty value writes
    /// nothing and replies the current length (0 for a missing key, which is
    /// not created); otherwise the result must fit in 512 MB, a gap past the
    /// end is zero-filled, and the command itself is logged.
    private static func setRange(_ context: CommandContext) throws(CommandError) -> Reply {
        let offset = try context.integer(2)
        guard offset >= 0 else { throw .err("offset is out of range") }
        let key = context.key(1)
        let value = context.argv[3]
        let length = try existingLength(context, key)
        if value.isEmpty { return .integer(Int64(length ?? 0)) }
        try checkLength(offset, plus: value.count)
        let newLength: Int
        if length == nil {
            var string = ByteString()
            string.write(value, at: Int(offset))
            newLength = string.count
            context.set(key, .string(string))
        } else {
            newLength = updateString(context, key) { $0.write(value, at: Int(offset)) }
        }
        context.emitCommand()
        return .integer(Int64(newLength))
    }

    /// `getrangeCommand` (and SUBSTR), with Redis 7.0.15's index rules: both
    /// indexes negative with start > end gives ""; negatives count from the
    /// end and clamp at 0; end clamps to the last byte; then start > end or
    /// an empty string gives "". A missing key gives "" (not nil).
    private static func getRange(_ context: CommandContext) throws(CommandError) -> Reply {
        var start = try context.integer(2)
        var end = try context.integer(3)
        guard let string = try context.string(context.key(1)) else { return .bulk([]) }
        let length = Int64(string.count)
        if start < 0 && end < 0 && start > end { return .bulk([]) }
        if start < 0 { start += length }
        if end < 0 { end += length }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= length { end = length - 1 }
        if start > end || length == 0 { return .bulk([]) }
        return .bulk(string.withUnsafeBytes { Bytes($0[Int(start)...Int(end)]) })
    }

    /// The length of the string at `key`, nil if missing, WRONGTYPE if
    /// another type. Returns no reference to the value, so a following
    /// `updateString` finds its buffer unshared.
    private static func existingLength(_ context: CommandContext, _ key: ByteString) throws(CommandError) -> Int? {
        try context.string(key)?.count
    }

    /// `checkStringLength`: `length + extra` must not pass `proto-max-bulk-len`.
    private static func checkLength(_ length: Int64, plus extra: Int) throws(CommandError) {
        let (total, overflow) = length.addingReportingOverflow(Int64(extra))
        if overflow || total > maxStringLengthBytes { throw .stringTooLong }
    }

    /// Changes the existing string at `key` in place and returns its new
    /// length. The table's reference is dropped while `change` runs so the
    /// string's buffer is uniquely owned and `ByteString.write` can grow it
    /// without copying: repeated APPENDs to a big value cost what they add,
    /// as with Redis's sds. The TTL stays (Redis changes the object itself).
    private static func updateString(_ context: CommandContext, _ key: ByteString,
                                     _ change: (inout ByteString) -> Void) -> Int {
        let keyspace = context.keyspace
        let database = context.database
        keyspace.willModify(database, key)
        guard let entry = keyspace.databases[database].main.find(key),
              case .string(var string) = keyspace.databases[database].main.value(at: entry) else { return 0 }
        keyspace.databases[database].main.setValue(.string(ByteString()), at: entry)
        change(&string)
        let count = string.count
        keyspace.databases[database].main.setValue(.string(string), at: entry)
        keyspace.keyModified(database, key)
        return count
    }
}
