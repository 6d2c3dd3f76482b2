import Cairn

/// cairn-server's configuration: every Redis 7.0.15 directive's value, kept
/// as CONFIG GET renders it, with typed views of the ones Cairn acts on.
///
///     let (config, ignored) = try ServerConfiguration.load(
///         arguments: ["/etc/redis/redis.conf", "--port", "7000"],
///         readFile: { try String(contentsOfFile: $0, encoding: .utf8) })
///     for name in ignored { log("ignoring directive '\(name)'") }
///     listen(on: config.bindAddresses, port: config.port)
///
/// Values are validated when they are stored, so the typed properties never
/// fail; a directive Cairn does not use is stored all the same and shows in
/// CONFIG GET.
public struct ServerConfiguration: Sendable {
    /// Primary directive name -> rendered value.
    private var values: [String: String]

    /// Redis's defaults, with Cairn's `dir` and `bind` (see DirectiveTable).
    public init() {
        values = Dictionary(uniqueKeysWithValues: DirectiveTable.all.map { ($0.name, $0.defaultValue) })
    }

    /// The rendered value of a directive (name or alias, any case), as
    /// CONFIG GET would show it; nil for a name Redis does not know.
    public func value(of name: String) -> String? {
        DirectiveTable.lookup(name).flatMap { values[$0.name] }
    }

    // MARK: Typed views of the directives Cairn implements

    public enum AppendFsyncPolicy: String, Sendable {
        case always, everysec, no
    }

    public enum LogLevel: String, Sendable {
        case debug, verbose, notice, warning
    }

    /// One `save` point: snapshot when at least `changes` writes happened in
    /// the last `seconds`.
    public struct SavePoint: Equatable, Sendable {
        public let seconds: Int
        public let changes: Int
        public init(seconds: Int, changes: Int) {
            self.seconds = seconds
            self.changes = changes
        }
    }

