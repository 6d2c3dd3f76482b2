import Cairn
import Foundation
import Logging

/// Rewrites on the event loop, as Redis's serverCron and its BGSAVE /
/// BGREWRITEAOF children: one at a time, started by a command, by the
/// `save` points or by the log's growth (`auto-aof-rewrite-percentage`,
/// `auto-aof-rewrite-min-size`), and driven in slices between the loop's
/// reads (`DurableEngine.stepRewrite`), so no command waits more than a
/// slice (about half a millisecond). Both commands make the same thing (a
/// snapshot plus a fresh log after it); which one started it is kept for
/// INFO and for Redis's replies.
///
/// `@unchecked Sendable`: touched only on the executor's loop.
final class BackgroundSaves: @unchecked Sendable {
    enum Origin {
        case bgsave
        case aofRewrite
    }

    /// Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed save, the save
    /// points wait this long before trying again.
    static let retryDelaySeconds: Int64 = 5
    /// Work per slice on the loop, and the pause that lets the loop read
    /// sockets between slices (a task that reschedules itself at once would
    /// run before any I/O: NIO runs every ready task first).
    static let sliceBudget = DurableEngine.rewriteSliceBudget
    static let slicePause: Int64 = 50

    private let executor: EngineExecutor
    private let logger: Logger
    private(set) var running: Origin?
    private(set) var rewriteScheduled = false
    private(set) var bgsaveScheduled = false
    private var lastBackgroundSaveTry: Int64 = 0
    private(set) var lastBackgroundSaveOK = true
    private(set) var lastRewriteOK = true
    private(set) var lastBackgroundSaveSeconds: Int64 = -1
    private(set) var lastRewriteSeconds: Int64 = -1
    private(set) var saves: Int64 = 0
    private(set) var rewrites: Int64 = 0
    private(set) var consecutiveRewriteFailures: Int64 = 0
    private var startedAt: Int64 = 0

    init(executor: EngineExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
    }

    /// Seconds the running save has taken so far (-1: none running).
    func currentSeconds(of origin: Origin) -> Int64 {
        running == origin ? BackgroundSaves.now() - startedAt : -1
    }

    // MARK: Commands

