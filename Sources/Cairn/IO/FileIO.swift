/// The seam every byte of persistence goes through: the handful of file-system
/// calls the log, snapshots and the manifest need, nothing more.
///
/// Two conformers exist: `PosixFileIO` (production, over Glibc) and the test
/// support target's `SimulatedFileSystem`, which keeps what is durable apart
/// from what is only in the page cache and can cut the power. Code written
/// against this protocol gets crash-tested for free.
///
/// Durability is the caller's business and follows Linux (ext4/xfs) rules:
/// - `pwrite` puts bytes in the page cache; only `fdatasync`/`fsync` of that
///   file make them durable.
/// - a file's sync does not make its directory entry durable: after `open`
///   with `.create`, `rename` or `unlink`, call `syncDirectory` on the directory.
/// - a failed sync is final ("fsyncgate"): the data it covered may be gone even
///   if a later sync succeeds. Stop; never retry and report success.
///
/// ```swift
/// let io: any FileIO = PosixFileIO()
/// let file = try io.open("/data/000001.wal", .readWrite, options: .exclusiveCreate)
/// try io.writeAll(file, header, at: 0)
/// try io.fdatasync(file)                    // the header is durable
/// try io.syncDirectory("/data")             // ... and so is its name
/// ```
public protocol FileIO: Sendable {
    /// Opens (and with `.create`, creates) a file.
    func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle

    /// Writes at `offset` without moving any file position; returns how many
    /// bytes were written, which may be fewer than asked (use `writeAll`).
    /// May fail with `EINTR` before writing anything.
    func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int

    /// Reads at `offset`; returns how many bytes were read, 0 at end of file.
    /// May be short and may fail with `EINTR` (use `read(_:count:at:)`).
    func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int

    /// Makes the file's data (and the size needed to read it) durable.
    func fdatasync(_ handle: FileDescriptorHandle) throws(IOError)

    /// Makes the file's data and all its metadata durable.
    func fsync(_ handle: FileDescriptorHandle) throws(IOError)

    /// Reserves space for `offset ..< offset + length`, growing the file if the
    /// range passes its end (new bytes read as zeros). Fails with `ENOSPC` when
    /// the space is not there, so later writes into the range cannot.
    func fallocate(_ handle: FileDescriptorHandle, offset: Int64, length: Int64) throws(IOError)

    /// Sets the file's length, dropping or zero-filling the tail.
    func truncate(_ handle: FileDescriptorHandle, to length: Int64) throws(IOError)

    /// The file's current length in bytes.
    func size(_ handle: FileDescriptorHandle) throws(IOError) -> Int64

    /// Closes the handle, releasing its lock. Closing is not a sync.
    func close(_ handle: FileDescriptorHandle) throws(IOError)

    /// Renames a file, atomically replacing `destination`. Durable after
    /// `syncDirectory` of the directory.
    func rename(_ source: String, to destination: String) throws(IOError)

    /// Removes a file's name; its space returns once no handle has it open.
    /// Durable after `syncDirectory` of the directory.
    func unlink(_ path: String) throws(IOError)

    /// `fsync` of a directory: makes the creates, renames and unlinks in it durable.
    func syncDirectory(_ path: String) throws(IOError)

    /// The names in a directory (no "." or ".."), sorted bytewise.
    func listDirectory(_ path: String) throws(IOError) -> [String]

    /// Creates a directory (its parent must exist). Durable after
    /// `syncDirectory` of the parent.
    func makeDirectory(_ path: String) throws(IOError)

    /// Whether a file or directory has this path now.
    func fileExists(_ path: String) -> Bool

    /// Takes an advisory exclusive lock (`flock(LOCK_EX | LOCK_NB)`) without
    /// waiting; another holder makes it fail with `EWOULDBLOCK`. The lock
    /// belongs to this open (a second `open` of the same file in the same
    /// process conflicts) and is released by `close`.
    func lockExclusive(_ handle: FileDescriptorHandle) throws(IOError)
}

/// An open file: its descriptor and the path it was opened by (for error
/// messages; a later rename does not change it). A plain value: copying it
/// does not duplicate the descriptor, and `FileIO.close` ends all copies.
public struct FileDescriptorHandle: Hashable, Sendable, CustomStringConvertible {
    public let descriptor: CInt
    public let path: String
    /// Whether the handle may write (`pwrite`, `fallocate`, `truncate`).
    public let access: FileAccess

    public init(descriptor: CInt, path: String, access: FileAccess) {
        self.descriptor = descriptor
        self.path = path
        self.access = access
    }

    public var description: String { "\(path) (fd \(descriptor))" }
}

/// What an open handle may do.
public enum FileAccess: Hashable, Sendable {
    case readOnly
    case readWrite
}

/// How `open` treats a missing or existing file.
public struct FileOpenOptions: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `O_CREAT`: create the file if it is missing.
    public static let create = FileOpenOptions(rawValue: 1 << 0)
    /// `O_CREAT | O_EXCL`: create the file; fail with `EEXIST` if it exists
    /// (implies `.create`).
    public static let exclusiveCreate = FileOpenOptions(rawValue: 1 << 1)
    /// `O_TRUNC`: cut an existing file to length 0 (needs `.readWrite`).
    public static let truncate = FileOpenOptions(rawValue: 1 << 2)
}
