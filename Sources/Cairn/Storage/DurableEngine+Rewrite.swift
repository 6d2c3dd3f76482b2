/// Persistence status: the rewrite running, the last one's outcome, the
/// sizes `INFO persistence` and automatic rewrites use.
public struct PersistenceStatus: Sendable, Equatable {
    /// A rewrite (BGSAVE, BGREWRITEAOF) is running.
    public var inProgress = false
    /// When the running rewrite started (Unix ms).
    public var startedMilliseconds: Int64?
    /// The last successful save, or the open (Unix ms): LASTSAVE.
    public var lastSaveMilliseconds: Int64 = 0
    /// Whether the last rewrite succeeded (true before the first).
    public var lastSucceeded = true
    /// Why the last rewrite failed.
    public var lastError: String?
    /// How long the last rewrite took (-1: none yet).
    public var lastDurationMilliseconds: Int64 = -1
    /// The record the current snapshot holds the state after (0: none).
    public var snapshotSequence: UInt64 = 0
    public var snapshotBytes: Int64 = 0
    /// Snapshot plus log right after the last rewrite (or at open): the base
    /// automatic rewrites measure the growth against (`aof_base_size`).
    public var baseBytes: Int64 = 0
    public var rewritesCompleted = 0
    public var rewritesFailed = 0
    /// Keys the last (or running) rewrite encoded ahead of its walk
    /// because a write reached them first.
    public var keysEncodedEarly = 0
    /// The last (or running) rewrite's slices of walk on the command
    /// thread: the longest in wall time (µs; what a client waits for, and
    /// where a preempted thread or a descheduled virtual CPU shows), the
    /// longest in the thread's CPU time (µs; the work itself), how many
    /// there were and how many took over 1 ms of wall time.
    public var longestStepMicroseconds: Int64 = 0
    public var longestStepCPUMicroseconds: Int64 = 0
    public var steps = 0
    public var stepsOverOneMillisecond = 0
}

/// What one call of `stepRewrite` found.
public enum RewriteProgress: Sendable, Equatable {
    /// No rewrite is running.
    case idle
    /// More walking to do: call again soon (after other work).
    case working
    /// Waiting for the background writer: call again in a millisecond.
    case waiting
    /// The rewrite ended (see `persistence`).
    case finished(succeeded: Bool)
}

/// The rewrite running now: its walk on the command thread, its writer in the background.
final class RewriteJob {
    let capture: SnapshotCapture
    let thread: SnapshotWriterThread
    let started: ContinuousClock.Instant
    let changesAtStart: Int
    var walkComplete = false

    init(capture: SnapshotCapture, thread: SnapshotWriterThread, changesAtStart: Int) {
        self.capture = capture
        self.thread = thread
        self.changesAtStart = changesAtStart
        started = .now
    }
}

extension DurableEngine {
    /// How long one slice of a rewrite's walk runs on the command thread
    /// before it lets other work in. With 0.5 ms, slices measured up to
    /// 0.7 ms of the thread's CPU time; 0.25 ms keeps them under 0.4 ms with
    /// the same snapshot time (cairn-bench snapshot 1000000 random).
    public static let rewriteSliceBudget: Duration = .microseconds(250)
    /// Encoded bytes per chunk handed to the background writer.
    static let rewriteChunkBytes = 256 * 1024
    /// The walk pauses while this much is waiting to be written.
    static let rewriteQueueLimitBytes = 8 * 1024 * 1024

    /// Starts a rewrite (BGSAVE, BGREWRITEAOF): a snapshot of the state now,
    /// after the last record appended, written in the background while
    /// commands go on; then the log restarts after it. False when one is
    /// already running. Drive it with `stepRewrite` (cairn-server does,
    /// between batches) or wait for it with `finishRewrite`.
    @discardableResult
    public func startRewrite() throws(StorageError) -> Bool {
        guard rewriteJob == nil else { return false }
        if let refusal = writer.refusal { throw refusal }
        let sequence = writer.lastSequence
        writer.requestRotation(at: sequence + 1)
        log.wake()
        let header = SnapshotHeader(sequence: sequence, createdMilliseconds: engine.clock.nowMilliseconds())
        let thread = SnapshotWriterThread(directory: writer.directoryPath, header: header, fileIO: writer.fileIO,
                                          writer: writer, log: log)
        let capture = SnapshotCapture(databases: engine.keyspace.databases, sequence: sequence,
                                      chunkBytes: DurableEngine.rewriteChunkBytes) { thread.enqueue($0) }
        engine.keyspace.capture = capture
        rewriteJob = RewriteJob(capture: capture, thread: thread, changesAtStart: changesLogged)
        persistence.inProgress = true
        persistence.startedMilliseconds = header.createdMilliseconds
        persistence.keysEncodedEarly = 0
        persistence.longestStepMicroseconds = 0
        persistence.longestStepCPUMicroseconds = 0
        persistence.steps = 0
        persistence.stepsOverOneMillisecond = 0
        return true
    }

