/// A client's per-connection engine state: the selected database and the
/// protocol version, which a few replies depend on exactly as in Redis
/// (`HRANDFIELD .. WITHVALUES` gives pairs in RESP3, a flat array in RESP2).
public struct Session: Sendable {
    /// The database `SELECT` chose (0-15).
    public var database: Int = 0
    /// 2 or 3, as `HELLO` negotiated.
    public var protocolVersion: Int = 2
    public init(database: Int = 0, protocolVersion: Int = 2) {
        self.database = database
        self.protocolVersion = protocolVersion
    }
}

/// What running a command gave: its reply and the effects the log must hold
/// before the reply may be released (empty for reads and no-op writes).
public struct Execution: Sendable {
    public var reply: Reply
    /// One log record's worth: every effect of the command, or of the whole
    /// `MULTI/EXEC` batch, in order.
    public var effects: [Effect]
    /// A blocking command (BLPOP ...) found every key empty outside a
    /// transaction: the server parks the client instead of replying.
    public var block: BlockRequest? = nil
}

/// A logged effect that the engine refused on replay.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public let effect: Effect
    public let message: String
    public var description: String {
        let argv = effect.argv.map { String(decoding: $0.prefix(64), as: UTF8.self) }.joined(separator: " ")
        return "replay of [db \(effect.database)] \(argv) failed: \(message)"
    }
}

/// How to build an engine. Tests inject a `ManualClock` and a seed.
public struct EngineConfiguration: Sendable {
    public var clock: any WallClock = SystemClock()
    /// Seed of the random source; nil seeds from the system.
    public var randomSeed: UInt64?
    public var encodingLimits = EncodingLimits()

    public init(clock: any WallClock = SystemClock(), randomSeed: UInt64? = nil) {
        self.clock = clock
        self.randomSeed = randomSeed
    }
}

/// See `Engine.statistics`.
public struct EngineStatistics: Sendable, Equatable {
    public var expiredKeys = 0
    public var keyspaceHits = 0
    public var keyspaceMisses = 0
}

