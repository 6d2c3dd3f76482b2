/// `OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ|HELP` (Redis's `object.c`): a
/// container command; the dispatcher picks the subcommand and checks its
/// arity. Each looks the key up (expiring it if due) and answers a null
/// reply for a missing key.
enum ObjectCommand {
    static let specs: [CommandSpec] = [
        CommandSpec("object", arity: -2, flags: [], group: "generic", subcommands: [
            CommandSpec("object|encoding", arity: 3, flags: [.readonly], keys: (2, 2, 1), group: "generic") { context throws(CommandError) in
                guard let value = context.lookup(context.key(2)) else { return .null }
                return .bulk(text: value.encodingName)
            },
            CommandSpec("object|refcount", arity: 3, flags: [.readonly], keys: (2, 2, 1), group: "generic") { context throws(CommandError) in
                guard let value = context.lookup(context.key(2)) else { return .null }
                return .integer(referenceCount(value))
            },
            // Cairn keeps no access clock per key (no LRU eviction), so every
            // key reports an idle time of 0 seconds.
            CommandSpec("object|idletime", arity: 3, flags: [.readonly], keys: (2, 2, 1), group: "generic") { context throws(CommandError) in
                guard context.lookup(context.key(2)) != nil else { return .null }
                return .integer(0)
            },
            // No LFU policy can be selected, so FREQ always answers what Redis
            // answers without one.
            CommandSpec("object|freq", arity: 3, flags: [.readonly], keys: (2, 2, 1), group: "generic") { context throws(CommandError) in
                guard context.lookup(context.key(2)) != nil else { return .null }
                throw .err("An LFU maxmemory policy is not selected, access frequency not tracked. "
                    + "Please note that when switching between policies at runtime LRU and LFU data "
                    + "will take some time to adjust.")
            },
            CommandSpec("object|help", arity: 2, flags: [.loading, .stale], group: "generic") { _ throws(CommandError) in
                .array(help.map { .simple($0) })
            },
        ]) { _ throws(CommandError) in
            // Unreachable: the dispatcher runs a subcommand or replies with
            // Redis's unknown-subcommand error.
            throw .syntax
        },
    ]

    /// Redis shares one object for each integer 0-9999 (`OBJ_SHARED_INTEGERS`)
    /// and reports its refcount as `OBJ_SHARED_REFCOUNT` (`INT_MAX`). Every
    /// other value has one owner. (A COPY of a shared integer is a private
    /// object in Redis, refcount 1; Cairn cannot tell it apart and says INT_MAX.)
    static func referenceCount(_ value: Value) -> Int64 {
        if case .string(let string) = value, let integer = string.integerValue, integer >= 0, integer < 10_000 {
            return Int64(Int32.max)
        }
        return 1
    }

    /// `addReplyHelp` for `objectCommand`: header, the lines, then HELP.
    static let help = [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ]
}
