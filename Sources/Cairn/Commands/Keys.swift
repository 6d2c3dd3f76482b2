/// The generic key commands (Redis's `db.c` and `expire.c`).
enum KeyCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("exists", arity: -2, flags: [.readonly, .fast], keys: (1, -1, 1), group: "generic") { context throws(CommandError) in
            var found: Int64 = 0
            for index in 1..<context.argumentCount where context.lookup(context.key(index)) != nil { found += 1 }
            return .integer(found)
        },
    ]
}