/// Cairn's in-memory engine and its command API: argv in, `Reply` out.
///
/// The engine is a single-writer state machine: use it from one thread (or
/// one serial executor) at a time. Every write reports its effects in
/// deterministic form; replaying them with `replay` rebuilds the same state.
///
/// ```swift
/// let engine = Engine()
/// _ = engine.execute("HSET", "product:42", "name", "lamp", "price", "30")
/// _ = engine.execute("EXPIRE", "product:42", "3600")
/// let name = engine.execute("HGET", "product:42", "name")  // .bulk("lamp")
/// ```
public final class Engine {
    let keyspace = Keyspace()
    let clock: any WallClock
    var random: RandomSource
    /// The session the convenience API (`execute(_:)` without a session) uses.
    public var session = Session()
    /// Whether the running command may block (a lone command, not EXEC's
    /// or replay's): Redis's absent `CLIENT_DENY_BLOCKING`.
    var blockingAllowed = false
    /// Set by a blocking command that found nothing: taken by `execute`.
    var pendingBlock: BlockRequest?

    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        clock = configuration.clock
        random = configuration.randomSeed.map(RandomSource.init(seed:)) ?? RandomSource()
        keyspace.limits = configuration.encodingLimits
    }

    /// An empty engine built as this one was: the same clock and encoding
    /// limits, a seed drawn from this one's generator (DEBUG RELOAD
    /// recovers into it).
    func emptySibling() -> Engine {
        var configuration = EngineConfiguration(clock: clock, randomSeed: random.next())
        configuration.encodingLimits = keyspace.limits
        return Engine(configuration: configuration)
    }

    /// The thresholds between compact and general encodings (Redis's
    /// `hash-max-listpack-*`, `set-max-intset-entries`, `zset-max-listpack-*`);
    /// changing them affects collections as they grow later, as in Redis.
    public var encodingLimits: EncodingLimits {
        get { keyspace.limits }
        set { keyspace.limits = newValue }
    }

    // MARK: Executing commands

    /// Runs one command in the engine's own session and returns its reply.
    @discardableResult
    public func execute(_ argv: [Bytes]) -> Reply {
        execute(argv, session: &session).reply
    }

    /// Runs one command given as text arguments: `engine.execute("SET", "k", "v")`.
    @discardableResult
    public func execute(_ arguments: String...) -> Reply {
        execute(arguments.map { Array($0.utf8) })
    }

    /// Runs one command for a client session; returns the reply and the
    /// effects to log.
    public func execute(_ argv: [Bytes], session: inout Session) -> Execution {
        var context = makeContext(argv, session: session, now: clock.nowMilliseconds())
        blockingAllowed = true
        let reply = dispatch(&context)
        blockingAllowed = false
        session.database = context.database
        defer { pendingBlock = nil }
        return Execution(reply: reply, effects: keyspace.takeEffects(), block: pendingBlock)
    }

    /// Runs a `MULTI/EXEC` batch atomically: nothing else runs in between,
    /// every command sees the same time, and the effects form one record.
    /// A command that fails does not stop the others (as Redis's `EXEC`).
    public func executeTransaction(_ commands: [[Bytes]], session: inout Session) -> Execution {
        let now = clock.nowMilliseconds()
        var replies: [Reply] = []
        replies.reserveCapacity(commands.count)
        for argv in commands {
            var context = makeContext(argv, session: session, now: now)
            replies.append(dispatch(&context))
            session.database = context.database
        }
        return Execution(reply: .array(replies), effects: keyspace.takeEffects())
    }

    /// Applies logged effects: the recovery path. Reads neither the clock nor
    /// the random source, and expires nothing on its own, so the result
    /// depends only on the effects. An effect that fails means the log and
    /// the engine disagree: replay stops there and says which effect.
    public func replay(_ effects: some Collection<Effect>) throws(ReplayError) {
        keyspace.expiryEnabled = false
        keyspace.recordsEffects = false
        defer {
            keyspace.expiryEnabled = true
            keyspace.recordsEffects = true
        }
        for effect in effects {
            var context = makeContext(effect.argv, session: Session(database: effect.database), now: 0)
            if case .error(let message) = dispatch(&context, spec: replayLookup(effect.argv)) {
                throw ReplayError(effect: effect, message: message)
            }
        }
    }

    /// The last command name replay looked up, and its entry: a log is
    /// mostly runs of one command, so most lookups are a short compare.
    private var lastReplayed: (name: Bytes, spec: CommandSpec)?

    private func replayLookup(_ argv: [Bytes]) -> CommandSpec? {
        guard let name = argv.first else { return nil }
        if let last = lastReplayed, last.name == name { return last.spec }
        let spec = CommandTable.lookup(name)
        // A copy of its own: holding the argument would keep recovery from
        // reusing that array for the next record.
        lastReplayed = spec.map { (name.map { $0 }, $0) }
        return spec
    }

    private func makeContext(_ argv: [Bytes], session: Session, now: Int64) -> CommandContext {
        CommandContext(engine: self, keyspace: keyspace, argv: argv, database: session.database,
                       protocolVersion: session.protocolVersion, now: now)
    }

    private func dispatch(_ context: inout CommandContext) -> Reply {
        dispatch(&context, spec: context.argv.first.flatMap(CommandTable.lookup))
    }

    /// Runs `context`'s command, whose table entry (nil: unknown) the caller found.
    private func dispatch(_ context: inout CommandContext, spec: CommandSpec?) -> Reply {
        let argv = context.argv
        guard !argv.isEmpty else { return .error("ERR empty command") }
        guard let spec else { return .error(Engine.unknownCommand(argv)) }
        guard spec.accepts(argumentCount: argv.count) else { return .error(CommandError.wrongArity(spec.name).message) }
        var command = spec
        if !spec.subcommands.isEmpty {
            guard let sub = spec.subcommands.first(where: { $0.name == spec.name + "|" + String(decoding: argv[1].asciiLowercased, as: UTF8.self) }) else {
                let upper = spec.name.uppercased()
                return .error("ERR unknown subcommand '\(String(decoding: argv[1].prefix(128), as: UTF8.self))'. Try \(upper) HELP.")
            }
            guard sub.accepts(argumentCount: argv.count) else { return .error(CommandError.wrongArity(sub.name).message) }
            command = sub
        }
        let writes = command.flags.contains(.write)
        keyspace.countsLookups = !writes && keyspace.expiryEnabled
        keyspace.writing = writes
        defer {
            keyspace.countsLookups = false
            keyspace.writing = false
        }
        do {
            return try command.handler(&context)
        } catch {
            return .error(error.message)
        }
    }

    /// Redis's reply to an unknown command (`processCommand`): the name and
    /// the first arguments, 128 bytes at most, newlines made spaces.
    static func unknownCommand(_ argv: [Bytes]) -> String {
        var arguments = ""
        for argument in argv.dropFirst() where arguments.utf8.count < 128 {
            let room = 128 - arguments.utf8.count
            arguments += "'" + String(decoding: argument.prefix(room), as: UTF8.self) + "' "
        }
        let name = String(decoding: argv[0].prefix(128), as: UTF8.self)
        let message = "ERR unknown command '\(name)', with args beginning with: \(arguments)"
        return String(message.map { $0 == "\r" || $0 == "\n" ? " " : $0 })
    }

    // MARK: Active expiry

    /// One cycle of active expiry (Redis's `activeExpireCycle`, run `hz`
    /// times a second by the server): per database, sample 20 keys that have
    /// a TTL, delete the expired ones, and repeat while more than 25% of a
    /// sample had expired, within `timeLimit`. Returns the `DEL` effects.
    /// (This is Redis's classic 25% rule on random samples; Redis 7.0 walks
    /// the expires table with a bucket cursor and repeats above 10% stale.
    /// Either only decides when memory comes back, never what a client sees.)
    public func activeExpireCycle(timeLimit: Duration = .milliseconds(25)) -> [Effect] {
        let now = clock.nowMilliseconds()
        let deadline = ContinuousClock.now + timeLimit
        for database in 0..<Keyspace.databaseCount {
            while true {
                let volatileCount = keyspace.databases[database].expires.count
                guard volatileCount > 0 else { break }
                let sampleSize = min(20, volatileCount)
                var expired = 0
                for _ in 0..<sampleSize {
                    guard let (key, when) = randomVolatileKey(database) else { break }
                    if Keyspace.hasExpired(when, now: now) {
                        keyspace.deleteExpired(database, key)
                        expired += 1
                    }
                }
                if expired * 4 <= sampleSize || ContinuousClock.now >= deadline { break }
            }
            if ContinuousClock.now >= deadline { break }
        }
        return keyspace.takeEffects()
    }

    /// A random key with a TTL and its expiry time. The table copy ends here,
    /// so the caller's deletion does not copy the whole table (copy on write).
    private func randomVolatileKey(_ database: Int) -> (ByteString, Int64)? {
        let expires = keyspace.databases[database].expires
        guard let entry = expires.randomEntry(using: &random) else { return nil }
        return (expires.key(at: entry), expires.value(at: entry))
    }

    // MARK: Inspection

    /// Number of keys in `database` (expired keys not yet deleted included, as `DBSIZE`).
    public func keyCount(database: Int) -> Int {
        keyspace.databases[database].main.count
    }

    /// Number of keys in every database.
    public var keyCount: Int {
        keyspace.databases.reduce(0) { $0 + $1.main.count }
    }

    /// Number of keys with a TTL in `database`.
    public func expiringKeyCount(database: Int) -> Int {
        keyspace.databases[database].expires.count
    }

    // MARK: Statistics

    /// Counters for INFO's stats section since start or `resetStatistics`:
    /// keys deleted by expiry (lazy or active) and key lookups of read-only
    /// commands that found a key or not.
    public var statistics: EngineStatistics { keyspace.statistics }

    /// CONFIG RESETSTAT.
    public func resetStatistics() {
        keyspace.statistics = EngineStatistics()
    }

    // MARK: WATCH support

    /// Registers one watcher of `key`; returns the key's modification version.
    public func watch(database: Int, key: Bytes) -> UInt64 {
        keyspace.watch(database, ByteString(key))
    }

    /// Drops one watcher of `key`.
    public func unwatch(database: Int, key: Bytes) {
        keyspace.unwatch(database, ByteString(key))
    }

    /// The modification version of a watched key: it changes whenever the
    /// key is written, deleted, expired, flushed or swapped away.
    public func modificationVersion(database: Int, key: Bytes) -> UInt64 {
        keyspace.version(database, ByteString(key))
    }

    /// Whether `key` holds a TTL that has passed (expired but not yet deleted).
    public func isLogicallyExpired(database: Int, key: Bytes) -> Bool {
        keyspace.isLogicallyExpired(database, ByteString(key), now: clock.nowMilliseconds())
    }
}