    public var port: Int { integer("port") }
    /// `bind`; empty means every interface (`bind ""`).
    public var bindAddresses: [String] { words("bind") }
    public var dataDirectory: String { values["dir"] ?? "" }
    public var appendFsync: AppendFsyncPolicy { AppendFsyncPolicy(rawValue: values["appendfsync"] ?? "") ?? .always }
    /// `requirepass`; nil when empty, as Redis's EMPTY_STRING_IS_NULL.
    public var requirePassword: String? {
        let password = values["requirepass"] ?? ""
        return password.isEmpty ? nil : password
    }
    public var maxClients: Int { integer("maxclients") }
    /// Idle client timeout; 0 disables it.
    public var timeoutSeconds: Int { integer("timeout") }
    public var protectedMode: Bool { values["protected-mode"] == "yes" }
    /// `aof-load-truncated`: at startup, drop a torn tail of the log (yes,
    /// the default) or refuse to start (no). Loss below the log's seal is
    /// refused either way.
    public var loadsTruncatedLog: Bool { values["aof-load-truncated"] != "no" }
    public var logLevel: LogLevel { LogLevel(rawValue: values["loglevel"] ?? "") ?? .notice }
    /// `logfile`; empty means standard output.
    public var logFile: String { values["logfile"] ?? "" }
    public var autoRewritePercentage: Int { integer("auto-aof-rewrite-percentage") }
    public var autoRewriteMinSizeBytes: Int { integer("auto-aof-rewrite-min-size") }
    /// `save`; empty disables snapshots on a schedule.
    public var saveSchedule: [SavePoint] {
        let numbers = words("save").compactMap { Int($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map {
            SavePoint(seconds: numbers[$0], changes: numbers[$0 + 1])
        }
    }
    public var protoMaxBulkLengthBytes: Int { integer("proto-max-bulk-len") }
    /// `stop-writes-on-bgsave-error yes` with save points: after a failed
    /// BGSAVE or SAVE, writes are refused until one succeeds
    /// (`writeCommandsDeniedByDiskError`'s RDB case).
    public var refusesWritesAfterFailedSave: Bool {
        values["stop-writes-on-bgsave-error"] != "no" && !saveSchedule.isEmpty
    }

    /// One client class's `client-output-buffer-limit`: close a client whose
    /// pending output passes `hardBytes`, or stays above `softBytes` for
    /// more than `softSeconds` (0 bytes: no such limit).
    public struct OutputBufferLimit: Sendable, Equatable {
        public var hardBytes: Int
        public var softBytes: Int
        public var softSeconds: Int
        public var isUnlimited: Bool { hardBytes == 0 && softBytes == 0 }

        /// Whether `pendingBytes` is at or past the hard limit.
        public func isHardReached(_ pendingBytes: Int) -> Bool { hardBytes > 0 && pendingBytes >= hardBytes }

        /// checkClientOutputBufferLimits: past the hard limit, or above the
        /// soft one for more than `softSeconds` since `softSince` (which this
        /// sets when the soft limit is first passed and clears below it).
        public func isReached(_ pendingBytes: Int, softSince: inout ContinuousClock.Instant?,
                              now: ContinuousClock.Instant = .now) -> Bool {
            guard softBytes > 0 && pendingBytes >= softBytes else {
                softSince = nil
                return isHardReached(pendingBytes)
            }
            let since = softSince ?? now
            softSince = since
            return isHardReached(pendingBytes) || since.duration(to: now) > .seconds(softSeconds)
        }
    }

    /// The limit of a class (`normal`, `pubsub`; `slave` is unused by Cairn).
    public func outputBufferLimit(_ name: String) -> OutputBufferLimit {
        let words = words("client-output-buffer-limit")
        for start in stride(from: 0, to: words.count - 3, by: 4) where words[start] == name {
            return OutputBufferLimit(hardBytes: Int(words[start + 1]) ?? 0, softBytes: Int(words[start + 2]) ?? 0,
                                     softSeconds: Int(words[start + 3]) ?? 0)
        }
        return OutputBufferLimit(hardBytes: 0, softBytes: 0, softSeconds: 0)
    }
    /// `client-query-buffer-limit`: the most unprocessed input a client may
    /// have buffered (Redis's client_max_querybuf_len).
    public var queryBufferLimitBytes: Int { integer("client-query-buffer-limit") }

    /// The compact-encoding thresholds (`hash-max-listpack-*`,
    /// `set-max-intset-entries`, `zset-max-listpack-*`), as the engine takes them.
    public var encodingLimits: EncodingLimits {
        var limits = EncodingLimits()
        limits.hashMaxListpackEntries = integer("hash-max-listpack-entries")
        limits.hashMaxListpackValue = integer("hash-max-listpack-value")
        limits.setMaxIntsetEntries = integer("set-max-intset-entries")
        limits.zsetMaxListpackEntries = integer("zset-max-listpack-entries")
        limits.zsetMaxListpackValue = integer("zset-max-listpack-value")
        return limits
    }

    private func integer(_ name: String) -> Int {
        Int(values[name] ?? "") ?? 0
    }

    private func words(_ name: String) -> [String] {
        (values[name] ?? "").split(separator: " ").map(String.init)
    }

    // MARK: CONFIG GET

    /// CONFIG GET with one pattern. See `get(patterns:)`.
    public func get(pattern: String) -> [(name: String, value: String)] {
        get(patterns: [pattern])
    }

    /// CONFIG GET (configGetCommand): a pattern without `*?[` is an exact,
    /// case-insensitive lookup of a name or alias (the reply uses the name as
    /// asked); a glob matches every name and alias, case-insensitively, except
    /// hidden directives. Each directive name appears once.
    ///
    /// Deviation: Redis replies in its dictionary's hash order; Cairn sorts by
    /// name so replies are stable.
    public func get(patterns: [String]) -> [(name: String, value: String)] {
        var matches: [String: String] = [:]
        for pattern in patterns {
            if !pattern.contains(where: { "[*?".contains($0) }) {
                if let directive = DirectiveTable.lookup(pattern), let value = values[directive.name],
                   !matches.keys.contains(where: { $0.lowercased() == pattern.lowercased() }) {
                    matches[pattern] = value
                }
                continue
            }
            let bytes = Array(pattern.utf8)
            for (name, directive) in DirectiveTable.byName where !directive.flags.contains(.hidden) {
                if Glob.matches(pattern: bytes, Array(name.utf8), ignoringCase: true) {
                    matches[name] = values[directive.name]
                }
            }
        }
        return matches.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
    }

    // MARK: CONFIG SET

    /// CONFIG SET with several name/value pairs, all or nothing
    /// (configSetCommand): the first unknown, immutable or repeated name fails
    /// the whole command before any value is checked; then each value is
    /// checked in order and the first invalid one fails it, leaving the
    /// configuration as it was.
    ///
    ///     try config.set([("port", "7000"), ("timeout", "30")])
    ///     // "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"
    ///
    /// A multi-argument directive (`save`, `bind`) splits its value on single
    /// spaces, as Redis's performInterfaceSet does.
    ///
    /// A protected directive (`dir`, `dbfilename`) is refused, in the same
    /// check as an immutable one, unless `enable-protected-configs` is
    /// `yes`, or `local` and `clientIsLocal`:
    ///
    ///     // "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"
    public mutating func set(_ pairs: [(String, String)], clientIsLocal: Bool = false) throws(ConfigurationError) {
        var resolved: [(directive: Directive, spelling: String, value: String)] = []
        for (name, value) in pairs {
            guard let directive = DirectiveTable.lookup(name) else { throw .unknownOption(name) }
            if directive.flags.contains(.immutable) {
                throw .setFailed(argument: name, reason: "can't set immutable config")
            }
            if directive.flags.contains(.protected)
                && !allowsProtectedAction("enable-protected-configs", clientIsLocal: clientIsLocal) {
                throw .setFailed(argument: name, reason: "can't set protected config")
            }
            // Redis compares table entries, and an alias is an entry of its own.
            let spelling = name.lowercased()
            if resolved.contains(where: { $0.spelling == spelling }) {
                throw .setFailed(argument: name, reason: "duplicate parameter")
            }
            resolved.append((directive, spelling, value))
        }
        var updated = values
        for (directive, spelling, value) in resolved {
            let arguments = directive.flags.contains(.multipleArguments)
                ? (value.isEmpty ? [] : value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
                : [value]
            do {
                updated[directive.name] = DirectiveValues.merge(
                    directive, current: updated[directive.name], rendered: try DirectiveValues.render(directive, arguments))
            } catch {
                throw .setFailed(argument: spelling, reason: error.reason)
            }
        }
        values = updated
    }

    /// allowProtectedAction (config.c): whether `option`
    /// (`enable-protected-configs`, `enable-debug-command`,
    /// `enable-module-command`: no, yes or local) lets this client through;
    /// `local` means a loopback client (networking.c islocalClient).
    func allowsProtectedAction(_ option: String, clientIsLocal: Bool) -> Bool {
        let allowed = values[option] ?? "no"
        return allowed == "yes" || (allowed == "local" && clientIsLocal)
    }

    /// Stores a checked value (the loader's path).
    mutating func store(_ directive: Directive, _ value: String) {
        values[directive.name] = value
    }
}

/// The buffer limits every connection enforces, copied out of the
/// configuration at start and on CONFIG SET: a connection checks them on
/// every read and a batch after every command, which must cost a lock, not
/// a copy and parse of every directive.
struct ClientBufferLimits: Sendable {
    var normal: ServerConfiguration.OutputBufferLimit
    var pubsub: ServerConfiguration.OutputBufferLimit
    var queryBufferBytes: Int
    /// The smallest hard output limit in force (`Int.max` if none): below
    /// it no client's output can pass its class's.
    let smallestHardBytes: Int

    init(_ configuration: ServerConfiguration) {
        normal = configuration.outputBufferLimit("normal")
        pubsub = configuration.outputBufferLimit("pubsub")
        queryBufferBytes = configuration.queryBufferLimitBytes
        smallestHardBytes = [normal.hardBytes, pubsub.hardBytes].filter { $0 > 0 }.min() ?? .max
    }

    /// A subscribed client is held to the pubsub class, every other to
    /// normal. A monitor is held to pubsub too (it shares
    /// `BatchResult.subscribed`, which spares it the idle timeout), where
    /// Redis's getClientType counts MONITOR clients as normal.
    func output(subscribed: Bool) -> ServerConfiguration.OutputBufferLimit { subscribed ? pubsub : normal }
}
