/// A `FileIO` that passes every call on to `base`: a conformer implements
/// only the calls it changes (counts, delays, holds) and inherits the rest.
///
/// ```swift
/// final class CountingSyncs: ForwardingFileIO {
///     let base: any FileIO
///     func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) { count += 1; try base.fdatasync(handle) }
/// }
/// ```
public protocol ForwardingFileIO: FileIO {
    var base: any FileIO { get }
}

extension ForwardingFileIO {
    public func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle {
        try base.open(path, access, options: options)
    }
    public func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try base.pwrite(handle, bytes, at: offset)
    }
    public func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try base.pread(handle, into: buffer, at: offset)
    }
    public func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) { try base.fdatasync(handle) }
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
