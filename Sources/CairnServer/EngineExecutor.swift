import Cairn
import CairnRESP
import NIOCore

/// Where the `DurableEngine` runs: cairn-server's one event loop, as
/// Redis's single main thread owns its keyspace and its sockets.
///
/// Why the event loop and not a queue of its own: the engine is a
/// single-writer state machine (not Sendable), and running it on the thread
/// that reads the requests costs no hand-over at all. A connection runs all
/// the commands one read gave it at once (`run`); timers, deadlines and
/// resumed clients go through the loop's task queue (`async`, `after`).
/// Nothing here blocks on the disk: the log thread syncs, and
/// `GroupCommitLog.whenReleased` calls back when a reply may leave. (SAVE,
/// DEBUG SLEEP and a full disk do block the loop, as they block Redis.)
///
/// `@unchecked Sendable`: `store` is touched only on `loop`.
final class EngineExecutor: @unchecked Sendable {
    private let loop: any EventLoop
    private let store: DurableEngine
    private var closed = false
    private var cron: RepeatedTask?
    /// The log thread; Sendable, used from event loops to wait for tokens.
    let log: GroupCommitLog

    init(store: DurableEngine, loop: any EventLoop) {
        self.store = store
        self.loop = loop
        log = store.log
        // The records of a task's commands go to the log thread together.
        store.defersWakes = true
    }

    /// Runs a task with the engine, then makes sure the log thread is woken
    /// for what it appended: once, after every connection that was readable
    /// in this turn of the loop ran its commands (Redis writes its AOF
    /// buffer once per turn, in beforeSleep).
    private func perform(_ work: (DurableEngine) -> Void) {
        work(store)
        guard store.wakeOwed, !wakeScheduled else { return }
        wakeScheduled = true
        loop.execute {
            self.wakeScheduled = false
            self.store.wakeLog()
        }
    }

    private var wakeScheduled = false

    /// Runs `work` with the engine now when called on the loop (a
    /// connection's read), otherwise as the loop's next task.
    func run(_ work: @escaping @Sendable (DurableEngine) -> Void) {
        if loop.inEventLoop { perform(work) } else { async(work) }
    }

    /// Runs `work` with the engine as a task of the loop, after what is queued.
    func async(_ work: @escaping @Sendable (DurableEngine) -> Void) {
        loop.execute { self.perform(work) }
    }

    /// Runs `work` on the loop after `milliseconds` (a blocked client's deadline).
    func after(milliseconds: Int64, _ work: @escaping @Sendable (DurableEngine) -> Void) {
        loop.scheduleTask(in: .milliseconds(milliseconds)) { self.perform(work) }
    }

    /// Runs `work` on the loop after `microseconds`, and after the loop has
    /// looked at its sockets (a rewrite's next slice).
    func after(microseconds: Int64, _ work: @escaping @Sendable (DurableEngine) -> Void) {
        loop.scheduleTask(in: .microseconds(microseconds)) { self.perform(work) }
    }

    /// serverCron's databasesCron at `hz` 10: an active expiry cycle every
    /// 100 ms, so keys nobody reads still expire (their DELs go to the log
    /// like any write).
    /// `hook` runs after each cycle (the save points and automatic rewrites).
    func startCron(_ hook: @escaping @Sendable (DurableEngine) -> Void = { _ in }) {
        cron = loop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { [self] _ in
            guard !closed else { return }
            perform { store in
                _ = try? store.activeExpireCycle()
                hook(store)
            }
        }
    }

    /// Closes the engine after every task queued so far (syncs the log).
    /// Commands run later get the engine's `closed` error.
    func close(_ done: @escaping @Sendable (StorageError?) -> Void) {
        loop.execute {
            guard !self.closed else { return done(nil) }
            self.closed = true
            self.cron?.cancel()
            do throws(StorageError) {
                try self.store.close()
                done(nil)
            } catch {
                done(error)
            }
        }
    }
}

/// The encoded replies of one batch, in request order, in one buffer, with
/// the places where a reply that waits for a durability token ends (so a
/// failed sync can turn exactly those replies into errors).
struct BatchResult: Sendable {
    /// A reply that waits for `token`: the bytes up to `end`, from the end
    /// of the previous waiting reply's or any untokened replies before it.
    struct Waiting: Sendable {
        var start: Int
        var end: Int
        var token: DurabilityToken
        /// What the reply becomes when its record's sync fails.
        var failureVersion: RESPVersion
    }

    var buffer: [UInt8] = []
    var waiting: [Waiting] = []
    /// The connection's state after the batch, for the event loop.
    var authenticated = true
    var close = false
    /// Whether the client listens to a channel or pattern, or monitors: the
    /// idle `timeout` spares it (clientsCronHandleTimeout skips
    /// CLIENT_PUBSUB and CLIENT_SLAVE, which monitors carry).
    var subscribed = false
    /// The client passed its output buffer hard limit while the batch ran:
    /// the connection writes nothing more and closes at once (Redis's
    /// freeClientAsync from closeClientOnOutputBufferLimitReached).
    var overOutputLimit = false

    /// The last token (tokens only grow within a batch): once it is
    /// released, every reply of the batch is.
    var lastToken: DurabilityToken? { waiting.last?.token }

    /// The bytes to write once the log answered: a reply whose record is
    /// beyond `releasedThrough` after a failure becomes an error, never success.
    func bytes(failure: StorageError?, releasedThrough: UInt64) -> [UInt8] {
        guard let failure, waiting.contains(where: { $0.token.sequence > releasedThrough }) else { return buffer }
        var out: [UInt8] = []
        var copied = 0
        for reply in waiting where reply.token.sequence > releasedThrough {
            out += buffer[copied ..< reply.start]
            var writer = RESPWriter(version: reply.failureVersion)
            writer.errorLine(ReplyCollector.durabilityError(failure))
            out += writer.buffer
            copied = reply.end
        }
        return out + buffer[copied...]
    }
}

/// Builds a `BatchResult` as commands run: encodes each reply in the
/// client's protocol at the time (HELLO 3 answers in RESP3) and honours
/// CLIENT REPLY OFF/SKIP.
struct ReplyCollector {
    private var writer = RESPWriter(version: .resp2)
    private(set) var result = BatchResult()

    /// The encoded replies so far.
    var byteCount: Int { writer.buffer.count }

    mutating func add(_ reply: Reply, token: DurabilityToken? = nil, version: RESPVersion) {
        writer.version = version
        let start = writer.buffer.count
        reply.write(to: &writer)
        if let token {
            result.waiting.append(.init(start: start, end: writer.buffer.count, token: token, failureVersion: version))
        }
    }

    /// An array header alone (EXEC's, when its elements are written one by one).
    mutating func addArrayHeader(count: Int, version: RESPVersion) {
        writer.version = version
        writer.arrayHeader(count: count)
    }

    mutating func finish(authenticated: Bool, close: Bool) -> BatchResult {
        result.buffer = writer.buffer
        result.authenticated = authenticated
        result.close = close
        return result
    }

    /// The reply for a write the log refused or could not sync, worded as
    /// Redis's AOF write error (`-MISCONF Errors writing to the AOF file`).
    static func durabilityError(_ error: StorageError) -> String {
        "MISCONF Errors writing to the write-ahead log: \(error)"
    }
}
