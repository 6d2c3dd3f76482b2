import Cairn

/// An open file description: which inode, opened for what.
struct OpenFile: Sendable {
    let inode: Int
    let access: FileAccess
}

/// The whole simulated machine: directories, inodes, open descriptors, faults.
/// A value: copying it is a cheap snapshot (every array is copy-on-write).
/// `SimulatedFileSystem` guards one with a mutex; the operations here are the
/// file-system calls, failing as Linux does.
struct SimulatedState: Sendable {
    /// Larger offsets fail with `EFBIG`, so a stray offset cannot allocate the machine away.
    static let maximumFileSizeBytes = 1 << 32

    var random: RandomSource
    var capacityBytes: Int64?
    var directories: [SimulatedPath: SimulatedDirectory] = [SimulatedPath("/"): SimulatedDirectory()]
    var files: [Int: SimulatedFile] = [:]
    var open: [CInt: OpenFile] = [:]
    var nextDescriptor: CInt = 3
    var nextInode = 1
    var faults = SimulatedFaults()
    var statistics = SimulatedFileSystemStatistics()

    init(seed: UInt64, capacityBytes: Int64?) {
        random = RandomSource(seed: seed)
        self.capacityBytes = capacityBytes
    }

    // MARK: Files

    mutating func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle {
        let failure = { (errno: Errno) in IOError(.open, path: path, errno: errno) }
        guard access == .readWrite || !options.contains(.truncate) else { throw failure(.invalidArgument) }
        let location = SimulatedPath(path)
        let inode: Int
        let existing = try entry(at: location, failure)
        if existing != nil, options.contains(.exclusiveCreate) { throw failure(.fileExists) }
        switch existing {
        case .directory?:
            throw failure(.isDirectory)
        case .file(let existing)?:
            inode = existing
            if options.contains(.truncate), files[inode]!.size > 0 { files[inode]!.resize(to: 0) }
        case nil:
            guard !options.isDisjoint(with: [.create, .exclusiveCreate]) else { throw failure(.noSuchFile) }
            inode = nextInode
            nextInode += 1
            files[inode] = SimulatedFile()
            // The new name is volatile: the file's own syncs do not make it durable.
            directories[location.parent]!.record(.link(name: location.name, entry: .file(inode: inode)))
        }
        let descriptor = nextDescriptor
        nextDescriptor += 1
        open[descriptor] = OpenFile(inode: inode, access: access)
        return FileDescriptorHandle(descriptor: descriptor, path: location.text, access: access)
    }

