/// The hash family (Redis's `t_hash.c`).
enum HashCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("hget", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "hash") { context throws(CommandError) in
            guard let hash = try context.hash(context.key(1)), let value = hash.get(ByteString(context.argv[2])) else { return .null }
            return .bulk(value)
        },
    ]
}
