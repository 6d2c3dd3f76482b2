import Synchronization

/// What kind of command a table entry is: the flags Redis's command table
/// carries that the server, the log and `COMMAND` read.
public struct CommandFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// May change the keyspace; its effects go to the log.
    public static let write = CommandFlags(rawValue: 1 << 0)
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    /// O(1) or O(log n): never worth blocking for.
    public static let fast = CommandFlags(rawValue: 1 << 2)
    /// May park the client (blocking pops).
    public static let mayBlock = CommandFlags(rawValue: 1 << 3)
    public static let admin = CommandFlags(rawValue: 1 << 4)
    public static let pubsub = CommandFlags(rawValue: 1 << 5)
    public static let noscript = CommandFlags(rawValue: 1 << 6)
    /// May grow memory: refused when the engine is read-only (disk full).
    public static let denyOOM = CommandFlags(rawValue: 1 << 7)
    /// Random output (`RANDOMKEY`, `HRANDFIELD`).
    public static let random = CommandFlags(rawValue: 1 << 8)
    public static let loading = CommandFlags(rawValue: 1 << 9)
    public static let stale = CommandFlags(rawValue: 1 << 10)
    // The flags of the commands the server handles itself (connection,
    // transactions, pub/sub, persistence), as Redis 7.0.15's json names them.
    public static let skipMonitor = CommandFlags(rawValue: 1 << 11)
    public static let skipSlowlog = CommandFlags(rawValue: 1 << 12)
    public static let asking = CommandFlags(rawValue: 1 << 13)
    /// Allowed before AUTH (`AUTH`, `HELLO`, `QUIT`, `RESET`).
    public static let noAuth = CommandFlags(rawValue: 1 << 14)
    public static let noMandatoryKeys = CommandFlags(rawValue: 1 << 15)
    public static let noAsyncLoading = CommandFlags(rawValue: 1 << 16)
    /// Refused inside MULTI (`SAVE`, `SHUTDOWN`).
    public static let noMulti = CommandFlags(rawValue: 1 << 17)
    /// Keys found only by reading the arguments (Redis derives it from the key specs).
    public static let movableKeys = CommandFlags(rawValue: 1 << 18)
    /// Runs while a script is busy (`MULTI`, `DISCARD`, `SHUTDOWN NOSAVE`).
    public static let allowBusy = CommandFlags(rawValue: 1 << 19)

    /// Names as `COMMAND INFO` reports them, in the order it reports them
    /// (server.c addReplyFlagsForCommand).
    public var names: [String] {
        let all: [(CommandFlags, String)] = [
            (.write, "write"), (.readonly, "readonly"), (.denyOOM, "denyoom"), (.admin, "admin"),
            (.pubsub, "pubsub"), (.noscript, "noscript"), (.mayBlock, "blocking"), (.loading, "loading"),
            (.stale, "stale"), (.skipMonitor, "skip_monitor"), (.skipSlowlog, "skip_slowlog"), (.asking, "asking"),
            (.fast, "fast"), (.noAuth, "no_auth"), (.noMandatoryKeys, "no_mandatory_keys"),
            (.noAsyncLoading, "no_async_loading"), (.noMulti, "no_multi"), (.movableKeys, "movablekeys"),
            (.allowBusy, "allow_busy"), (.random, "random"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }
}

/// Runs one command. Reads its arguments from the context, changes the
/// keyspace through it, reports effects through it, returns the reply.
typealias CommandHandler = @Sendable (inout CommandContext) throws(CommandError) -> Reply

/// One entry of the command table: Redis's name, arity, flags and key
/// positions, and the handler.
public final class CommandSpec: Sendable {
    /// Lowercase name; a subcommand's is `container|sub` (`object|encoding`).
    public let name: String
    /// Argument count including the name; negative means "at least".
    public let arity: Int
    public let flags: CommandFlags
    /// Position of the first key (0: none), the last (-1: the last argument), and the step.
    public let firstKey: Int
    public let lastKey: Int
    public let keyStep: Int
    /// Redis's command group (`string`, `hash`, `generic`, `server`, ...).
    public let group: String
    public let subcommands: [CommandSpec]
    /// For `.movableKeys` commands: where `numkeys` sits; that many keys
    /// follow it (Redis's `keynum` key spec: ZUNION, ZUNIONSTORE, ZMPOP, ...).
    public let keyCountIndex: Int?
    /// A small number unique to this entry (0, 1, 2, ... in creation
    /// order): lets a caller keep per-command data in an array.
    public let ordinal: Int
    let handler: CommandHandler
    private static let ordinals = Atomic<Int>(0)

    init(_ name: String, arity: Int, flags: CommandFlags, keys: (first: Int, last: Int, step: Int) = (0, 0, 0),
         group: String, subcommands: [CommandSpec] = [], keyCountIndex: Int? = nil, handler: @escaping CommandHandler) {
        self.name = name
        self.arity = arity
        self.flags = flags
        self.firstKey = keys.first
        self.lastKey = keys.last
        self.keyStep = keys.step
        self.group = group
        self.subcommands = subcommands
        self.keyCountIndex = keyCountIndex
        self.handler = handler
        ordinal = CommandSpec.ordinals.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// A table entry for a command the engine does not run: the server
    /// dispatches it itself (`PING`, `MULTI`, `SUBSCRIBE`, ...) and the entry
    /// only gives `COMMAND`, arity checks and key positions Redis's metadata.
    /// Should the engine ever be handed one, it answers with an error.
    public convenience init(serverCommand name: String, arity: Int, flags: CommandFlags,
                keys: (first: Int, last: Int, step: Int) = (0, 0, 0), group: String, subcommands: [CommandSpec] = []) {
        self.init(name, arity: arity, flags: flags, keys: keys, group: group, subcommands: subcommands) { _ throws(CommandError) in
            throw CommandError.err("'\(name)' is handled by the server, not the engine")
        }
    }

    /// Whether `count` arguments (including the name) satisfy the arity.
    public func accepts(argumentCount count: Int) -> Bool {
        arity >= 0 ? count == arity : count >= -arity
    }

    /// The positions of the keys in `argv`, as the table's key spec gives them.
    public func keyPositions(in argv: [Bytes]) -> [Int] {
        var positions: [Int] = []
        if firstKey > 0, firstKey < argv.count {
            let last = lastKey < 0 ? argv.count + lastKey : min(lastKey, argv.count - 1)
            positions = Array(stride(from: firstKey, through: last, by: max(keyStep, 1)))
        }
        if let keyCountIndex, keyCountIndex < argv.count, let count = Numbers.parseInteger(argv[keyCountIndex]), count > 0 {
            let start = keyCountIndex + 1
            positions += Array(start..<min(argv.count, start + Int(clamping: count)))
        }
        return positions
    }
}

/// The single command table the engine, the server, the log and `COMMAND` read.
public enum CommandTable {
    /// Every command, one family file each.
    public static let all: [CommandSpec] =
        StringCommands.specs + BitCommands.specs + HashCommands.specs + ListCommands.specs + SetCommands.specs + SortedSetCommands.specs + SortCommands.specs + KeyCommands.specs + DatabaseCommands.specs
        + BlockingCommands.specs + FunctionCommands.specs + MemoryCommands.specs + DumpRestoreCommands.specs

    private static let byName = CommandNameIndex(all.map { (name: $0.name, value: $0) })

    /// The entry for a command name, any letter case.
    public static func lookup(_ name: Bytes) -> CommandSpec? {
        byName.lookup(name)
    }

    /// The entry for a command name given as text.
    public static func lookup(_ name: String) -> CommandSpec? {
        lookup(Array(name.utf8))
    }
}
