import Dispatch
import Foundation
import Synchronization

/// The log thread: drives a `LogWriter` so the command thread never waits for
/// the disk (docs/ARCHITECTURE.md, "fsync policies").
///
/// The command thread appends to the writer (no I/O) and calls `wake()`. The
/// log thread sleeps until woken, then flushes everything pending in one
/// write and, under `.always`, one `fdatasync` (group commit: every record
/// appended while the previous sync ran shares the next one), and releases
/// the waiters its flush covers. Under `.everySecond` it writes at once and
/// syncs when `LogConfiguration.syncInterval` has passed since the last sync
/// (a timed wait); under `.no` it only writes.
///
/// A waiter waits for its record to be *released*: durable under `.always`,
/// written (in the page cache, as Redis writes its AOF before replying)
/// under the other policies. A failed flush releases every waiter it did not
/// cover with the error, never with success: fail-stop for good; out of
/// space until a later flush (woken by the next waiter) writes the records.
///
/// ```swift
/// let sequence = try writer.append(effects, timestampMilliseconds: now)
/// log.wake()
/// try log.waitUntilReleased(sequence)      // or: try await log.released(sequence)
/// ```
public final class GroupCommitLog: Sendable {
    /// A blocked thread and the outcome its release hands it.
    private final class BlockedThread: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        let failure = Mutex<StorageError?>(nil)
    }

    private enum Waiter: Sendable {
        case blocking(BlockedThread)
        case async(CheckedContinuation<Void, any Error>)
        case callback(@Sendable (StorageError?) -> Void)
    }

    private struct State: Sendable {
        var releasedThrough: UInt64
        /// Why waiters beyond `releasedThrough` fail; cleared when a later
        /// flush succeeds (out of space) or never (fail-stop, closed).
        var failure: StorageError?
        /// Flush attempts started. A failed attempt fails only the waiters
        /// that registered before it started: a later one (say, the
        /// disk-full retry after space returned) gets an attempt of its own.
        var attemptsStarted = 0
        var waiters: [(sequence: UInt64, registeredAfter: Int, waiter: Waiter)] = []
        var stopping = false
    }

    public let writer: LogWriter
    /// The fsync policy now; `setPolicy` changes it while running
    /// (`CONFIG SET appendfsync`).
    public var policy: FsyncPolicy { currentPolicy.withLock { $0 } }
    private let currentPolicy: Mutex<FsyncPolicy>
    private let state: Mutex<State>
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the log thread.
    public init(writer: LogWriter, policy: FsyncPolicy) {
        self.writer = writer
        currentPolicy = Mutex(policy)
        state = Mutex(State(releasedThrough: writer.lastSequence))
        releasedMirror = Atomic(writer.lastSequence)
        let thread = Thread { [self] in run() }
        thread.name = "cairn-log"
        thread.start()
    }

    /// The highest sequence number whose waiters are released: read on
    /// every reply (is it held back?), so a lock-free copy of the state's,
    /// stored after the state changed.
    public var releasedThrough: UInt64 { releasedMirror.load(ordering: .acquiring) }
    private let releasedMirror: Atomic<UInt64>

    /// Switches the fsync policy for every flush from now on. Waiters
    /// already registered are released by the new policy's rule (to
    /// `.always`: only once synced), never earlier than they asked.
    public func setPolicy(_ policy: FsyncPolicy) {
        currentPolicy.withLock { $0 = policy }
        wake()
    }

    /// Tells the log thread there is something to write. (Callers that
    /// append in bursts wake it once per burst: `DurableEngine.defersWakes`.)
    public func wake() { wakeup.signal() }

    /// Blocks until record `sequence` is released (true), its flush failed
    /// (throws), or `timeout` passed (false).
    @discardableResult
    public func waitUntilReleased(_ sequence: UInt64, timeout: Duration? = nil) throws(StorageError) -> Bool {
        let blocked = BlockedThread()
        let semaphore = blocked.semaphore
        if let outcome = register(sequence, .blocking(blocked)) {
            if let outcome { throw outcome }
            return true
        }
        wake()
        if let timeout {
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            if semaphore.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut {
                // Withdraw; a release racing the timeout has already signalled.
                let withdrawn = state.withLock { state in
                    let before = state.waiters.count
                    state.waiters.removeAll { if case .blocking(let other) = $0.waiter { other === blocked } else { false } }
                    return state.waiters.count < before
                }
                if withdrawn { return false }
                semaphore.wait()
            }
        } else {
            semaphore.wait()
        }
        if let failure = blocked.failure.withLock({ $0 }) { throw failure }
        return true
    }

    /// Returns once record `sequence` is released; throws its flush's error.
    public func released(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            switch register(sequence, .async(continuation)) {
            case .some(.some(let failure)): continuation.resume(throwing: failure)
            case .some(.none): continuation.resume()
            case .none: wake()
            }
        }
    }

    /// Calls `callback` once record `sequence` is released (nil) or its flush
    /// failed (the error): at once on this thread if that is already known,
    /// otherwise on the log thread, which must not be kept waiting (a
    /// server hops to its event loop). For callers that may not block.
    /// `wakesLogThread: false` leaves waking the log thread to the caller
    /// (one that wakes it once for many waiters, `DurableEngine.wakeLog`).
    public func whenReleased(_ sequence: UInt64, wakesLogThread: Bool = true,
                             _ callback: @escaping @Sendable (StorageError?) -> Void) {
        switch register(sequence, .callback(callback)) {
        case .some(let outcome): callback(outcome)
        case .none: if wakesLogThread { wake() }
        }
    }

    /// Stops the log thread after its current flush; waiters still waiting
    /// are left for the caller's final flush (`finish`).
    public func stop() {
        let alreadyStopping = state.withLock { state in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !alreadyStopping else { return }
        wakeup.signal()
        finished.wait()
    }

    /// After `stop`: releases the waiters per the writer's final state, and
    /// fails the rest with `error`.
    public func finish(failing error: StorageError) {
        release(failure: nil, attempt: .max)
        release(failure: error, attempt: .max)
    }

    // MARK: The log thread

    private func run() {
        while true {
            let policy = self.policy
            let deadline = policy == .everySecond ? writer.syncDeadline : nil
            if let deadline {
                let remaining = max(.zero, deadline - ContinuousClock.now)
                let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
                _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
            } else {
                wakeup.wait()
            }
            if state.withLock({ $0.stopping }) { break }
            let attempt = state.withLock { state in
                state.attemptsStarted += 1
                return state.attemptsStarted
            }
            do throws(StorageError) {
                // Read again: `setPolicy` may have woken this wait.
                try writer.flush(self.policy)
                release(failure: nil, attempt: attempt)
            } catch {
                release(failure: error, attempt: attempt)
            }
        }
        finished.signal()
    }

    /// What the writer now covers for this policy.
    private var covered: UInt64 { policy == .always ? writer.durableThrough : writer.writtenThrough }

    /// Releases the waiters the writer covers; with `failure`, fails the
    /// rest of those registered before `attempt` started.
    private func release(failure: StorageError?, attempt: Int) {
        let covered = covered
        let released = state.withLock { state -> [(Waiter, StorageError?)] in
            state.releasedThrough = max(state.releasedThrough, covered)
            releasedMirror.store(state.releasedThrough, ordering: .releasing)
            if failure != nil || state.failure.map(Self.isPermanent) != true { state.failure = failure }
            var out: [(Waiter, StorageError?)] = []
            state.waiters.removeAll { entry in
                if entry.sequence <= state.releasedThrough {
                    out.append((entry.waiter, nil))
                    return true
                }
                if let failure, entry.registeredAfter < attempt {
                    out.append((entry.waiter, failure))
                    return true
                }
                return false
            }
            return out
        }
        for (waiter, error) in released {
            switch waiter {
            case .blocking(let blocked):
                blocked.failure.withLock { $0 = error }
                blocked.semaphore.signal()
            case .async(let continuation):
                if let error { continuation.resume(throwing: error) } else { continuation.resume() }
            case .callback(let callback):
                callback(error)
            }
        }
    }

    /// nil: registered, wait. `.some(nil)`: already released. `.some(error)`:
    /// fails at once (the log stopped for good).
    private func register(_ sequence: UInt64, _ waiter: Waiter) -> StorageError?? {
        state.withLock { state -> StorageError?? in
            if sequence <= state.releasedThrough { return .some(nil) }
            if let failure = state.failure, Self.isPermanent(failure) { return .some(failure) }
            state.waiters.append((sequence, state.attemptsStarted, waiter))
            return nil
        }
    }

    private static func isPermanent(_ error: StorageError) -> Bool {
        if case .diskFull = error { return false }
        return true
    }
}
