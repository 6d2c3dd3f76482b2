import Cairn

/// The commands the server answers itself (connection state, transactions,
/// administration), with Redis 7.0.15's arity and the flags processCommand
/// checks. Everything else goes to the engine's `CommandTable`.
enum ServerCommand: String, Sendable, CaseIterable {
    case ping, echo, quit, hello, auth, reset, client
    case multi, exec, discard, watch, unwatch
    case config, time, shutdown, debug

    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// Runs before AUTH (Redis's CMD_NO_AUTH).
        static let noAuth = Flags(rawValue: 1 << 0)
        /// Refused inside MULTI (CMD_NO_MULTI).
        static let noMulti = Flags(rawValue: 1 << 1)
        /// Runs at once inside MULTI instead of being queued (processCommand's list).
        static let notQueued = Flags(rawValue: 1 << 2)
    }

    /// Arity as in src/commands/*.json: n exact, -n at least n (name included).
    var arity: Int {
        switch self {
        case .ping, .quit, .hello, .shutdown: -1
        case .echo: 2
        case .auth, .client, .watch, .config, .debug: -2
        case .reset, .multi, .exec, .discard, .unwatch, .time: 1
        }
    }

    var flags: Flags {
        switch self {
        case .auth, .hello: .noAuth
        case .quit, .reset: [.noAuth, .notQueued]
        case .multi, .exec, .discard, .watch: .notQueued
        case .shutdown: .noMulti
        default: []
        }
    }

    /// Commands another part of the server will answer; until they are
    /// wired into `CommandProcessor.runServerCommand` they are unknown, as
    /// they would be to a client: COMMAND (+ COUNT/INFO/DOCS/LIST), INFO,
    /// and pub/sub (SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE,
    /// PUBLISH, PUBSUB). To wire one: add a case above with its arity and
    /// flags, and a branch in the dispatch switch.
    static let pendingHooks: Set<String> = [
        "command", "info", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "publish", "pubsub",
    ]

    private static let byName: [Bytes: ServerCommand] = Dictionary(
        uniqueKeysWithValues: allCases.map { (Array($0.rawValue.utf8), $0) })

    static func lookup(_ lowercasedName: Bytes) -> ServerCommand? { byName[lowercasedName] }
}

/// A request's command after lookup: the server's own, or the engine's.
enum ResolvedCommand {
    case server(ServerCommand)
    case engine(CommandSpec)

    /// Redis's `commandCheckExistence` then `commandCheckArity`: the error
    /// for an unknown command, an unknown subcommand of a container, or a
    /// wrong argument count; nil when the request may run.
    static func resolve(_ argv: [Bytes]) -> Result<ResolvedCommand, ServerError> {
        let name = argv[0].lowercasedASCII
        if let command = ServerCommand.lookup(name) {
            guard accepts(command.arity, argv.count) else { return .failure(.wrongArity(command.rawValue)) }
            return .success(.server(command))
        }
        guard let spec = CommandTable.lookup(name) else { return .failure(.unknownCommand(argv)) }
        if spec.subcommands.isEmpty || argv.count < 2 {
            guard accepts(spec.arity, argv.count) else { return .failure(.wrongArity(spec.name)) }
            return .success(.engine(spec))
        }
        let full = spec.name + "|" + String(decoding: argv[1].lowercasedASCII, as: UTF8.self)
        guard let sub = spec.subcommands.first(where: { $0.name == full }) else {
            return .failure(.unknownSubcommand(argv))
        }
        guard accepts(sub.arity, argv.count) else { return .failure(.wrongArity(sub.name)) }
        return .success(.engine(spec))
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

    static let syntax = ServerError("ERR syntax error")
    static let noAuth = ServerError("NOAUTH Authentication required.")
    static let wrongPass = ServerError("WRONGPASS invalid username-password pair or user is disabled.")
    static let notInteger = ServerError("ERR value is not an integer or out of range")
}

extension Array where Element == UInt8 {
    /// ASCII letters lowercased: command names are case-insensitive.
    var lowercasedASCII: [UInt8] {
        map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    /// strcasecmp against an ASCII word.
    func `is`(_ word: String) -> Bool {
        lowercasedASCII == Array(word.lowercased().utf8)
    }
}
