import Dispatch
import Foundation
import Synchronization

/// The background half of a rewrite: a thread that compresses and writes
/// the chunks the command thread's `SnapshotCapture` encodes, then makes
/// the snapshot the log's base (docs/ARCHITECTURE.md, "Snapshots and
/// background rewrite"):
///
/// 1. `<sequence>.snap.tmp` gets the header, every chunk, the trailer, and
///    is synced (`SnapshotFileWriter`);
/// 2. it is renamed to `<sequence>.snap` and the directory synced;
/// 3. once the flusher has started the segment right after the snapshot's
///    record (`LogWriter.requestRotation`), a MANIFEST naming the snapshot
///    and the segments from there on is published (`installSnapshot`);
/// 4. only then are the files it no longer names deleted.
///
/// A crash anywhere leaves the old MANIFEST (and the files it names) or the
/// new one; files neither names are removed at the next open. Any error
/// fails the rewrite alone: the old snapshot, log and MANIFEST stay in use.
final class SnapshotWriterThread: Sendable {
    /// What a finished rewrite made.
    struct Made: Sendable, Equatable {
        var snapshotName: String
        var snapshotBytes: Int64
    }

    private struct State: Sendable {
        var chunks: [Bytes] = []
        /// Written chunks' buffers, emptied, for the encoder to fill again.
        var spare: [Bytes] = []
        var queuedBytes = 0
        var keyCount: UInt64?
        var cancelled = false
        var outcome: Result<Made, StorageError>?
    }

    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    init(directory: String, header: SnapshotHeader, fileIO: any FileIO, writer: LogWriter, log: GroupCommitLog) {
        let thread = Thread { [self] in
            SnapshotWriterThread.yieldToTheCommandThread()
            let outcome = run(directory: directory, header: header, fileIO: fileIO, writer: writer, log: log)
            state.withLock { $0.outcome = outcome }
            exited.signal()
        }
        thread.name = "cairn-snapshot"
        thread.start()
    }

    /// Lowers this thread to the lowest CPU priority (nice 19; Linux nices
    /// threads one by one). Compressing and writing a snapshot is the most
    /// CPU this process spends next to the command thread; where cores are
    /// few, at equal priority the scheduler can leave the command thread
    /// waiting behind it (measured: walk slices of 0.3 ms of CPU taking 5 to
    /// 23 ms, one involuntary context switch each). At nice 19 the command
    /// thread preempts it as soon as it has work; the snapshot still gets
    /// every idle cycle.
    private static func yieldToTheCommandThread() {
        #if os(Linux)
        // who 0 is the calling thread: the kernel applies it to `current`.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }

    /// Bytes handed over and not yet written.
    var queuedBytes: Int { state.withLock { $0.queuedBytes } }

    /// The result, once the thread is done.
    var outcome: Result<Made, StorageError>? { state.withLock { $0.outcome } }

    /// Queues `chunk` for writing; returns an empty buffer to fill next.
    func enqueue(_ chunk: Bytes) -> Bytes {
        let next = state.withLock { state -> Bytes in
            state.queuedBytes += chunk.count
            state.chunks.append(chunk)
            return state.spare.popLast() ?? []
        }
        wakeup.signal()
        return next
    }

    private func recycle(_ chunk: inout Bytes) {
        chunk.removeAll(keepingCapacity: true)
        let buffer = chunk
        chunk = []
        state.withLock { state in
            if state.spare.count < 4 { state.spare.append(buffer) }
        }
    }

    /// Every chunk was handed over: finish the file with `keyCount` keys.
    func finish(keyCount: UInt64) {
        state.withLock { $0.keyCount = keyCount }
        wakeup.signal()
    }

    /// Gives up (the engine is closing) and waits for the thread to end.
    /// A rewrite already publishing its MANIFEST completes first.
    func cancelAndWait() {
        state.withLock { $0.cancelled = true }
        wakeup.signal()
        exited.wait()
        exited.signal()
    }

    /// Waits until the thread is done, or a millisecond.
    func waitBriefly() {
        if exited.wait(timeout: .now() + .milliseconds(1)) == .success { exited.signal() }
    }

    private enum Next {
        case chunk(Bytes)
        case finish(UInt64)
        case cancel
    }

    private func next() -> Next {
        while true {
            let taken = state.withLock { state -> Next? in
                if state.cancelled { return .cancel }
                if !state.chunks.isEmpty {
                    let chunk = state.chunks.removeFirst()
                    state.queuedBytes -= chunk.count
                    return .chunk(chunk)
                }
                return state.keyCount.map(Next.finish)
            }
            if let taken { return taken }
            wakeup.wait()
        }
    }

    private var isCancelled: Bool { state.withLock { $0.cancelled } }

    private func run(directory: String, header: SnapshotHeader, fileIO: any FileIO,
                     writer: LogWriter, log: GroupCommitLog) -> Result<Made, StorageError> {
        let name = DataDirectory.snapshotName(sequence: header.sequence)
        let path = DataDirectory.join(directory, name)
        let temporary = path + DataDirectory.temporarySuffix
        let file: SnapshotFileWriter
        do throws(StorageError) {
            file = try SnapshotFileWriter(path: temporary, header: header, fileIO: fileIO)
        } catch {
            try? fileIO.unlink(temporary)
            return .failure(error)
        }
        do throws(StorageError) {
            writing: while true {
                switch next() {
                case .chunk(var chunk):
                    try file.append(chunk)
                    recycle(&chunk)
                case .finish(let keyCount):
                    try file.finish(keyCount: keyCount)
                    break writing
                case .cancel: throw .closed(directory: directory)
                }
            }
            try storageIO { () throws(IOError) in
                try fileIO.rename(temporary, to: path)
                try fileIO.syncDirectory(directory)
            }
        } catch {
            file.abandon()
            return .failure(error)
        }
        let boundary = header.sequence + 1
        do throws(StorageError) {
            waiting: while true {
                switch writer.rotationState(at: boundary) {
                case .done: break waiting
                case .failed(let error): throw error
                case .pending:
                    if isCancelled { throw .closed(directory: directory) }
                    log.wake()
                    Thread.sleep(forTimeInterval: 0.001)
                }
            }
        } catch {
            // Nothing names the new snapshot yet.
            try? fileIO.unlink(path)
            return .failure(error)
        }
        do throws(StorageError) {
            // From here the new MANIFEST may be durable: the snapshot stays
            // even if publishing reports an error (an unnamed one is removed
            // at the next open).
            let obsolete = try writer.installSnapshot(name, boundary: boundary)
            for old in obsolete { try? fileIO.unlink(DataDirectory.join(directory, old)) }
            if !obsolete.isEmpty { try? fileIO.syncDirectory(directory) }
        } catch {
            return .failure(error)
        }
        return .success(Made(snapshotName: name, snapshotBytes: file.bytesWritten))
    }
}
