import Cairn
import Synchronization

/// An in-memory `FileIO` that knows what a power cut would keep, for crash
/// tests: deterministic from its seed, thread-safe (the log calls it from its
/// own thread), cheap to copy.
///
/// Per file it keeps the durable bytes and, in order, the writes and size
/// changes since the last successful `fsync`/`fdatasync`; per directory the
/// durable entries and the creates, renames and unlinks since its last
/// `syncDirectory`. Reads see everything written (the page cache).
/// `crashedCopy(seed:)` / `powerCut(seed:)` keep the durable state plus a
/// seeded choice of the rest (see `PowerCutOutcome`). Faults come on demand:
/// `failSyncs`, `shortenWrites`, `interruptCalls`, `capacityBytes` (ENOSPC).
///
/// ```swift
/// let fs = SimulatedFileSystem(seed: seed)
/// try fs.makeDirectory("/data")
/// let log = try fs.open("/data/000001.wal", .readWrite, options: .create)
/// try fs.writeAll(log, record, at: 0)
/// try fs.fdatasync(log)                        // record durable, its name not yet
/// for cut in 0 ..< 1000 {
///     let rebooted = fs.crashedCopy(seed: UInt64(cut))
///     // open the engine on `rebooted`, check what survived
/// }
/// ```
public final class SimulatedFileSystem: FileIO {
    /// The unit a write can be torn at.
    public static let sectorSize = 512

    private let state: Mutex<SimulatedState>

    /// An empty file system holding only "/". `capacityBytes` (if any) bounds
    /// the total size of all live files; a write past it fails with `ENOSPC`.
    public init(seed: UInt64, capacityBytes: Int64? = nil) {
        state = Mutex(SimulatedState(seed: seed, capacityBytes: capacityBytes))
    }

    private init(state: SimulatedState) {
        self.state = Mutex(state)
    }

    // MARK: Power

    /// A new file system holding what a machine booted after a power cut at
    /// this instant would find; `self` keeps running untouched. Same seed,
    /// same state: print it with a failure.
    public func crashedCopy(seed: UInt64) -> SimulatedFileSystem {
        let snapshot = state.withLock { $0 }
        return SimulatedFileSystem(state: snapshot.crashed(seed: seed).state)
    }

    /// Cuts the power in place: afterwards `self` is the freshly booted
    /// machine, every handle from before fails with `EBADF`.
    @discardableResult
    public func powerCut(seed: UInt64) -> PowerCutOutcome {
        state.withLock { state in
            let (booted, outcome) = state.crashed(seed: seed)
            state = booted
            return outcome
        }
    }

    /// What a power cut with this seed would do, without doing it.
    public func powerCutOutcome(seed: UInt64) -> PowerCutOutcome {
        let snapshot = state.withLock { $0 }
        return snapshot.crashed(seed: seed).outcome
    }

    /// A new file system as another process finds it after this one is killed
    /// (SIGKILL): all written bytes present, none made more durable, no open
    /// handles or locks. Power-cut it too to test `appendfsync no`'s promise.
    public func copyAfterProcessKill() -> SimulatedFileSystem {
        let snapshot = state.withLock { $0 }
        return SimulatedFileSystem(state: snapshot.afterProcessKill())
    }

    // MARK: Faults

    /// Makes `fsync`, `fdatasync` and `syncDirectory` fail with `errno`
    /// (`EIO` by default). The changes the failed sync covered are left
    /// undecided for good: reads still show them, a later successful sync does
    /// not make them durable, a power cut may keep, tear or drop them.
    public func failSyncs(_ schedule: FaultSchedule = .next(1), paths: PathMatch = .any, errno: Errno = .ioError) {
        state.withLock {
            $0.faults.syncFailure = FaultRule(schedule: schedule, paths: paths)
            $0.faults.syncErrno = errno
        }
    }

    /// Makes `pwrite` write only a seeded proper prefix (at least one byte).
    public func shortenWrites(_ schedule: FaultSchedule = .next(1), paths: PathMatch = .any) {
        state.withLock { $0.faults.shortWrite = FaultRule(schedule: schedule, paths: paths) }
    }

    /// Makes `pwrite` and `pread` fail with `EINTR` before transferring anything.
    public func interruptCalls(_ schedule: FaultSchedule = .next(1), paths: PathMatch = .any) {
        state.withLock { $0.faults.interrupt = FaultRule(schedule: schedule, paths: paths) }
    }

    /// Disarms every injected fault (the capacity stays).
    public func clearFaults() {
        state.withLock { $0.faults = SimulatedFaults() }
    }

    /// The disk's size: the total length of all live files may not pass it.
    /// Space freed by `unlink` (after the last close) or `truncate` comes back.
    public var capacityBytes: Int64? {
        get { state.withLock { $0.capacityBytes } }
        set { state.withLock { $0.capacityBytes = newValue } }
    }

    /// The total length of every file with a name or an open handle.
    public var usedBytes: Int64 { state.withLock { $0.usedBytes } }

    // MARK: Inspection

    /// The bytes a read would see now, or `nil` if no file has this path.
    public func contents(of path: String) -> [UInt8]? {
        state.withLock { state in
            let location = SimulatedPath(path)
            guard case .file(let inode)? = try? state.entry(at: location, { IOError(.open, path: path, errno: $0) })
            else { return nil }
            return state.files[inode]!.cache.bytes
        }
    }

    /// How many handles are open (a leak check for tests).
    public var openHandleCount: Int { state.withLock { $0.open.count } }

    /// What the running system has been asked to do since it booted.
    public var statistics: SimulatedFileSystemStatistics { state.withLock { $0.statistics } }

    // MARK: FileIO

    public func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle {
        try state.withLock { (state) throws(IOError) in try state.open(path, access, options: options) }
    }

    public func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try state.withLock { (state) throws(IOError) in try state.pwrite(handle, bytes, at: offset) }
    }

    public func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try state.withLock { (state) throws(IOError) in try state.pread(handle, into: buffer, at: offset) }
    }

    public func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.sync(handle, .fdatasync) }
    }

    public func fsync(_ handle: FileDescriptorHandle) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.sync(handle, .fsync) }
    }

    public func fallocate(_ handle: FileDescriptorHandle, offset: Int64, length: Int64) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.fallocate(handle, offset: offset, length: length) }
    }

    public func truncate(_ handle: FileDescriptorHandle, to length: Int64) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.truncate(handle, to: length) }
    }

    public func size(_ handle: FileDescriptorHandle) throws(IOError) -> Int64 {
        try state.withLock { (state) throws(IOError) in try state.size(handle) }
    }

    public func close(_ handle: FileDescriptorHandle) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.close(handle) }
    }

    public func rename(_ source: String, to destination: String) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.rename(source, to: destination) }
    }

    public func unlink(_ path: String) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.unlink(path) }
    }

    public func syncDirectory(_ path: String) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.syncDirectory(path) }
    }

    public func listDirectory(_ path: String) throws(IOError) -> [String] {
        try state.withLock { (state) throws(IOError) in try state.listDirectory(path) }
    }

    public func makeDirectory(_ path: String) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.makeDirectory(path) }
    }

    public func fileExists(_ path: String) -> Bool {
        state.withLock { $0.fileExists(path) }
    }

    public func lockExclusive(_ handle: FileDescriptorHandle) throws(IOError) {
        try state.withLock { (state) throws(IOError) in try state.lockExclusive(handle) }
    }
}
