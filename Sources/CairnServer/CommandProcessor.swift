import Cairn
import CairnRESP
import Synchronization

/// What every connection shares: the configuration (CONFIG SET changes it
/// at run time), the client registry and the way to stop the server.
final class ServerContext: Sendable {
    let configuration: Mutex<ServerConfiguration>
    let registry = ClientRegistry()
    let executor: EngineExecutor
    /// Set by `CairnServer` once it listens: begins a clean shutdown.
    let shutdownHandler = Mutex<(@Sendable () -> Void)?>(nil)

    init(configuration: ServerConfiguration, executor: EngineExecutor) {
        self.configuration = Mutex(configuration)
        self.executor = executor
    }

    var config: ServerConfiguration { configuration.withLock { $0 } }

    func requestShutdown() {
        shutdownHandler.withLock { $0 }?()
    }
}

/// Runs a batch of requests for one client on the engine executor: Redis's
/// processCommand (lookup, arity, authentication, MULTI queueing) and call().
/// Only ever used inside `EngineExecutor.async`.
struct CommandProcessor {
    let context: ServerContext
    let store: DurableEngine
    let client: ClientState

    func run(_ batch: [[Bytes]]) -> BatchResult {
        var out = ReplyCollector()
        for argv in batch where !client.closing && !argv.isEmpty {
            // CLIENT REPLY SKIP silences the command after it; OFF and SKIP
            // do not answer themselves; ON answers even after OFF.
            let skipped = client.replyMode == .skipNext
            if skipped { client.replyMode = .on }
            guard let (reply, token) = process(argv) else { continue }
            if skipped || client.replyMode != .on { continue }
            out.add(reply, token: token, version: client.protocolVersion)
        }
        return out.finish(authenticated: client.authenticated, close: client.closing)
    }

    /// One request: nil when it sends no reply (SHUTDOWN closes instead).
    func process(_ argv: [Bytes]) -> (Reply, DurabilityToken?)? {
        client.lastCommand = String(decoding: argv[0].lowercasedASCII.prefix(64), as: UTF8.self)
        let command: ResolvedCommand
        switch ResolvedCommand.resolve(argv) {
        case .failure(let error): return (reject(error), nil)
        case .success(let resolved): command = resolved
        }
        var flags: ServerCommand.Flags = []
        if case .server(let server) = command { flags = server.flags }
        if !client.authenticated && !flags.contains(.noAuth) { return (reject(.noAuth), nil) }
        if client.transaction != nil {
            if flags.contains(.noMulti) { return (reject(ServerError("ERR Command not allowed inside a transaction")), nil) }
            if !flags.contains(.notQueued) {
                client.transaction?.append(argv)
                return (.simple("QUEUED"), nil)
            }
        }
        switch command {
        case .server(.exec):
            return exec()
        case .server(let server):
            return runServerCommand(server, argv).map { ($0, nil) }
        case .engine:
            return runEngineCommand(argv)
        }
    }

    /// A refused request; inside MULTI it dooms the transaction (flagTransaction).
    private func reject(_ error: ServerError) -> Reply {
        if client.transaction != nil { client.transactionFailed = true }
        return .error(error.line)
    }

    private func runEngineCommand(_ argv: [Bytes]) -> (Reply, DurabilityToken?) {
        do throws(StorageError) {
            let result = try store.submit(argv, session: &client.session)
            return (result.execution.reply, result.token)
        } catch {
            return (.error(ReplyCollector.durabilityError(error)), nil)
        }
    }

