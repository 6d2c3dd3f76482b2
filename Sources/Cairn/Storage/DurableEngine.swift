/// The sequence number a reply must wait for before it leaves the process
/// (docs/ARCHITECTURE.md, "Write-ahead log: writer and recovery").
public struct DurabilityToken: Sendable, Hashable, Comparable {
    public let sequence: UInt64

    public static func < (lhs: DurabilityToken, rhs: DurabilityToken) -> Bool { lhs.sequence < rhs.sequence }
}

/// A command's result before its reply may be sent: send `execution.reply`
/// once `token` is durable (`DurableEngine.waitUntilDurable`); nil: at once.
public struct DurableExecution: Sendable {
    public var execution: Execution
    public var token: DurabilityToken?
}

/// An `Engine` whose writes go through the write-ahead log: opening recovers
/// the state from the data directory, and every command that changed
/// something is logged as one record before its reply is released (under
/// `.always`, synced: a released write is durable).
///
/// The command thread only appends (no I/O); the log thread
/// (`GroupCommitLog`) writes and syncs in groups. `submit` runs a command
/// and hands back the token its reply waits for; `execute` is `submit` plus
/// the blocking wait; `executeDurably` the async one. The engine itself is
/// single-threaded: callers serialize `submit`/`execute`; waits may run on
/// any thread, many at once.
///
/// ```swift
/// let store = try DurableEngine.open(directory: "/data")
/// var session = Session()
/// let execution = try store.execute([Array("SET".utf8), Array("k".utf8), Array("v".utf8)], session: &session)
/// // execution.reply == .simple("OK"), and the write is on stable storage
/// try store.close()
/// ```
public final class DurableEngine {
    /// The engine; `reload` replaces it with one rebuilt from the files.
    public private(set) var engine: Engine
    /// What the last recovery found: at open, or at the last `reload`.
    public private(set) var recovery: RecoveryReport
    /// The fsync policy now (`setPolicy` changes it at run time).
    public var policy: FsyncPolicy { log.policy }
    public let writer: LogWriter
    /// The log thread.
    public let log: GroupCommitLog
    private let directory: DataDirectory
    /// The last record this engine appended (only it appends): `writer.lastSequence` without its lock.
    private var lastAppended: UInt64
    /// When set, an append does not wake the log thread by itself: the
    /// caller calls `wakeLog()` once after a batch of commands, so the log
    /// thread writes the batch's records together (cairn-server does, after
    /// each read's commands) instead of racing the command thread record by
    /// record.
    public var defersWakes = false
    /// Records were appended since the log thread was last woken (`defersWakes`).
    public private(set) var wakeOwed = false
    /// The rewrite running now (DurableEngine+Rewrite.swift).
    var rewriteJob: RewriteJob?
    /// The rewrite running and the last one's outcome.
    public internal(set) var persistence = PersistenceStatus()
    /// Effects logged since open (Redis's `server.dirty`, as Cairn counts it).
    var changesLogged = 0
    /// `changesLogged` as of the last successful save's start.
    var changesSavedThrough = 0

    /// Wakes the log thread if records were appended since the last wake
    /// (see `defersWakes`).
    public func wakeLog() {
        guard wakeOwed else { return }
        wakeOwed = false
        log.wake()
    }

    private init(engine: Engine, recovery: RecoveryReport, policy: FsyncPolicy, writer: LogWriter, directory: DataDirectory) {
        self.engine = engine
        self.recovery = recovery
        self.writer = writer
        self.directory = directory
        lastAppended = writer.lastSequence
        log = GroupCommitLog(writer: writer, policy: policy)
        persistence.lastSaveMilliseconds = engine.clock.nowMilliseconds()
        persistence.snapshotSequence = recovery.snapshotSequence
        persistence.snapshotBytes = recovery.snapshotBytes
        persistence.baseBytes = persistedBytes
    }

    deinit { log.stop() }