    /// Does up to `budget` of the running rewrite's walk on this (the
    /// command) thread, or notices that it ended.
    @discardableResult
    public func stepRewrite(budget: Duration = DurableEngine.rewriteSliceBudget) -> RewriteProgress {
        guard let job = rewriteJob else { return .idle }
        if let outcome = job.thread.outcome { return conclude(job, outcome) }
        guard !job.walkComplete else { return .waiting }
        if job.thread.queuedBytes > DurableEngine.rewriteQueueLimitBytes { return .waiting }
        let cpuStarted = ThreadCPUClock.nowMicroseconds()
        let started = ContinuousClock.now
        let complete = job.capture.step(until: started + budget)
        let elapsed = DurableEngine.microseconds(ContinuousClock.now - started)
        let cpu = ThreadCPUClock.nowMicroseconds() - cpuStarted
        persistence.longestStepMicroseconds = max(persistence.longestStepMicroseconds, elapsed)
        persistence.longestStepCPUMicroseconds = max(persistence.longestStepCPUMicroseconds, cpu)
        persistence.steps += 1
        if elapsed > 1000 { persistence.stepsOverOneMillisecond += 1 }
        persistence.keysEncodedEarly = job.capture.keysEncodedEarly
        guard complete else { return .working }
        job.walkComplete = true
        engine.keyspace.capture = nil
        job.thread.finish(keyCount: job.capture.keyCount)
        return .waiting
    }

    /// Runs the running rewrite (or a new one) to its end on this thread:
    /// SAVE. Throws the rewrite's error.
    public func rewrite() throws(StorageError) {
        if rewriteJob == nil { try startRewrite() }
        try finishRewrite()
    }

    /// Waits for the running rewrite, doing its walk here. Throws its error.
    public func finishRewrite() throws(StorageError) {
        while true {
            switch stepRewrite(budget: .milliseconds(50)) {
            case .idle: return
            case .working: continue
            case .waiting: rewriteJob?.thread.waitBriefly()
            case .finished(let succeeded):
                if !succeeded { throw .rewriteFailed(reason: persistence.lastError ?? "unknown") }
                return
            }
        }
    }

    /// Stops a running rewrite without finishing it (closing).
    func abandonRewrite() {
        guard let job = rewriteJob else { return }
        job.capture.cancel()
        engine.keyspace.capture = nil
        job.thread.cancelAndWait()
        rewriteJob = nil
        persistence.inProgress = false
    }

    private func conclude(_ job: RewriteJob, _ outcome: Result<SnapshotWriterThread.Made, StorageError>) -> RewriteProgress {
        if !job.walkComplete {
            job.capture.cancel()
            engine.keyspace.capture = nil
        }
        rewriteJob = nil
        persistence.inProgress = false
        persistence.startedMilliseconds = nil
        persistence.lastDurationMilliseconds = DurableEngine.microseconds(ContinuousClock.now - job.started) / 1000
        persistence.keysEncodedEarly = job.capture.keysEncodedEarly
        switch outcome {
        case .success(let made):
            persistence.lastSucceeded = true
            persistence.lastError = nil
            persistence.rewritesCompleted += 1
            persistence.lastSaveMilliseconds = engine.clock.nowMilliseconds()
            persistence.snapshotSequence = job.capture.sequence
            persistence.snapshotBytes = made.snapshotBytes
            persistence.baseBytes = made.snapshotBytes + writer.logByteCount
            changesSavedThrough = job.changesAtStart
            return .finished(succeeded: true)
        case .failure(let error):
            writer.cancelRotation(at: job.capture.sequence + 1)
            persistence.lastSucceeded = false
            persistence.lastError = error.description
            persistence.rewritesFailed += 1
            return .finished(succeeded: false)
        }
    }

    /// Changes since the last successful save (`rdb_changes_since_last_save`).
    public var changesSinceLastSave: Int { changesLogged - changesSavedThrough }

    /// The snapshot and the live log's records, in bytes (`aof_current_size`).
    public var persistedBytes: Int64 { persistence.snapshotBytes + writer.logByteCount }

    static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
