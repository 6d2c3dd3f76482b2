#if canImport(Glibc)
import Glibc
#endif

/// The production `FileIO`: thin calls into Glibc. Every call goes through
/// `retryingInterrupts`, the one place `EINTR` is retried, and every failure
/// becomes an `IOError` naming the call, the file, the offset and `errno`.
/// A sync that fails is reported as failed, never retried into a success.
///
/// ```swift
/// let io = PosixFileIO()
/// let lock = try io.acquireLock("/data/LOCK")
/// ```
public struct PosixFileIO: FileIO {
    /// Permission bits for new files (before the umask), as Redis's AOF.
    public var filePermissions: mode_t = 0o644
    /// Permission bits for new directories (before the umask).
    public var directoryPermissions: mode_t = 0o755

    public init() {}

    public func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle {
        guard access == .readWrite || !options.contains(.truncate) else {
            // O_RDONLY | O_TRUNC is unspecified by POSIX (Linux truncates): refuse it.
            throw IOError(.open, path: path, errno: .invalidArgument)
        }
        var flags = O_CLOEXEC | (access == .readOnly ? O_RDONLY : O_RDWR)
        if options.contains(.create) { flags |= O_CREAT }
        if options.contains(.exclusiveCreate) { flags |= O_CREAT | O_EXCL }
        if options.contains(.truncate) { flags |= O_TRUNC }
        let descriptor = try retryingInterrupts({ IOError(.open, path: path, errno: $0) }) {
            Glibc.open(path, flags, filePermissions)
        }
        return FileDescriptorHandle(descriptor: descriptor, path: path, access: access)
    }

    public func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try retryingInterrupts({ IOError(.pwrite, path: handle.path, offset: offset, length: Int64(bytes.count), errno: $0) }) {
            Glibc.pwrite(handle.descriptor, bytes.baseAddress, bytes.count, off_t(offset))
        }
    }

    public func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try retryingInterrupts({ IOError(.pread, path: handle.path, offset: offset, length: Int64(buffer.count), errno: $0) }) {
            Glibc.pread(handle.descriptor, buffer.baseAddress, buffer.count, off_t(offset))
        }
    }

    /// Durability point: on success the file's data is on stable storage.
    public func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.fdatasync, path: handle.path, errno: $0) }) {
            Glibc.fdatasync(handle.descriptor)
        }
    }

    /// Durability point: on success the file's data and metadata are on stable storage.
    public func fsync(_ handle: FileDescriptorHandle) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.fsync, path: handle.path, errno: $0) }) {
            Glibc.fsync(handle.descriptor)
        }
    }

    public func fallocate(_ handle: FileDescriptorHandle, offset: Int64, length: Int64) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.fallocate, path: handle.path, offset: offset, length: length, errno: $0) }) {
            // posix_fallocate returns the error instead of setting errno.
            let result = posix_fallocate(handle.descriptor, off_t(offset), off_t(length))
            if result == 0 { return 0 }
            Glibc.errno = result
            return -1
        }
    }

    public func truncate(_ handle: FileDescriptorHandle, to length: Int64) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.ftruncate, path: handle.path, length: length, errno: $0) }) {
            ftruncate(handle.descriptor, off_t(length))
        }
    }

    public func size(_ handle: FileDescriptorHandle) throws(IOError) -> Int64 {
        var status = stat()
        _ = try retryingInterrupts({ IOError(.fstat, path: handle.path, errno: $0) }) {
            fstat(handle.descriptor, &status)
        }
        return Int64(status.st_size)
    }

    public func close(_ handle: FileDescriptorHandle) throws(IOError) {
        // Not retried: Linux frees the descriptor even when close reports EINTR,
        // so a retry could close a descriptor another thread just opened.
        if Glibc.close(handle.descriptor) == -1 {
            let errno = Errno.current
            if errno != .interrupted { throw IOError(.close, path: handle.path, errno: errno) }
        }
    }

    public func rename(_ source: String, to destination: String) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.rename, path: source, destination: destination, errno: $0) }) {
            Glibc.rename(source, destination)
        }
    }

    public func unlink(_ path: String) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.unlink, path: path, errno: $0) }) {
            Glibc.unlink(path)
        }
    }

    /// Durability point for the directory's entries: creates, renames and
    /// unlinks in it are on stable storage once this returns.
    public func syncDirectory(_ path: String) throws(IOError) {
        let failure = { (errno: Errno) in IOError(.syncDirectory, path: path, errno: errno) }
        let descriptor = try retryingInterrupts(failure) {
            Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        defer { _ = Glibc.close(descriptor) }
        _ = try retryingInterrupts(failure) { Glibc.fsync(descriptor) }
    }

    public func listDirectory(_ path: String) throws(IOError) -> [String] {
        guard let directory = opendir(path) else {
            throw IOError(.listDirectory, path: path, errno: .current)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            // readdir returns nil both at the end and on error; errno tells which.
            Glibc.errno = 0
            guard let entry = readdir(directory) else {
                let errno = Errno.current
                if errno.rawValue != 0 { throw IOError(.listDirectory, path: path, errno: errno) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func makeDirectory(_ path: String) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.makeDirectory, path: path, errno: $0) }) {
            mkdir(path, directoryPermissions)
        }
    }

    public func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public func lockExclusive(_ handle: FileDescriptorHandle) throws(IOError) {
        _ = try retryingInterrupts({ IOError(.lock, path: handle.path, errno: $0) }) {
            flock(handle.descriptor, LOCK_EX | LOCK_NB)
        }
    }

    /// Runs a call that returns -1 and sets `errno` on failure, retrying while
    /// it fails with `EINTR` (a signal arrived before it did anything). The
    /// one place Cairn retries an interrupted call.
    private func retryingInterrupts<Result: FixedWidthInteger>(
        _ failure: (Errno) -> IOError, _ call: () -> Result
    ) throws(IOError) -> Result {
        while true {
            let result = call()
            if result != -1 { return result }
            let errno = Errno.current
            if errno != .interrupted { throw failure(errno) }
        }
    }
}