    /// Opens (creating if missing) and locks `directory`, recovers the
    /// engine from its log, and gets ready to append after the last record.
    /// Refuses to open a damaged log (`StorageError.corruption`) or a
    /// directory another engine holds (`.directoryLocked`).
    public static func open(
        directory path: String, fileIO: any FileIO = PosixFileIO(), policy: FsyncPolicy = .always,
        configuration: EngineConfiguration = EngineConfiguration(), log: LogConfiguration = LogConfiguration()
    ) throws(StorageError) -> DurableEngine {
        let directory = try DataDirectory.open(path, fileIO: fileIO)
        do throws(StorageError) {
            let engine = Engine(configuration: configuration)
            let (report, resume) = try Recovery.run(directory: directory, engine: engine, configuration: log)
            let writer = try LogWriter(directory: directory, resume: resume, configuration: log)
            // A new log's first segment (and its reserved space) is made
            // now, not by the first write on the caller's thread, whose
            // syncs would hold it up (a server's event loop). A full disk
            // leaves that to the first write, which is then refused.
            do throws(StorageError) {
                try writer.reserve(0)
            } catch {
                guard case .diskFull = error else { throw error }
            }
            return DurableEngine(engine: engine, recovery: report, policy: policy, writer: writer, directory: directory)
        } catch {
            directory.close()
            throw error
        }
    }

    /// Runs one command; if it changed something, appends its effects as one
    /// record (no I/O) and returns with the token its reply waits for.
    ///
    /// The token: a write that logged a record waits for that record. Any
    /// other reply (a read, a no-op write) may reveal records not yet
    /// released, so it waits for the last record appended so far (its own
    /// lazy-expiry deletions included), when that one is not released yet:
    /// the simplest correct rule; a reply depending only on released data is
    /// not held back. While the log refuses writes (disk full, fail-stop),
    /// reads are not held: they cannot wait for space, and after a failed
    /// sync memory is ahead of the disk for good (known limit).
    ///
    /// A write command is refused before it runs while the log cannot take
    /// it (disk full: the log thread retries first, so writes resume once
    /// space returns; after a failed sync: for good).
    public func submit(_ argv: [Bytes], session: inout Session) throws(StorageError) -> DurableExecution {
        let writes = DurableEngine.isWrite(argv)
        if writes { try ensureWritable(reserving: DurableEngine.byteCount(argv)) }
        let execution = engine.execute(argv, session: &session)
        let own = try log(execution.effects, acknowledging: writes)
        return DurableExecution(execution: execution, token: token(writes ? own : nil))
    }

    /// Runs a `MULTI/EXEC` batch; its effects are one record. Tokens as `submit`.
    public func submitTransaction(_ commands: [[Bytes]], session: inout Session) throws(StorageError) -> DurableExecution {
        let writes = commands.contains(where: DurableEngine.isWrite)
        if writes { try ensureWritable(reserving: commands.reduce(0) { $0 + DurableEngine.byteCount($1) }) }
        let execution = engine.executeTransaction(commands, session: &session)
        let own = try log(execution.effects, acknowledging: writes)
        return DurableExecution(execution: execution, token: token(writes ? own : nil))
    }

    /// Blocks until `token` is durable (under `.everySecond` and `.no`:
    /// written, as Redis writes before replying); true at once for nil,
    /// false when `timeout` passed first. Throws the log's error if the
    /// flush covering it failed: such a reply must never be sent as success.
    @discardableResult
    public func waitUntilDurable(_ token: DurabilityToken?, timeout: Duration? = nil) throws(StorageError) -> Bool {
        guard let token else { return true }
        return try log.waitUntilReleased(token.sequence, timeout: timeout)
    }

    /// `submit` and an async wait: returns the reply once it may be sent.
    public func executeDurably(_ argv: [Bytes], session: inout Session) async throws -> Reply {
        let result = try submit(argv, session: &session)
        if let token = result.token { try await log.released(token.sequence) }
        return result.execution.reply
    }

    /// Runs one command and returns once its reply may be sent (`submit` +
    /// `waitUntilDurable`): under `.always` a returned write is durable.
    public func execute(_ argv: [Bytes], session: inout Session) throws(StorageError) -> Execution {
        let result = try submit(argv, session: &session)
        try waitUntilDurable(result.token)
        return result.execution
    }

    /// Runs a `MULTI/EXEC` batch and returns once its reply may be sent.
    public func executeTransaction(_ commands: [[Bytes]], session: inout Session) throws(StorageError) -> Execution {
        let result = try submitTransaction(commands, session: &session)
        try waitUntilDurable(result.token)
        return result.execution
    }

    /// Changes the fsync policy of the running log (`CONFIG SET appendfsync`).
    public func setPolicy(_ policy: FsyncPolicy) {
        log.setPolicy(policy)
    }

