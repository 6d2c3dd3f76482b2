import Dispatch
import Foundation
import Synchronization
import Cairn

/// A `FileIO` whose `fdatasync` takes time (as a real disk's does) and can be
/// held shut, and which counts the syncs: for group-commit tests, where an
/// instant simulated sync would leave nothing to batch, and for server tests
/// that keep replies waiting for the log (`delay: .zero`, `hold()`).
public final class SlowSyncFileIO: FileIO {
    public let base: any FileIO
    public let delay: Duration
    private let syncs = Mutex(0)
    private let held = Mutex(false)
    private let gate = DispatchSemaphore(value: 0)

    public init(_ base: any FileIO, delay: Duration = .milliseconds(2)) {
        self.base = base
        self.delay = delay
    }

    /// Successful `fdatasync` calls so far.
    public var syncCount: Int { syncs.withLock { $0 } }

    /// Until `open()`, every `fdatasync` blocks (for at most 10 s, so a
    /// broken test cannot hang).
    public func hold() { held.withLock { $0 = true } }

    public func release() {
        held.withLock { $0 = false }
        gate.signal()
    }

    public func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) {
        if held.withLock({ $0 }) {
            if gate.wait(timeout: .now() + .seconds(10)) == .success { gate.signal() }
        }
        Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
        try base.fdatasync(handle)
        syncs.withLock { $0 += 1 }
    }

    public func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle {
        try base.open(path, access, options: options)
    }
    public func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try base.pwrite(handle, bytes, at: offset)
    }
    public func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try base.pread(handle, into: buffer, at: offset)
    }
    public func fsync(_ handle: FileDescriptorHandle) throws(IOError) { try base.fsync(handle) }
    public func fallocate(_ handle: FileDescriptorHandle, offset: Int64, length: Int64) throws(IOError) {
        try base.fallocate(handle, offset: offset, length: length)
    }
    public func truncate(_ handle: FileDescriptorHandle, to length: Int64) throws(IOError) { try base.truncate(handle, to: length) }
    public func size(_ handle: FileDescriptorHandle) throws(IOError) -> Int64 { try base.size(handle) }
    public func close(_ handle: FileDescriptorHandle) throws(IOError) { try base.close(handle) }
    public func rename(_ source: String, to destination: String) throws(IOError) { try base.rename(source, to: destination) }
    public func unlink(_ path: String) throws(IOError) { try base.unlink(path) }
    public func syncDirectory(_ path: String) throws(IOError) { try base.syncDirectory(path) }
    public func listDirectory(_ path: String) throws(IOError) -> [String] { try base.listDirectory(path) }
    public func makeDirectory(_ path: String) throws(IOError) { try base.makeDirectory(path) }
    public func fileExists(_ path: String) -> Bool { base.fileExists(path) }
    public func lockExclusive(_ handle: FileDescriptorHandle) throws(IOError) { try base.lockExclusive(handle) }
}
