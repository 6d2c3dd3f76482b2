import Cairn
import Dispatch
import Synchronization

/// A `FileIO` over another whose `fdatasync` can be held shut: replies that
/// wait for the log stay pending while a test does something else.
final class HeldSyncFileIO: FileIO {
    let base: any FileIO
    private let held = Mutex(false)
    private let gate = DispatchSemaphore(value: 0)
    private let syncs = Mutex(0)

    /// `fdatasync` calls so far.
    var syncCount: Int { syncs.withLock { $0 } }

    init(_ base: any FileIO) { self.base = base }

    /// Until `release()`, every `fdatasync` blocks (at most 10 s, so a broken test cannot hang).
    func hold() { held.withLock { $0 = true } }

    func release() {
        held.withLock { $0 = false }
        gate.signal()
    }

    func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) {
        syncs.withLock { $0 += 1 }
        if held.withLock({ $0 }) {
            if gate.wait(timeout: .now() + .seconds(10)) == .success { gate.signal() }
        }
        try base.fdatasync(handle)
    }

    func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle {
        try base.open(path, access, options: options)
    }
    func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try base.pwrite(handle, bytes, at: offset)
    }
    func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try base.pread(handle, into: buffer, at: offset)
    }
    func fsync(_ handle: FileDescriptorHandle) throws(IOError) { try base.fsync(handle) }
    func fallocate(_ handle: FileDescriptorHandle, offset: Int64, length: Int64) throws(IOError) {
        try base.fallocate(handle, offset: offset, length: length)
    }
    func truncate(_ handle: FileDescriptorHandle, to length: Int64) throws(IOError) { try base.truncate(handle, to: length) }
    func size(_ handle: FileDescriptorHandle) throws(IOError) -> Int64 { try base.size(handle) }
    func close(_ handle: FileDescriptorHandle) throws(IOError) { try base.close(handle) }
    func rename(_ source: String, to destination: String) throws(IOError) { try base.rename(source, to: destination) }
    func unlink(_ path: String) throws(IOError) { try base.unlink(path) }
    func syncDirectory(_ path: String) throws(IOError) { try base.syncDirectory(path) }
    func listDirectory(_ path: String) throws(IOError) -> [String] { try base.listDirectory(path) }
    func makeDirectory(_ path: String) throws(IOError) { try base.makeDirectory(path) }
    func fileExists(_ path: String) -> Bool { base.fileExists(path) }
    func lockExclusive(_ handle: FileDescriptorHandle) throws(IOError) { try base.lockExclusive(handle) }
}