    /// One cycle of active expiry (`Engine.activeExpireCycle`); its
    /// deletions are logged as one record, so a recovered state never
    /// resurrects a key a client saw expire. Nothing waits for it: the token
    /// is for tests and for a caller that wants to know when it is durable.
    @discardableResult
    public func activeExpireCycle(timeLimit: Duration = .milliseconds(25)) throws(StorageError) -> DurabilityToken? {
        let effects = engine.activeExpireCycle(timeLimit: timeLimit)
        return try log(effects, acknowledging: true).map { DurabilityToken(sequence: $0) }
    }

    /// DEBUG RELOAD: waits until every record appended so far is released,
    /// then rebuilds the engine from the files through the same recovery
    /// path a restart takes, and swaps it in (watched keys that existed are
    /// touched, as Redis's emptyData). The writer stays open and appends
    /// after the same record: recovery must end exactly there, otherwise the
    /// files and memory disagree and the reload is refused with the
    /// engine untouched. Callers serialize it with `submit`.
    @discardableResult
    public func reload() throws(StorageError) -> RecoveryReport {
        if let refusal = writer.refusal { throw refusal }
        try? finishRewrite()
        _ = try log.waitUntilReleased(writer.lastSequence)
        let fresh = engine.emptySibling()
        let (report, resume) = try Recovery.run(directory: directory, engine: fresh, configuration: writer.configuration)
        guard resume.lastSequence == writer.lastSequence else {
            throw .corruption(file: resume.segmentPath ?? directory.path, offset: Int(resume.segmentEndOffset), reason:
                "reloading found the log ending at record \(resume.lastSequence), but record \(writer.lastSequence) was written")
        }
        engine.keyspace.handOverWatches(to: fresh.keyspace)
        engine = fresh
        changesSavedThrough = changesLogged
        recovery = report
        return report
    }

    /// Stops the log thread, writes and syncs what the log holds (whatever
    /// the policy: a clean shutdown loses nothing), seals it (a MANIFEST
    /// whose durable-through is the last record: a restart that finds less
    /// refuses to open instead of dropping records as a torn tail), closes
    /// it and releases the directory's lock. Waiters the final sync does not
    /// cover fail.
    public func close() throws(StorageError) {
        abandonRewrite()
        log.stop()
        defer {
            writer.close()
            log.finish(failing: .closed(directory: directory.path))
            directory.close()
        }
        if writer.refusal == nil {
            try writer.flush(.always)
            try writer.seal()
        }
    }

    /// A write's own record; otherwise the last record, if not released
    /// and the log takes writes (see `submit`).
    private func token(_ own: UInt64?) -> DurabilityToken? {
        if let own { return DurabilityToken(sequence: own) }
        let last = lastAppended
        guard last > log.releasedThrough, writer.refusal == nil else { return nil }
        return DurabilityToken(sequence: last)
    }

    /// Before a write runs: the log takes writes, and space for its record
    /// (its arguments' size plus `writeHeadroomBytes`) is reserved on disk
    /// (`LogWriter.reserve`), so a full disk refuses the write before it
    /// changes anything. After records met a full disk: asks the log thread
    /// for a retry and waits for it first.
    private func ensureWritable(reserving argumentBytes: Int) throws(StorageError) {
        switch writer.state {
        case .writable: break
        case .diskFull: try log.waitUntilReleased(writer.lastSequence)
        case .failed, .closed: break
        }
        if let refusal = writer.refusal { throw refusal }
        try writer.reserve(argumentBytes + writer.configuration.writeHeadroomBytes)
    }

    /// What a command's arguments take, about what its record will.
    static func byteCount(_ argv: [Bytes]) -> Int {
        argv.reduce(16) { $0 + $1.count + 16 }
    }

    /// Appends the record and wakes the log thread; its sequence number.
    private func log(_ effects: [Effect], acknowledging writes: Bool) throws(StorageError) -> UInt64? {
        guard !effects.isEmpty else { return nil }
        do throws(StorageError) {
            let sequence = try writer.append(effects, timestampMilliseconds: engine.clock.nowMilliseconds())
            lastAppended = sequence
            changesLogged += effects.count
            if defersWakes { wakeOwed = true } else { log.wake() }
            return sequence
        } catch {
            // A read's reply does not depend on its expiry deletions being
            // logged; a write's reply does.
            if writes { throw error }
            return nil
        }
    }

    static func isWrite(_ argv: [Bytes]) -> Bool {
        guard let name = argv.first, let spec = CommandTable.lookup(name) else { return false }
        return spec.flags.contains(.write)
    }
}
