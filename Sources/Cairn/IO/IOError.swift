/// A failed file-system call, with what an operator needs to act on it: the
/// call, the file, the byte offset and length when there are some, and the
/// `errno`.
///
/// ```swift
/// // "fdatasync of /data/000001.wal failed: Input/output error (EIO)"
/// // "pwrite of /data/000001.wal at offset 4096 (512 bytes) failed: No space left on device (ENOSPC)"
/// ```
public struct IOError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The system call (or the seam operation) that failed, named as the
    /// operator knows it from `strace` and the man pages.
    public enum Operation: Hashable, Sendable {
        case open
        case pwrite
        case pread
        case fdatasync
        case fsync
        case fallocate
        case ftruncate
        case fstat
        case close
        case rename
        case unlink
        /// `fsync` of a directory's descriptor: what makes a create, rename or
        /// unlink in it durable.
        case syncDirectory
        /// `opendir`/`readdir`.
        case listDirectory
        /// `mkdir`.
        case makeDirectory
        /// `flock(LOCK_EX | LOCK_NB)`.
        case lock

        /// How the description names the call on a path: "fdatasync of".
        var phrase: String {
            switch self {
            case .open: "open of"
            case .pwrite: "pwrite of"
            case .pread: "pread of"
            case .fdatasync: "fdatasync of"
            case .fsync: "fsync of"
            case .fallocate: "fallocate of"
            case .ftruncate: "ftruncate of"
            case .fstat: "fstat of"
            case .close: "close of"
            case .rename: "rename of"
            case .unlink: "unlink of"
            case .syncDirectory: "fsync of directory"
            case .listDirectory: "readdir of"
            case .makeDirectory: "mkdir of"
            case .lock: "flock of"
            }
        }
    }

    public var operation: Operation
    /// The file or directory the call was about (for `rename`, the source).
    public var path: String
    /// Where in the file, for calls at an offset (`pwrite`, `pread`, `fallocate`).
    public var offset: Int64?
    /// How many bytes the call was asked for (`pwrite`, `pread`, `fallocate`), or
    /// the new length (`ftruncate`).
    public var length: Int64?
    /// The destination of a `rename`.
    public var destination: String?
    public var errno: Errno

    public init(
        _ operation: Operation, path: String, offset: Int64? = nil, length: Int64? = nil,
        destination: String? = nil, errno: Errno
    ) {
        self.operation = operation
        self.path = path
        self.offset = offset
        self.length = length
        self.destination = destination
        self.errno = errno
    }

    public var description: String {
        var text = "\(operation.phrase) \(path)"
        if let destination { text += " to \(destination)" }
        if let offset { text += " at offset \(offset)" }
        if let length { text += operation == .ftruncate ? " to \(length) bytes" : " (\(length) bytes)" }
        text += " failed: \(errno)"
        if operation == .lock, errno == .wouldBlock {
            // flock is per open file description: a second open in this process
            // conflicts exactly like another process does.
            text += "; another process (or another open of this file) holds the lock"
        }
        return text
    }
}