    /// The dispatch switch for the server's own commands. Hook point: the
    /// COMMAND, INFO and pub/sub families (`ServerCommand.pendingHooks`) get
    /// their cases here.
    private func runServerCommand(_ command: ServerCommand, _ argv: [Bytes]) -> Reply? {
        var commands = ServerCommands(context: context, store: store, client: client)
        switch command {
        case .ping: return commands.ping(argv)
        case .echo: return .bulk(argv[1])
        case .quit:
            client.closing = true
            return .simple("OK")
        case .hello: return commands.hello(argv)
        case .auth: return commands.auth(argv)
        case .reset: return commands.reset()
        case .client: return commands.client(argv)
        case .config: return commands.config(argv)
        case .time: return commands.time()
        case .debug: return commands.debug(argv)
        case .shutdown: return commands.shutdown(argv)
        case .multi:
            if client.transaction != nil { return .error("ERR MULTI calls can not be nested") }
            client.transaction = []
            client.transactionFailed = false
            return .simple("OK")
        case .discard:
            guard client.transaction != nil else { return .error("ERR DISCARD without MULTI") }
            discardTransaction()
            return .simple("OK")
        case .watch: return watch(argv)
        case .unwatch:
            unwatchAll()
            return .simple("OK")
        case .exec: return exec().0  // `process` calls `exec()` itself, keeping the token
        }
    }
}

// MARK: - Transactions (multi.c)

extension CommandProcessor {
    /// WATCH key [key ...]: remembers each key's modification version.
    func watch(_ argv: [Bytes]) -> Reply {
        if client.transaction != nil { return .error("ERR WATCH inside MULTI is not allowed") }
        let engine = store.engine
        for key in argv.dropFirst() {
            let database = client.session.database
            if client.watched.contains(where: { $0.database == database && $0.key == key }) { continue }
            let version = engine.watch(database: database, key: key)
            let expired = engine.isLogicallyExpired(database: database, key: key)
            client.watched.append(.init(database: database, key: key, version: version, expiredAtWatch: expired))
        }
        return .simple("OK")
    }

    func unwatchAll() {
        for watched in client.watched {
            store.engine.unwatch(database: watched.database, key: watched.key)
        }
        client.watched = []
    }

    func discardTransaction() {
        client.transaction = nil
        client.transactionFailed = false
        unwatchAll()
    }

    /// Whether a watched key was written, deleted or expired since WATCH
    /// (Redis's CLIENT_DIRTY_CAS and isWatchedKeyExpired).
    private func watchedKeysChanged() -> Bool {
        let engine = store.engine
        return client.watched.contains { watched in
            engine.modificationVersion(database: watched.database, key: watched.key) != watched.version
                || (!watched.expiredAtWatch && engine.isLogicallyExpired(database: watched.database, key: watched.key))
        }
    }

    /// EXEC: EXECABORT after a queueing error, a null array when a watched
    /// key changed, otherwise every queued command at once, the engine's
    /// ones as one log record (`submitTransaction`). Server commands queued
    /// in the block (PING, CLIENT ...) run after the engine's part; their
    /// replies keep their places.
    func exec() -> (Reply, DurabilityToken?) {
        guard let queued = client.transaction else { return (.error("ERR EXEC without MULTI"), nil) }
        if client.transactionFailed {
            discardTransaction()
            return (.error("EXECABORT Transaction discarded because of previous errors."), nil)
        }
        if watchedKeysChanged() {
            discardTransaction()
            return (.nullArray, nil)
        }
        client.transaction = nil
        unwatchAll()
        var engineCommands: [[Bytes]] = []
        var serverPositions: [(Int, ServerCommand)] = []
        for (index, argv) in queued.enumerated() {
            if let server = ServerCommand.lookup(argv[0].lowercasedASCII) {
                serverPositions.append((index, server))
            } else {
                engineCommands.append(argv)
            }
        }
        var replies: [Reply] = []
        var token: DurabilityToken?
        if !engineCommands.isEmpty {
            do throws(StorageError) {
                let result = try store.submitTransaction(engineCommands, session: &client.session)
                token = result.token
                if case .array(let elements) = result.execution.reply { replies = elements }
            } catch {
                return (.error(ReplyCollector.durabilityError(error)), nil)
            }
        }
        for (index, server) in serverPositions {
            let reply = server == .exec ? Reply.error("ERR EXEC without MULTI")
                : runServerCommandInExec(server, queued[index])
            replies.insert(reply, at: index)
        }
        return (.array(replies), token)
    }

    private func runServerCommandInExec(_ command: ServerCommand, _ argv: [Bytes]) -> Reply {
        process(argv)?.0 ?? .null
    }
}
