/// The string family (Redis's `t_string.c`).
enum StringCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("get", arity: 2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            guard let value = try context.string(context.key(1)) else { return .null }
            return .bulk(value)
        },
        CommandSpec("set", arity: -3, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "string") { context throws(CommandError) in
            // Placeholder: plain SET only; options come with the strings family.
            context.set(context.key(1), .string(ByteString(context.argv[2])))
            context.emitCommand()
            return .ok
        },
    ]
}
