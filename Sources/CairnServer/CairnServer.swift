import Cairn
import Dispatch
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Why the server could not start: each names what an operator must fix.
public struct ServerStartError: Error, CustomStringConvertible {
    public let description: String
}

/// cairn-server: opens the data directory (recovering from its log), listens
/// on the configured addresses and serves RESP until `shutdown()`.
///
/// ```swift
/// let server = try CairnServer.start(configuration: config, logger: logger)
/// print(server.port)          // the bound port (0 in the config: ephemeral)
/// server.shutdown()           // or SHUTDOWN / SIGTERM
/// server.waitUntilStopped()   // engine closed, log synced
/// ```
///
/// Threads: one NIO event loop for the sockets (on two cores a second loop
/// competes with the engine executor and the log thread), the executor that
/// owns the engine, and the log thread that writes and syncs.
public final class CairnServer: Sendable {
    let context: ServerContext
    private let group: MultiThreadedEventLoopGroup
    private let listeners: [any Channel]
    private let logger: Logger
    private let state = Mutex<State>(State())
    private let stopped = DispatchSemaphore(value: 0)

    private struct State {
        var stopping = false
        var stopError: StorageError?
    }

    /// The port the first listener is bound to.
    public var port: Int { listeners.first?.localAddress?.port ?? 0 }

    /// What recovery found when the engine opened.
    public let recovery: RecoveryReport

    private init(context: ServerContext, group: MultiThreadedEventLoopGroup, listeners: [any Channel],
                 logger: Logger, recovery: RecoveryReport) {
        self.context = context
        self.group = group
        self.listeners = listeners
        self.logger = logger
        self.recovery = recovery
    }

    /// Opens the engine and binds. Throws `ServerStartError` for a refused
    /// data directory (corruption, another process holding its lock) or an
    /// address that cannot be bound.
    /// `fileIO`: the file system under the data directory (tests inject a
    /// simulated one with faults).
    public static func start(configuration: ServerConfiguration, logger: Logger,
                             fileIO: any FileIO = PosixFileIO()) throws -> CairnServer {
        logger.notice("Cairn server v=\(CairnServer.version) (Redis 7.0.15 compatible) starting, pid=\(ProcessInfoShim.pid)")
        let policy = FsyncPolicy(configuration.appendFsync)
        let store: DurableEngine
        do {
            var engineConfiguration = EngineConfiguration()
            engineConfiguration.encodingLimits = configuration.encodingLimits
            store = try DurableEngine.open(directory: configuration.dataDirectory, fileIO: fileIO, policy: policy,
                                           configuration: engineConfiguration,
                                           log: LogConfiguration(acceptsTornTail: configuration.loadsTruncatedLog))
        } catch {
            throw ServerStartError(description: "Can't open the data directory '\(configuration.dataDirectory)': \(error)")
        }
        let report = store.recovery
        logger.notice("Data directory \(configuration.dataDirectory), appendfsync \(configuration.appendFsync.rawValue)")
        logger.notice("""
            DB loaded from the write-ahead log: \(report.recordsReplayed) records replayed, \
            \(report.keysLoaded) keys loaded in \(Int(report.milliseconds.rounded())) ms
            """)
        if let tornTail = report.tornTailSummary {
            logger.warning("!!! The write-ahead log was not cleanly closed: \(tornTail) (aof-load-truncated yes)")
        }
        // One event loop: it accepts, reads, runs the engine and writes.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let executor = EngineExecutor(store: store, loop: loop)
        let context = ServerContext(configuration: configuration, executor: executor, logger: logger)
        executor.startCron { [weak context] store in
            guard let context else { return }
            context.saves.cron(store, configuration: context.config)
        }
        let bootstrap = ServerBootstrap(group: loop, childGroup: loop)
            .serverChannelOption(.backlog, value: 511)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: context))
                }
            }
        var listeners: [any Channel] = []
        let addresses = configuration.bindAddresses.isEmpty ? ["0.0.0.0"] : configuration.bindAddresses
        for address in addresses {
            // `-addr` (as in Redis's default `-::1`): skip it if unavailable.
            let optional = address.hasPrefix("-")
            let host = optional ? String(address.dropFirst()) : address
            let port = listeners.first?.localAddress?.port ?? configuration.port
            do {
                listeners.append(try bootstrap.bind(host: host == "*" ? "0.0.0.0" : host, port: port).wait())
            } catch where optional {
                logger.info("Skipping optional bind address \(host): \(error)")
            } catch {
                for listener in listeners { try? listener.close().wait() }
                try? group.syncShutdownGracefully()
                try? store.close()
                throw ServerStartError(description: "Could not create server TCP listening socket \(host):\(port): \(error)")
            }
        }
        let server = CairnServer(context: context, group: group, listeners: listeners, logger: logger, recovery: report)
        context.boundPort.store(server.port, ordering: .relaxed)
        context.shutdownHandler.withLock { $0 = { [weak server] in server?.shutdown() } }
        logger.notice("Ready to accept connections tcp on port \(server.port)")
        return server
    }

    /// Stops accepting, lets the commands already queued run, closes the
    /// engine (its final sync loses nothing acknowledged), closes every
    /// connection. Returns at once; `waitUntilStopped` waits. Idempotent.
    public func shutdown() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        logger.notice("User requested shutdown...")
        for listener in listeners { listener.close(promise: nil) }
        context.executor.close { error in
            if let error { self.logger.error("Closing the engine failed: \(error)") }
            self.state.withLock { $0.stopError = error }
            // The replies the final sync released were handed to the event
            // loop first; these closes queue behind them.
            for client in self.context.registry.all { client.channel.close(promise: nil) }
            // Called on the loop: the group stops from another thread.
            self.group.shutdownGracefully(queue: .global()) { _ in
                self.logger.notice("Cairn is now ready to exit, bye bye...")
                self.stopped.signal()
            }
        }
    }

    /// SIGTERM and SIGINT start the same clean shutdown as SHUTDOWN (the
    /// handlers run on a queue of their own, never in signal context).
    public func shutdownOnSignals() {
        signal(SIGPIPE, SIG_IGN)
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalSources.queue)
            source.setEventHandler { [self] in
                logger.warning("Received \(name) scheduling shutdown...")
                shutdown()
            }
            source.resume()
            signalSources.add(source)
        }
    }

    private let signalSources = SignalSources()

    /// Blocks until `shutdown` finished; the engine's close error, if any.
    @discardableResult
    public func waitUntilStopped() -> StorageError? {
        stopped.wait()
        stopped.signal()  // later callers return too
        return state.withLock { $0.stopError }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Keeps the signal sources alive; touched only from `shutdownOnSignals`.
private final class SignalSources: @unchecked Sendable {
    let queue = DispatchQueue(label: "cairn.signals")
    private var sources: [any DispatchSourceSignal] = []
    func add(_ source: any DispatchSourceSignal) { sources.append(source) }
}

enum ProcessInfoShim {
    static var pid: Int32 { getpid() }
}

extension CairnServer {
    /// Cairn's version, for `--version`, the startup log and INFO.
    public static let version = "0.1.0"
}

extension FsyncPolicy {
    /// The log's policy for the `appendfsync` directive.
    init(_ directive: ServerConfiguration.AppendFsyncPolicy) {
        switch directive {
        case .always: self = .always
        case .everysec: self = .everySecond
        case .no: self = .no
        }
    }
}
