import Cairn
import CairnRESP
import Foundation
import Logging
import Synchronization

/// What every connection shares: the configuration (CONFIG SET changes it
/// at run time), the client registry and the way to stop the server.
final class ServerContext: Sendable {
    let configuration: Mutex<ServerConfiguration>
    /// The limits connections check on every read and reply; CONFIG SET
    /// replaces them with the configuration (`ServerCommands.config`).
    let bufferLimits: Mutex<ClientBufferLimits>
    let registry = ClientRegistry()
    let executor: EngineExecutor
    let stats = ServerStats()
    let pubsub = PubSubHub()
    /// Clients in MONITOR mode; touched only on the executor.
    let monitors = MonitorFeed()
    /// Clients parked by blocking commands; touched only on the executor.
    let blocking = BlockedClients()
    /// BGSAVE, BGREWRITEAOF, SAVE and the cron's rewrites; touched only on the executor.
    let saves: BackgroundSaves
    /// Unix time of the start, for INFO's uptime and LASTSAVE-like fields.
    let startedAt = Int64(Date().timeIntervalSince1970)
    /// The port actually bound (`port 0` binds an ephemeral one), for INFO.
    let boundPort = Atomic<Int>(0)
    /// Set by `CairnServer` once it listens: begins a clean shutdown.
    let shutdownHandler = Mutex<(@Sendable () -> Void)?>(nil)
    let logger: Logger

    init(configuration: ServerConfiguration, executor: EngineExecutor, logger: Logger) {
        self.configuration = Mutex(configuration)
        bufferLimits = Mutex(ClientBufferLimits(configuration))
        self.executor = executor
        self.logger = logger
        saves = BackgroundSaves(executor: executor, logger: logger)
    }

    var config: ServerConfiguration { configuration.withLock { $0 } }
    var limits: ClientBufferLimits { bufferLimits.withLock { $0 } }

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

    /// Runs one batch and hands its result to the connection; `id` is the
    /// connection's number for it, which messages published to this client
    /// later are ordered after. A blocked client's batches wait their turn.
    func run(_ batch: [[Bytes]], id: UInt64) {
        if client.blocked != nil || client.resuming {
            client.heldBatches.append((id, batch))
            return
        }
        resume(batch[...], id: id, collector: ReplyCollector())
    }

    /// Runs `commands`, the batch's replies so far in `collector`; parks the
    /// client at a command that blocks. After each command, clients blocked
    /// on keys it filled are served (Redis's processCommand ->
    /// handleClientsBlockedOnKeys), before anything else runs.
    ///
    /// The output buffer limit is checked as replies are added, as Redis's
    /// _addReplyProtoToList calls closeClientOnOutputBufferLimitReached: a
    /// client past its class's hard limit is closed and the rest of its
    /// pipeline never runs (400 pipelined GETs of 1 MB under an 8 MB limit
    /// stop after 8 instead of queueing 400 MB). The soft limit's seconds
    /// are judged by the connection (`ConnectionHandler.enforceOutputLimit`).
    func resume(_ commands: ArraySlice<[Bytes]>, id: UInt64, collector: ReplyCollector) {
        var out = collector
        var rest = commands
        var overOutputLimit = false
        let limits = context.limits
        client.runningBatch = id
        while !client.closing, let argv = rest.popFirst() {
            guard !argv.isEmpty else { continue }
            // CLIENT REPLY SKIP silences the command after it; OFF and SKIP
            // do not answer themselves; ON answers even after OFF.
            let skipped = client.replyMode == .skipNext
            if skipped { client.replyMode = .on }
            let outcome = process(argv)
            if let request = outcome.block {
                let wait = BlockedWait(request: request, batchID: id, collector: out, remaining: rest, generation: 0)
                context.blocking.park(client, wait, context: context)
                return
            }
            let silenced = skipped || client.replyMode != .on
            if let count = outcome.arrayHeader { out.addArrayHeader(count: count, version: client.protocolVersion) }
            for (index, reply) in outcome.replies.enumerated() {
                // Pub/sub confirmations and messages are written even under
                // CLIENT REPLY OFF/SKIP (prepareClientToWrite's CLIENT_PUSHING).
                let isPush = if case .push = reply { true } else { false }
                if silenced && !isPush { continue }
                // The token belongs to the command's last reply (pushes come
                // first), or to each element of a headed EXEC reply, so a
                // failed sync turns every one into an error, never success.
                let tokened = outcome.arrayHeader != nil || index == outcome.replies.count - 1
                out.add(reply, token: tokened ? outcome.token : nil, version: client.protocolVersion)
            }
            context.blocking.serveReady(context: context, store: store)
            let pending = out.byteCount + client.replyBacklog.bytes
            if pending >= limits.smallestHardBytes, limits.output(subscribed: isSubscribed).isHardReached(pending) {
                client.closing = true
                overOutputLimit = true
            }
        }
        client.lastExecutedBatch = id
        var result = overOutputLimit ? BatchResult() : out.finish(authenticated: client.authenticated, close: client.closing)
        result.close = client.closing
        result.overOutputLimit = overOutputLimit
        result.subscribed = isSubscribed
        client.deliverResult?(id, result)
        if client.blocked == nil, !client.resuming, !client.heldBatches.isEmpty {
            let next = client.heldBatches.removeFirst()
            run(next.batch, id: next.id)
        }
    }

