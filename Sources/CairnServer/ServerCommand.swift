import Cairn

/// The commands the server answers itself (connection state, transactions,
/// pub/sub, introspection, administration): dispatch only. Arity, flags and
/// subcommands come from `ServerCommandTable`, the same Redis 7.0.15
/// metadata COMMAND reports. Everything else goes to the engine's `CommandTable`.
enum ServerCommand: String, Sendable, CaseIterable {
    case ping, echo, quit, hello, auth, reset, client
    case multi, exec, discard, watch, unwatch
    case config, time, shutdown, debug
    case command, info, save, lastsave, monitor, bgsave, bgrewriteaof
    case subscribe, unsubscribe, psubscribe, punsubscribe, publish, pubsub

    /// This command's Redis metadata (every case has a table entry).
    var spec: CommandSpec { ServerCommand.table.lookup(Array(rawValue.utf8))!.spec }

    /// Runs at once inside MULTI instead of being queued: processCommand's
    /// explicit list (exec, discard, multi, watch, quit, reset), not a flag.
    var runsInsideMulti: Bool {
        switch self {
        case .exec, .discard, .multi, .watch, .quit, .reset: true
        default: false
        }
    }

    /// Allowed in RESP2's subscribed mode (processCommand's CLIENT_PUBSUB check).
    var allowedWhileSubscribed: Bool {
        switch self {
        case .ping, .subscribe, .unsubscribe, .psubscribe, .punsubscribe, .quit, .reset: true
        default: false
        }
    }

    private static let table = CommandNameIndex(allCases.map { command in
        (name: command.rawValue, value: (command: command, spec: ServerCommandTable.lookup(Array(command.rawValue.utf8))!))
    })

    /// The server command named `name`, any letter case, with its spec.
    static func lookupWithSpec(_ name: Bytes) -> (command: ServerCommand, spec: CommandSpec)? { table.lookup(name) }

    static func lookup(_ name: Bytes) -> ServerCommand? { table.lookup(name)?.command }
}

/// A request's command after lookup: the server's own, or the engine's,
/// with the spec that runs (a container's subcommand: `client|setname`),
/// whose name INFO commandstats counts under.
enum ResolvedCommand {
    case server(ServerCommand, CommandSpec)
    case engine(CommandSpec)

    var spec: CommandSpec {
        switch self {
        case .server(_, let spec), .engine(let spec): spec
        }
    }

    /// Redis's `commandCheckExistence` then `commandCheckArity`, one path for
    /// the server's and the engine's commands: the error for an unknown
    /// command, an unknown subcommand of a container, or a wrong argument
    /// count (with the spec it concerns, nil when unknown); else the command.
    static func resolve(_ argv: [Bytes]) -> Result<ResolvedCommand, Rejection> {
        let found = ServerCommand.lookupWithSpec(argv[0])
        let server = found?.command
        guard let container = found?.spec ?? CommandTable.lookup(argv[0]) else {
            return .failure(Rejection(error: .unknownCommand(argv), spec: nil))
        }
        var spec = container
        if !container.subcommands.isEmpty && argv.count >= 2 {
            let full = container.name + "|" + String(decoding: argv[1].asciiLowercased, as: UTF8.self)
            guard let sub = container.subcommands.first(where: { $0.name == full }) else {
                return .failure(Rejection(error: .unknownSubcommand(argv), spec: nil))
            }
            spec = sub
        }
        guard accepts(spec.arity, argv.count) else {
            return .failure(Rejection(error: .wrongArity(spec.name), spec: spec))
        }
        return .success(server.map { .server($0, spec) } ?? .engine(spec))
    }

    /// A request refused before it ran, and the command it named if known
    /// (Redis counts `rejected_calls` on it).
    struct Rejection: Error {
        let error: ServerError
        let spec: CommandSpec?
    }

    static func accepts(_ arity: Int, _ count: Int) -> Bool {
        arity >= 0 ? count == arity : count >= -arity
    }
}

/// The server's error replies, worded as Redis 7.0.15 words them.
struct ServerError: Error, Sendable {
    let line: String

    init(_ line: String) { self.line = line }

    static func wrongArity(_ fullName: String) -> ServerError {
        ServerError("ERR wrong number of arguments for '\(fullName)' command")
    }

    /// processCommand: `'%.128s'` name, then `'%.*s' ` arguments while the
    /// list is under 128 bytes; CR and LF become spaces.
    static func unknownCommand(_ argv: [Bytes]) -> ServerError {
        var arguments: [UInt8] = []
        for argument in argv.dropFirst() where arguments.count < 128 {
            arguments += [UInt8(ascii: "'")] + argument.prefix(128 - arguments.count) + Array("' ".utf8)
        }
        let line = Array("ERR unknown command '".utf8) + argv[0].prefix(128)
            + Array("', with args beginning with: ".utf8) + arguments
        return ServerError(String(decoding: line.map { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self))
    }

    static func unknownSubcommand(_ argv: [Bytes]) -> ServerError {
        let container = String(decoding: argv[0], as: UTF8.self).uppercased()
        let sub = String(decoding: argv[1].prefix(128), as: UTF8.self)
        return ServerError("ERR unknown subcommand '\(sub)'. Try \(container) HELP.")
    }

    /// addReplySubcommandSyntaxError.
    static func subcommandSyntax(_ argv: [Bytes]) -> ServerError {
        let container = String(decoding: argv[0], as: UTF8.self).uppercased()
        let sub = String(decoding: argv[1].prefix(128), as: UTF8.self)
        return ServerError("ERR unknown subcommand or wrong number of arguments for '\(sub)'. Try \(container) HELP.")
    }

    /// processCommand's refusal of a command in RESP2's subscribed mode.
    static func subscribedContext(_ fullName: String) -> ServerError {
        ServerError("ERR Can't execute '\(fullName)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
            + "are allowed in this context")
    }

    /// processCommand's refusal of DEBUG while `enable-debug-command` does not allow the client.
    static let debugNotAllowed = ServerError("ERR DEBUG command not allowed. If the enable-debug-command option is "
        + "set to \"local\", you can run it from a local connection, otherwise you need to set this option in the "
        + "configuration file, and then restart the server.")
    /// Redis's `shared.bgsaveerr`, word for word (Cairn's snapshot is its RDB).
    static let saveFailed = ServerError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable "
        + "to persist to disk. Commands that may modify the data set are disabled, because this instance is configured "
        + "to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check "
        + "the Redis logs for details about the RDB error.")
    static let syntax = ServerError("ERR syntax error")
    static let noAuth = ServerError("NOAUTH Authentication required.")
    static let wrongPass = ServerError("WRONGPASS invalid username-password pair or user is disabled.")
    static let notInteger = ServerError("ERR value is not an integer or out of range")
}

extension Array where Element == UInt8 {
    /// strcasecmp against an ASCII word.
    func `is`(_ word: String) -> Bool {
        equalsIgnoringCase(word.utf8)
    }
}