    mutating func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        let failure = { (errno: Errno) in
            IOError(.pwrite, path: handle.path, offset: offset, length: Int64(bytes.count), errno: errno)
        }
        let inode = try writableInode(handle, failure)
        guard offset >= 0 else { throw failure(.invalidArgument) }
        guard offset + Int64(bytes.count) <= Self.maximumFileSizeBytes else { throw failure(.fileTooLarge) }
        if bytes.isEmpty { return 0 }
        if faults.interrupt.fires(for: handle.path, using: &random) { throw failure(.interrupted) }
        let start = Int(offset)
        var count = bytes.count
        if let free = freeBytes {
            // A write that does not fit writes what fits, as the kernel does;
            // the next one gets ENOSPC.
            let size = files[inode]!.size
            let growth = start + count - size
            if growth > free {
                count = size + Int(free) - start
                if count <= 0 { throw failure(.noSpace) }
            }
        }
        if count > 1, faults.shortWrite.fires(for: handle.path, using: &random) {
            count = 1 + random.below(count - 1)
        }
        files[inode]!.write(UnsafeRawBufferPointer(rebasing: bytes[..<count]), at: start)
        statistics.writes += 1
        statistics.bytesWritten += count
        return count
    }

    mutating func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        let failure = { (errno: Errno) in
            IOError(.pread, path: handle.path, offset: offset, length: Int64(buffer.count), errno: errno)
        }
        let inode = try openInode(handle, failure)
        guard offset >= 0 else { throw failure(.invalidArgument) }
        if buffer.isEmpty { return 0 }
        if faults.interrupt.fires(for: handle.path, using: &random) { throw failure(.interrupted) }
        // Reads see the page cache: every write, synced or not.
        let cache = files[inode]!.cache
        guard offset < cache.count else { return 0 }
        let count = min(buffer.count, cache.count - Int(offset))
        cache.copy(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]), from: Int(offset))
        return count
    }

    /// `fsync` and `fdatasync` alike: the model keeps no metadata but the size,
    /// which `fdatasync` also makes durable when it changed.
    mutating func sync(_ handle: FileDescriptorHandle, _ operation: IOError.Operation) throws(IOError) {
        let failure = { (errno: Errno) in IOError(operation, path: handle.path, errno: errno) }
        let inode = try openInode(handle, failure)
        if faults.syncFailure.fires(for: handle.path, using: &random) {
            files[inode]!.failSync()
            statistics.failedSyncs += 1
            throw failure(faults.syncErrno)
        }
        files[inode]!.sync()
        statistics.fileSyncs += 1
    }

    mutating func fallocate(_ handle: FileDescriptorHandle, offset: Int64, length: Int64) throws(IOError) {
        let failure = { (errno: Errno) in
            IOError(.fallocate, path: handle.path, offset: offset, length: length, errno: errno)
        }
        let inode = try writableInode(handle, failure)
        guard offset >= 0, length > 0 else { throw failure(.invalidArgument) }
        guard offset + length <= Self.maximumFileSizeBytes else { throw failure(.fileTooLarge) }
        let growth = Int(offset + length) - files[inode]!.size
        guard growth > 0 else { return }  // the model counts sizes, not blocks: nothing to reserve
        if let free = freeBytes, growth > free { throw failure(.noSpace) }  // all or nothing, as posix_fallocate
        files[inode]!.resize(to: Int(offset + length))
    }

    /// Growing with `ftruncate` makes a sparse tail: it needs no space, so it
    /// never fails with `ENOSPC` (the bytes count once written or allocated).
    mutating func truncate(_ handle: FileDescriptorHandle, to length: Int64) throws(IOError) {
        let failure = { (errno: Errno) in IOError(.ftruncate, path: handle.path, length: length, errno: errno) }
        let inode = try writableInode(handle, failure)
        guard length >= 0 else { throw failure(.invalidArgument) }
        guard length <= Self.maximumFileSizeBytes else { throw failure(.fileTooLarge) }
        if Int(length) != files[inode]!.size { files[inode]!.resize(to: Int(length)) }
    }

    func size(_ handle: FileDescriptorHandle) throws(IOError) -> Int64 {
        let inode = try openInode(handle) { IOError(.fstat, path: handle.path, errno: $0) }
        return Int64(files[inode]!.size)
    }

    mutating func close(_ handle: FileDescriptorHandle) throws(IOError) {
        let inode = try openInode(handle) { IOError(.close, path: handle.path, errno: $0) }
        open[handle.descriptor] = nil
        if files[inode]!.lockHolder == handle.descriptor { files[inode]!.lockHolder = nil }
        collectGarbage()
    }

    mutating func lockExclusive(_ handle: FileDescriptorHandle) throws(IOError) {
        let failure = { (errno: Errno) in IOError(.lock, path: handle.path, errno: errno) }
        let inode = try openInode(handle, failure)
        // flock locks belong to the open file description: the same handle
        // locking again is a no-op, any other open conflicts.
        switch files[inode]!.lockHolder {
        case nil: files[inode]!.lockHolder = handle.descriptor
        case handle.descriptor?: break
        default: throw failure(.wouldBlock)
        }
    }

    private func openInode(_ handle: FileDescriptorHandle, _ failure: (Errno) -> IOError) throws(IOError) -> Int {
        // Descriptors are never reused, so a handle from before a close or a
        // power cut fails here instead of reaching another file.
        guard let file = open[handle.descriptor] else { throw failure(.badFileDescriptor) }
        return file.inode
    }

    private func writableInode(_ handle: FileDescriptorHandle, _ failure: (Errno) -> IOError) throws(IOError) -> Int {
        guard let file = open[handle.descriptor] else { throw failure(.badFileDescriptor) }
        guard file.access == .readWrite else { throw failure(.badFileDescriptor) }
        return file.inode
    }

    // MARK: Space

    /// The bytes the running system counts as used: every file with a name
    /// now or an open handle (an unlinked file's space returns on its last close).
    var usedBytes: Int64 {
        var live = Set(open.values.map(\.inode))
        for directory in directories.values {
            for entry in directory.current.values { if case .file(let inode) = entry { live.insert(inode) } }
        }
        return live.reduce(0) { $0 + Int64(files[$1]?.size ?? 0) }
    }

    /// Free bytes under the capacity, or `nil` without one.
    private var freeBytes: Int64? {
        capacityBytes.map { max(0, $0 - usedBytes) }
    }

    /// Forgets inodes nothing can reach any more: no name now, on disk or in
    /// an undecided change (a power cut could bring those back), and no handle.
    mutating func collectGarbage() {
        var reachable = Set(open.values.map(\.inode))
        for directory in directories.values { reachable.formUnion(directory.referencedInodes) }
        for inode in files.keys where !reachable.contains(inode) { files[inode] = nil }
    }
}
