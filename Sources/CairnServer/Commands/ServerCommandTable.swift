import Cairn

/// The commands the server runs itself, not the engine: connection state,
/// transactions, pub/sub, introspection and persistence control. Name,
/// arity, flags, key positions and group are Redis 7.0.15's
/// (src/commands/*.json, checked against redis-server's `COMMAND INFO` in
/// testdata/redis-7.0.15-command-info.tsv); subcommands are kept in name
/// order. `COMMAND` lists `CommandTable.all + ServerCommandTable.all`.
public enum ServerCommandTable {
    public static let all: [CommandSpec] =
        connection + transactions + pubsub + server

    /// The entry for a command name, any letter case.
    public static func lookup(_ name: Bytes) -> CommandSpec? {
        byName.lookup(name)
    }

    private static let byName = CommandNameIndex(all.map { (name: $0.name, value: $0) })

    /// `connection`'s everyday flags: usable before AUTH, during loading, from a stale replica and a busy script.
    private static let session: CommandFlags = [.noscript, .loading, .stale, .fast, .noAuth, .allowBusy]
    private static let clientFlags: CommandFlags = [.noscript, .loading, .stale]
    private static let helpFlags: CommandFlags = [.loading, .stale]

    private static func spec(_ name: String, _ arity: Int, _ flags: CommandFlags, _ group: String,
                             keys: (first: Int, last: Int, step: Int) = (0, 0, 0), subcommands: [CommandSpec] = []) -> CommandSpec {
        CommandSpec(serverCommand: name, arity: arity, flags: flags, keys: keys, group: group, subcommands: subcommands)
    }

    static let connection: [CommandSpec] = [
        spec("ping", -1, [.fast], "connection"),
        spec("echo", 2, [.fast, .loading, .stale], "connection"),
        spec("quit", -1, session, "connection"),
        spec("hello", -1, session, "connection"),
        spec("auth", -2, session, "connection"),
        spec("reset", 1, session, "connection"),
        spec("client", -2, [], "connection", subcommands: [
            spec("client|getname", 2, clientFlags, "connection"),
            spec("client|help", 2, helpFlags, "connection"),
            spec("client|id", 2, clientFlags, "connection"),
            spec("client|info", 2, clientFlags, "connection"),
            spec("client|kill", -3, clientFlags.union(.admin), "connection"),
            spec("client|list", -2, clientFlags.union(.admin), "connection"),
            spec("client|no-evict", 3, clientFlags.union(.admin), "connection"),
            spec("client|reply", 3, clientFlags, "connection"),
            spec("client|setname", 3, clientFlags, "connection"),
            spec("client|unblock", -3, clientFlags.union(.admin), "connection"),
        ]),
    ]

    static let transactions: [CommandSpec] = {
        let flags: CommandFlags = [.noscript, .loading, .stale, .fast, .allowBusy]
        return [
            spec("multi", 1, flags, "transactions"),
            spec("exec", 1, [.noscript, .loading, .stale, .skipSlowlog], "transactions"),
            spec("discard", 1, flags, "transactions"),
            spec("watch", -2, flags, "transactions", keys: (1, -1, 1)),
            spec("unwatch", 1, flags, "transactions"),
        ]
    }()

    static let pubsub: [CommandSpec] = {
        let subscribing: CommandFlags = [.pubsub, .noscript, .loading, .stale]
        let reading: CommandFlags = [.pubsub, .loading, .stale]
        return [
            spec("subscribe", -2, subscribing, "pubsub"),
            spec("unsubscribe", -1, subscribing, "pubsub"),
            spec("psubscribe", -2, subscribing, "pubsub"),
            spec("punsubscribe", -1, subscribing, "pubsub"),
            spec("publish", 3, [.pubsub, .loading, .stale, .fast], "pubsub"),
            spec("pubsub", -2, [], "pubsub", subcommands: [
                spec("pubsub|channels", -2, reading, "pubsub"),
                spec("pubsub|help", 2, helpFlags, "pubsub"),
                spec("pubsub|numpat", 2, reading, "pubsub"),
                spec("pubsub|numsub", -2, reading, "pubsub"),
            ]),
        ]
    }()

    static let server: [CommandSpec] = {
        let admin: CommandFlags = [.admin, .noscript, .loading, .stale]
        let background: CommandFlags = [.admin, .noscript, .noAsyncLoading]
        return [
            spec("info", -1, helpFlags, "server"),
            spec("config", -2, [], "server", subcommands: [
                spec("config|get", -3, admin, "server"),
                spec("config|help", 2, helpFlags, "server"),
                spec("config|resetstat", 2, admin, "server"),
                spec("config|rewrite", 2, admin, "server"),
                spec("config|set", -4, admin, "server"),
            ]),
            spec("command", -1, helpFlags, "server", subcommands: [
                spec("command|count", 2, helpFlags, "server"),
                spec("command|docs", -2, helpFlags, "server"),
                spec("command|getkeys", -4, helpFlags, "server"),
                spec("command|getkeysandflags", -4, helpFlags, "server"),
                spec("command|help", 2, helpFlags, "server"),
                spec("command|info", -2, helpFlags, "server"),
                spec("command|list", -2, helpFlags, "server"),
            ]),
            spec("time", 1, [.fast, .loading, .stale], "server"),
            spec("lastsave", 1, [.fast, .loading, .stale], "server"),
            spec("save", 1, background.union(.noMulti), "server"),
            spec("bgsave", -1, background, "server"),
            spec("bgrewriteaof", 1, background, "server"),
            spec("shutdown", -1, admin.union([.noMulti, .allowBusy]), "server"),
            spec("debug", -2, admin, "server"),
            spec("monitor", 1, admin, "server"),
        ]
    }()
}