    /// BGSAVE [SCHEDULE] (rdb.c bgsaveCommand).
    func bgsave(_ store: DurableEngine, schedule: Bool, inTransaction: Bool) -> Reply {
        if running == .bgsave { return .error("ERR Background save already in progress") }
        if running != nil || inTransaction {
            guard schedule || inTransaction else {
                return .error("ERR Another child process is active (AOF?): can't BGSAVE right now. "
                    + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
            }
            bgsaveScheduled = true
            return .simple("Background saving scheduled")
        }
        guard start(.bgsave, store) else { return .error("ERR \(store.persistence.lastError ?? "the background save could not start")") }
        return .simple("Background saving started")
    }

    /// BGREWRITEAOF (aof.c bgrewriteaofCommand).
    func bgrewriteaof(_ store: DurableEngine, inTransaction: Bool) -> Reply {
        if running == .aofRewrite { return .error("ERR Background append only file rewriting already in progress") }
        if running != nil || inTransaction {
            rewriteScheduled = true
            consecutiveRewriteFailures = 0
            return .simple("Background append only file rewriting scheduled")
        }
        guard start(.aofRewrite, store) else {
            return .error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
        }
        return .simple("Background append only file rewriting started")
    }

    /// SAVE: a whole snapshot now, on the loop (it blocks, as Redis's SAVE
    /// blocks its main thread). A rewrite running for BGREWRITEAOF is
    /// finished first; one running for BGSAVE refuses, as Redis.
    func save(_ store: DurableEngine) -> Reply {
        if running == .bgsave { return .error("ERR Background save already in progress") }
        saves += 1
        do throws(StorageError) {
            if running != nil {
                try? store.finishRewrite()
                concluded(store)
            }
            try store.rewrite()
            lastBackgroundSaveOK = true
            return .simple("OK")
        } catch {
            lastBackgroundSaveOK = false
            logger.warning("SAVE failed: \(error)")
            return .error("ERR \(error)")
        }
    }

    // MARK: Cron

    /// serverCron's part (every 100 ms): start a scheduled rewrite, a save
    /// point that is due, or an automatic log rewrite.
    func cron(_ store: DurableEngine, configuration: ServerConfiguration) {
        guard running == nil else { return }
        let now = BackgroundSaves.now()
        let retryAllowed = now - lastBackgroundSaveTry > BackgroundSaves.retryDelaySeconds || lastBackgroundSaveOK
        if rewriteScheduled {
            _ = start(.aofRewrite, store)
            return
        }
        if bgsaveScheduled && retryAllowed {
            _ = start(.bgsave, store)
            return
        }
        let changes = store.changesSinceLastSave
        let sinceSave = now - store.persistence.lastSaveMilliseconds / 1000
        for point in configuration.saveSchedule where changes >= point.changes && sinceSave > Int64(point.seconds) && retryAllowed {
            logger.notice("\(point.changes) changes in \(point.seconds) seconds. Saving...")
            _ = start(.bgsave, store)
            return
        }
        let percentage = configuration.autoRewritePercentage
        let current = store.persistedBytes
        if percentage > 0 && current > Int64(configuration.autoRewriteMinSizeBytes) {
            let base = max(store.persistence.baseBytes, 1)
            let growth = current * 100 / base - 100
            if growth >= Int64(percentage) {
                logger.notice("Starting automatic rewriting of the log on \(growth)% growth")
                _ = start(.aofRewrite, store)
            }
        }
    }

    // MARK: Running one

    private func start(_ origin: Origin, _ store: DurableEngine) -> Bool {
        if origin == .bgsave {
            lastBackgroundSaveTry = BackgroundSaves.now()
            bgsaveScheduled = false
        } else {
            rewriteScheduled = false
        }
        do throws(StorageError) {
            guard try store.startRewrite() else { return false }
        } catch {
            record(origin, succeeded: false, store)
            logger.warning("Can't start the rewrite: \(error)")
            return false
        }
        running = origin
        startedAt = BackgroundSaves.now()
        logger.notice(origin == .bgsave ? "Background saving started" : "Background append only file rewriting started")
        step()
        return true
    }

    /// One slice, and the next one queued after the loop's I/O.
    private func step() {
        executor.after(microseconds: BackgroundSaves.slicePause) { [self] store in
            switch store.stepRewrite(budget: BackgroundSaves.sliceBudget) {
            case .idle: running = nil
            case .working: step()
            case .waiting: executor.after(milliseconds: 1) { [self] _ in step() }
            case .finished: concluded(store)
            }
        }
    }

    /// Bookkeeping once `store` reports the rewrite ended.
    private func concluded(_ store: DurableEngine) {
        guard let origin = running else { return }
        running = nil
        let persistence = store.persistence
        record(origin, succeeded: persistence.lastSucceeded, store)
        if persistence.lastSucceeded {
            logger.notice(origin == .bgsave ? "Background saving terminated with success"
                : "Background AOF rewrite terminated with success")
        } else {
            logger.warning("Background rewrite failed: \(persistence.lastError ?? "")")
        }
        // A scheduled one starts with the next cron tick (or now).
        if rewriteScheduled || bgsaveScheduled {
            executor.after(milliseconds: 1) { [self] store in
                guard running == nil else { return }
                if rewriteScheduled { _ = start(.aofRewrite, store) } else if bgsaveScheduled { _ = start(.bgsave, store) }
            }
        }
    }

    private func record(_ origin: Origin, succeeded: Bool, _ store: DurableEngine) {
        let seconds = max(0, BackgroundSaves.now() - startedAt)
        switch origin {
        case .bgsave:
            lastBackgroundSaveOK = succeeded
            lastBackgroundSaveSeconds = seconds
            saves += 1
        case .aofRewrite:
            lastRewriteOK = succeeded
            lastRewriteSeconds = seconds
            rewrites += 1
            consecutiveRewriteFailures = succeeded ? 0 : consecutiveRewriteFailures + 1
        }
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