    /// Whether the client listens to a channel or pattern, or monitors (see
    /// `BatchResult.subscribed`).
    private var isSubscribed: Bool {
        context.pubsub.registry.subscriptionCount(of: client.id) > 0 || context.monitors.contains(client.id)
    }

    /// What one request answers: usually one reply; none for SHUTDOWN,
    /// one per channel for (UN)SUBSCRIBE, pushes before PUBLISH's count
    /// when a RESP3 client publishes to itself.
    struct Outcome {
        var replies: [Reply]
        var token: DurabilityToken? = nil
        /// EXEC whose queued commands answered other than once each: an
        /// array header counting the commands, then every reply as is (what
        /// Redis writes; `replies` then holds them all).
        var arrayHeader: Int? = nil
        /// A blocking command found nothing: the client parks, no reply yet.
        var block: BlockRequest? = nil
    }

    /// One request: processCommand's checks in Redis's order (existence and
    /// arity, authentication, no-multi, RESP2 subscribed mode, MULTI
    /// queueing), then call() with INFO's commandstats counting.
    func process(_ argv: [Bytes]) -> Outcome {
        let command: ResolvedCommand
        switch ResolvedCommand.resolve(argv) {
        case .failure(let rejection):
            // CLIENT LIST's cmd= is the looked-up command's full name, NULL when unknown.
            client.lastCommand = rejection.spec?.name ?? "NULL"
            return reject(rejection.error, rejection.spec)
        case .success(let resolved): command = resolved
        }
        let spec = command.spec
        client.lastCommand = spec.name
        var server: ServerCommand?
        if case .server(let name, _) = command { server = name }
        // CMD_PROTECTED, right after arity (before NOAUTH and MULTI
        // queueing): inside MULTI a refused DEBUG is this error at once and
        // EXECABORT at EXEC, as redis-server 7.0.15 answers.
        if server == .debug
            && !context.config.allowsProtectedAction("enable-debug-command", clientIsLocal: client.isLocal) {
            return reject(.debugNotAllowed, spec)
        }
        if !client.authenticated && !spec.flags.contains(.noAuth) { return reject(.noAuth, spec) }
        if client.transaction != nil && spec.flags.contains(.noMulti) {
            return reject(ServerError("ERR Command not allowed inside a transaction"), spec)
        }
        if client.protocolVersion == .resp2 && !(server?.allowedWhileSubscribed ?? false)
            && context.pubsub.registry.subscriptionCount(of: client.id) > 0 {
            return reject(.subscribedContext(spec.name), spec)
        }
        // writeCommandsDeniedByDiskError: after a failed save, with save
        // points and stop-writes-on-bgsave-error, writes (and PING) are
        // refused until a save succeeds; before MULTI queueing, as Redis.
        if !context.saves.lastBackgroundSaveOK, spec.flags.contains(.write) || spec.name == "ping",
           context.config.refusesWritesAfterFailedSave {
            return reject(.saveFailed, spec)
        }
        if client.transaction != nil && !(server?.runsInsideMulti ?? false) {
            client.transaction?.append(argv)
            return Outcome(replies: [.simple("QUEUED")])
        }
        let start = ContinuousClock.now
        let outcome: Outcome
        switch server {
        case .exec?: outcome = exec()
        case let server?: outcome = runServerCommand(server, argv)
        case nil: outcome = runEngineCommand(argv)
        }
        called(argv, spec, duration: start.duration(to: .now), replies: outcome.replies)
        return outcome
    }

    /// What call() does after a command ran: commandstats, then MONITOR.
    private func called(_ argv: [Bytes], _ spec: CommandSpec, duration: Duration, replies: [Reply]) {
        context.stats.recordCall(spec, duration: duration, replies: replies)
        context.monitors.feed(argv, spec: spec, from: client, registry: context.registry)
    }

