#if canImport(Glibc)
import Glibc
#endif

/// A C `errno` value with names for the ones persistence code decides on, as
/// swift-system's `Errno`: a value the I/O seam throws inside `IOError`, so a
/// caller matches `error.errno == .noSpace` instead of comparing integers.
///
/// ```swift
/// if error.errno == .noSpace { turnReadOnly() }
/// print(Errno.ioError)  // "Input/output error (EIO)"
/// ```
public struct Errno: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: CInt

    public init(rawValue: CInt) { self.rawValue = rawValue }

    /// The calling thread's `errno`, read right after a failed call.
    public static var current: Errno { Errno(rawValue: Glibc.errno) }

    /// `EIO`: the device failed; after a sync this means the data may be lost
    /// (the kernel may already have dropped the dirty pages: "fsyncgate").
    public static let ioError = Errno(rawValue: EIO)
    /// `ENOSPC`: the file system is full.
    public static let noSpace = Errno(rawValue: ENOSPC)
    /// `EDQUOT`: the user's quota is exhausted; treated like `ENOSPC`.
    public static let quotaExceeded = Errno(rawValue: EDQUOT)
    /// `EINTR`: a signal interrupted the call before it did anything; retry.
    public static let interrupted = Errno(rawValue: EINTR)
    /// `ENOENT`: no such file or directory.
    public static let noSuchFile = Errno(rawValue: ENOENT)
    /// `EEXIST`: an exclusive create found the file already there.
    public static let fileExists = Errno(rawValue: EEXIST)
    /// `EAGAIN`, which is `EWOULDBLOCK` on Linux: a non-blocking lock is held elsewhere.
    public static let wouldBlock = Errno(rawValue: EWOULDBLOCK)
    /// `EAGAIN` under its other name.
    public static let tryAgain = Errno(rawValue: EAGAIN)
    /// `EBADF`: the descriptor is closed, or was opened without write access.
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    /// `EINVAL`: a negative offset or length.
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// `EISDIR`: a file operation on a directory.
    public static let isDirectory = Errno(rawValue: EISDIR)
    /// `ENOTDIR`: a path component, or a directory operation's target, is a file.
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    /// `EXDEV`: a rename across file systems (the simulation: across directories).
    public static let crossDevice = Errno(rawValue: EXDEV)
    /// `EACCES`: permission denied.
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// `EROFS`: the file system is mounted read-only.
    public static let readOnlyFileSystem = Errno(rawValue: EROFS)
    /// `EMFILE`: the process is out of file descriptors.
    public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    /// `EFBIG`: past the file system's maximum file size.
    public static let fileTooLarge = Errno(rawValue: EFBIG)
    /// `EOPNOTSUPP`: the file system does not support the call.
    public static let notSupported = Errno(rawValue: EOPNOTSUPP)

    /// The C constant's name ("EIO"), or "errno N" for one without a name here.
    public var name: String {
        switch rawValue {
        case EIO: "EIO"
        case ENOSPC: "ENOSPC"
        case EDQUOT: "EDQUOT"
        case EINTR: "EINTR"
        case ENOENT: "ENOENT"
        case EEXIST: "EEXIST"
        case EAGAIN: "EAGAIN"
        case EBADF: "EBADF"
        case EINVAL: "EINVAL"
        case EISDIR: "EISDIR"
        case ENOTDIR: "ENOTDIR"
        case EXDEV: "EXDEV"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EROFS: "EROFS"
        case EMFILE: "EMFILE"
        case ENFILE: "ENFILE"
        case EFBIG: "EFBIG"
        case EOPNOTSUPP: "EOPNOTSUPP"
        case ENOTEMPTY: "ENOTEMPTY"
        case ENAMETOOLONG: "ENAMETOOLONG"
        case ELOOP: "ELOOP"
        default: "errno \(rawValue)"
        }
    }

    /// The C library's message and the constant's name:
    /// "Input/output error (EIO)".
    public var description: String {
        guard let message = strerror(rawValue) else { return name }
        return "\(String(cString: message)) (\(name))"
    }
}
