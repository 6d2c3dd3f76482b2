import Cairn
import CairnRESP
#if canImport(Glibc)
import Glibc
#endif

/// The server's own commands, Redis 7.0.15-exact (server.c, networking.c,
/// acl.c, config.c). Runs on the engine executor with the calling client.
struct ServerCommands {
    let context: ServerContext
    let store: DurableEngine
    let client: ClientState

    /// PING [message] (pingCommand): a subscribed RESP2 client gets
    /// `["pong", message or ""]`.
    func ping(_ argv: [Bytes]) -> Reply {
        if argv.count > 2 { return .error(ServerError.wrongArity("ping").line) }
        if client.protocolVersion == .resp2 && context.pubsub.registry.subscriptionCount(of: client.id) > 0 {
            return .array([.bulk(text("pong")), .bulk(argv.count == 1 ? [] : argv[1])])
        }
        return argv.count == 1 ? .simple("PONG") : .bulk(argv[1])
    }

    /// HELLO [protover [AUTH user pass] [SETNAME name]] (helloCommand).
    mutating func hello(_ argv: [Bytes]) -> Reply {
        var version: Int64 = 0
        var index = 1
        if argv.count >= 2 {
            guard let parsed = Numbers.parseInteger(argv[1]) else {
                return .error("ERR Protocol version is not an integer or out of range")
            }
            if parsed < 2 || parsed > 3 { return .error("NOPROTO unsupported protocol version") }
            version = parsed
            index = 2
        }
        while index < argv.count {
            let more = argv.count - 1 - index
            if argv[index].is("auth") && more >= 2 {
                guard passwordMatches(user: argv[index + 1], password: argv[index + 2]) else {
                    return .error(ServerError.wrongPass.line)
                }
                client.authenticated = true
                index += 3
            } else if argv[index].is("setname") && more >= 1 {
                if let error = setName(argv[index + 1]) { return error }
                index += 2
            } else {
                return .error("ERR Syntax error in HELLO option '\(String(decoding: argv[index], as: UTF8.self))'")
            }
        }
        guard client.authenticated else {
            return .error("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select "
                + "the RESP protocol version at the same time")
        }
        if version != 0 { client.session.protocolVersion = Int(version) }
        return .map([
            .bulk(text("server")), .bulk(text("redis")),
            .bulk(text("version")), .bulk(text("7.0.15")),
            .bulk(text("proto")), .integer(Int64(client.session.protocolVersion)),
            .bulk(text("id")), .integer(Int64(client.id)),
            .bulk(text("mode")), .bulk(text("standalone")),
            .bulk(text("role")), .bulk(text("master")),
            .bulk(text("modules")), .array([]),
        ])
    }

    /// AUTH [user] password (authCommand), for the default user only.
    func auth(_ argv: [Bytes]) -> Reply {
        if argv.count > 3 { return .error(ServerError.syntax.line) }
        if argv.count == 2 && context.config.requirePassword == nil {
            return .error("ERR AUTH <password> called without any password configured for the default user. "
                + "Are you sure your configuration is correct?")
        }
        let user = argv.count == 2 ? text("default") : argv[1]
        guard passwordMatches(user: user, password: argv[argv.count - 1]) else {
            return .error(ServerError.wrongPass.line)
        }
        client.authenticated = true
        return .simple("OK")
    }

    /// The default user's check: any password when `requirepass` is unset
    /// (Redis's nopass default user), otherwise exactly `requirepass`.
    private func passwordMatches(user: Bytes, password: Bytes) -> Bool {
        guard user == text("default") else { return false }
        guard let required = context.config.requirePassword else { return true }
        return password == text(required)
    }

    /// RESET (clearClientConnectionState): leave MULTI, unwatch, database
    /// 0, RESP2, no name, replies on, authenticated only without a password.
    func reset() -> Reply {
        let processor = CommandProcessor(context: context, store: store, client: client)
        processor.discardTransaction()
        context.pubsub.registry.unsubscribeAll(client.id)
        context.monitors.remove(client.id)
        client.session = Session()
        client.name = nil
        client.replyMode = .on
        client.authenticated = context.config.requirePassword == nil
        return .simple("RESET")
    }

    /// clientSetNameOrReply: printable ASCII without spaces; empty unsets.
    func setName(_ name: Bytes) -> Reply? {
        if name.isEmpty {
            client.name = nil
            return nil
        }
        guard name.allSatisfy({ $0 >= UInt8(ascii: "!") && $0 <= UInt8(ascii: "~") }) else {
            return .error("ERR Client names cannot contain spaces, newlines or special characters.")
        }
        client.name = name
        return nil
    }

    /// TIME: seconds and microseconds as bulk strings.
    func time() -> Reply {
        var now = timeval()
        gettimeofday(&now, nil)
        return .array([.bulk(text(String(now.tv_sec))), .bulk(text(String(now.tv_usec)))])
    }