    /// A refused request; inside MULTI it dooms the transaction (flagTransaction).
    private func reject(_ error: ServerError, _ spec: CommandSpec?) -> Outcome {
        if client.transaction != nil { client.transactionFailed = true }
        context.stats.recordRejection(spec, error.line)
        return Outcome(replies: [.error(error.line)])
    }

    private func runEngineCommand(_ argv: [Bytes]) -> Outcome {
        do throws(StorageError) {
            let result = try store.submit(argv, session: &client.session)
            if let block = result.execution.block { return Outcome(replies: [], block: block) }
            return Outcome(replies: [result.execution.reply], token: result.token)
        } catch {
            context.stats.logFailed.store(true, ordering: .relaxed)
            return Outcome(replies: [.error(ReplyCollector.durabilityError(error))])
        }
    }

    private func runServerCommand(_ command: ServerCommand, _ argv: [Bytes]) -> Outcome {
        let commands = ServerCommands(context: context, store: store, client: client)
        switch command {
        case .subscribe, .unsubscribe, .psubscribe, .punsubscribe:
            return Outcome(replies: commands.subscription(command, argv))
        case .publish: return Outcome(replies: commands.publish(argv))
        case .shutdown: return Outcome(replies: commands.shutdown(argv).map { [$0] } ?? [])
        default: return Outcome(replies: [serverReply(command, argv)])
        }
    }

    /// The dispatch switch for the server's commands that answer once.
    private func serverReply(_ command: ServerCommand, _ argv: [Bytes]) -> Reply {
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
        case .command: return CommandIntrospection.shared.reply(to: argv)
        case .info: return commands.info(argv)
        case .save: return context.saves.save(store)
        case .bgsave:
            if argv.count > 2 || (argv.count == 2 && !argv[1].is("schedule")) { return .error(ServerError.syntax.line) }
            return context.saves.bgsave(store, schedule: argv.count == 2, inTransaction: client.transaction != nil)
        case .bgrewriteaof:
            return context.saves.bgrewriteaof(store, inTransaction: client.transaction != nil)
        case .monitor:
            context.monitors.add(client.id)
            return .simple("OK")
        case .lastsave: return .integer(store.persistence.lastSaveMilliseconds / 1000)
        case .pubsub: return commands.pubsubQuery(argv)
        case .subscribe, .unsubscribe, .psubscribe, .punsubscribe, .publish, .shutdown:
            return .null  // answered by `runServerCommand`
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
        case .exec: return .null  // `process` calls `exec()` itself, keeping the token
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
    func exec() -> Outcome {
        guard let queued = client.transaction else { return Outcome(replies: [.error("ERR EXEC without MULTI")]) }
        if client.transactionFailed {
            discardTransaction()
            return Outcome(replies: [.error("EXECABORT Transaction discarded because of previous errors.")])
        }
        if watchedKeysChanged() {
            discardTransaction()
            return Outcome(replies: [.nullArray])
        }
        client.transaction = nil
        unwatchAll()
        var engineCommands: [[Bytes]] = []
        var serverPositions: [(Int, ServerCommand)] = []
        for (index, argv) in queued.enumerated() {
            if let server = ServerCommand.lookup(argv[0]) {
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
                return Outcome(replies: [.error(ReplyCollector.durabilityError(error))])
            }
        }
        for (argv, reply) in zip(engineCommands, replies) {
            // call() runs for each queued command: commandstats count them.
            if case .success(let command) = ResolvedCommand.resolve(argv) {
                called(argv, command.spec, duration: .zero, replies: [reply])
            }
        }
        var answers = replies.map { [$0] }
        for (index, server) in serverPositions {
            let answer: [Reply] = switch server {
            case .exec: [.error("ERR EXEC without MULTI")]
            // EXEC denies blocking, and MONITOR with it (monitorCommand).
            case .monitor: [.error("ERR MONITOR isn't allowed for DENY BLOCKING client")]
            default: process(queued[index]).replies
            }
            answers.insert(answer, at: index)
        }
        if answers.allSatisfy({ $0.count == 1 }) {
            return Outcome(replies: [.array(answers.map { $0[0] })], token: token)
        }
        // (UN)SUBSCRIBE of several channels, SHUTDOWN: Redis's EXEC header
        // counts commands, not replies.
        return Outcome(replies: answers.flatMap { $0 }, token: token, arrayHeader: queued.count)
    }
}