    /// DEBUG SLEEP seconds blocks the executor, as it blocks Redis's main
    /// thread (tests use it to hold commands back). DEBUG DIGEST is Redis's
    /// SHA-1 dataset digest, equal to a redis-server's for the same data and
    /// to what `cairn-dump digest` prints; DEBUG DIGEST-VALUE key [key ...]
    /// is one status reply per key in the selected database, as debug.c
    /// answers (addReplyStatus; forty zeros for a missing key, no reply
    /// elements for no keys). Other DEBUG subcommands are Redis internals.
    ///
    /// `enable-debug-command` is checked before this runs
    /// (`CommandProcessor.process`, as processCommand's CMD_PROTECTED check).
    func debug(_ argv: [Bytes]) -> Reply {
        if argv[1].is("reload") { return reload(argv) }
        if argv[1].is("digest") && argv.count == 2 { return .simple(store.engine.debugDigest()) }
        if argv[1].is("digest-value") {
            let digests = store.engine.debugDigestValue(keys: Array(argv.dropFirst(2)), database: client.session.database)
            return .array(digests.map { .simple($0) })
        }
        if argv[1].is("sleep") && argv.count == 3 {
            let seconds = Double(String(decoding: argv[2], as: UTF8.self)) ?? 0
            if seconds > 0 { usleep(UInt32(min(seconds, 3600) * 1_000_000)) }
            return .simple("OK")
        }
        return .error(ServerError.subcommandSyntax(argv).line)
    }

    /// DEBUG RELOAD [NOSAVE]: Redis saves an RDB and loads it back; Cairn
    /// waits for the log and rebuilds the keyspace from its files through
    /// the recovery a restart runs (`DurableEngine.reload`). MERGE and
    /// NOFLUSH load on top of the keyspace, which replaying a log cannot do
    /// (its records are not idempotent): refused.
    private func reload(_ argv: [Bytes]) -> Reply {
        for option in argv.dropFirst(2) {
            if option.is("merge") || option.is("noflush") {
                return .error("ERR DEBUG RELOAD MERGE and NOFLUSH are not supported: Cairn reloads by replaying its "
                    + "log into an empty keyspace")
            }
            if !option.is("nosave") { return .error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.") }
        }
        do throws(StorageError) {
            let report = try store.reload()
            context.logger.warning("DB reloaded by DEBUG RELOAD: \(report.recordsReplayed) records replayed, \(report.keysLoaded) keys")
            return .simple("OK")
        } catch {
            return .error("ERR Error trying to reload from the write-ahead log: \(error)")
        }
    }

    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: the log is synced
    /// whatever the flags (a clean shutdown loses nothing); no reply, the
    /// connection closes as Redis's does.
    func shutdown(_ argv: [Bytes]) -> Reply? {
        var abort = false
        for argument in argv.dropFirst() {
            if argument.is("abort") {
                abort = true
            } else if !(argument.is("nosave") || argument.is("save") || argument.is("now") || argument.is("force")) {
                return .error(ServerError.syntax.line)
            }
        }
        if abort {
            if argv.count > 2 { return .error(ServerError.syntax.line) }
            return .error("ERR No shutdown in progress.")
        }
        client.closing = true
        context.requestShutdown()
        return nil
    }

    // MARK: CONFIG

    /// CONFIG GET pattern [pattern ...] | SET name value [name value ...] | RESETSTAT.
    ///
    /// `appendfsync` switches the running log's policy at once
    /// (`DurableEngine.setPolicy`), `loglevel` the server's log, the
    /// encoding limits the engine's, the client buffer limits every
    /// connection's; `requirepass`, `timeout`, `maxclients` and
    /// `protected-mode` are read where they are used. `port`, `bind` and
    /// `dir` are refused unless unchanged (`DirectiveTable.fixedWhileRunning`).
    func config(_ argv: [Bytes]) -> Reply {
        if argv[1].is("help") && argv.count == 2 { return ServerCommands.configHelp }
        if let error = ServerCommands.checkImplemented(argv, ["get", "set", "resetstat"]) { return error }
        let strings = argv.map { String(decoding: $0, as: UTF8.self) }
        if argv[1].is("get") {
            let pairs = context.config.get(patterns: Array(strings.dropFirst(2)))
            return .map(pairs.flatMap { [Reply.bulk(text($0.name)), .bulk(text($0.value))] })
        }
        if argv[1].is("set") {
            guard argv.count % 2 == 0 else { return .error(ServerError.wrongArity("config|set").line) }
            let pairs = stride(from: 2, to: strings.count, by: 2).map { (strings[$0], strings[$0 + 1]) }
            let updated: ServerConfiguration
            let isLocal = client.isLocal
            do throws(ConfigurationError) {
                updated = try context.configuration.withLock { configuration throws(ConfigurationError) in
                    var candidate = configuration
                    try candidate.set(pairs, clientIsLocal: isLocal)
                    // Checked after every value, as Redis's apply step follows all its sets.
                    for (name, reason) in DirectiveTable.fixedWhileRunning
                    where candidate.value(of: name) != configuration.value(of: name) {
                        throw .setFailed(argument: name, reason: reason)
                    }
                    configuration = candidate
                    return candidate
                }
            } catch {
                return .error(error.replyMessage)
            }
            let policy = FsyncPolicy(updated.appendFsync)
            if policy != store.policy { store.setPolicy(policy) }
            store.engine.encodingLimits = updated.encodingLimits
            context.bufferLimits.withLock { $0 = ClientBufferLimits(updated) }
            // A RedisLogHandler shares its level among its copies, so this
            // changes what every Logger of the server writes.
            var logger = context.logger
            logger.logLevel = RedisLogHandler.level(updated.logLevel)
            return .simple("OK")
        }
        context.stats.reset()  // RESETSTAT
        store.engine.resetStatistics()
        return .simple("OK")
    }
}

func text(_ string: String) -> Bytes { Array(string.utf8) }
