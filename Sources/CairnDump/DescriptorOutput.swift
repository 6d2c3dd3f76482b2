import Foundation

/// Text written to a file descriptor (standard output, standard error, or a
/// file an `-o` option names) through a buffer: a listing of a million
/// records is a few thousand writes, not a million.
public final class DescriptorOutput: TextOutputStream {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    /// The errno of the first write that failed (nil: none did); a file
    /// an `-o` option names must not end short without a word.
    public private(set) var failure: Int32?
    private static let flushBytes = 1 << 16

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public func write(_ string: String) {
        write(bytes: string.utf8)
    }

    /// Bytes as they are (RESP output is binary).
    public func write(bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushBytes { flush() }
    }

    /// Writes out what is buffered (a write that fails drops it: the reader
    /// went away, as when piped into `head`).
    public func flush() {
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { bytes in
                Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            if result <= 0 {
                if failure == nil { failure = result < 0 ? errno : ENOSPC }
                break
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Opens (creates or truncates) the file an `-o` option names.
    public static func file(_ path: String) throws(DumpFailure) -> DescriptorOutput {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw DumpFailure("\(path): \(String(cString: strerror(errno)))") }
        return DescriptorOutput(descriptor: descriptor)
    }

    /// Flushes, syncs and closes a file `file(_:)` opened; throws if any
    /// write, the sync or the close failed.
    public func close(path: String) throws(DumpFailure) {
        flush()
        if failure == nil && fsync(descriptor) != 0 { failure = errno }
        if Foundation.close(descriptor) != 0 && failure == nil { failure = errno }
        if let failure { throw DumpFailure("\(path): writing failed: \(String(cString: strerror(failure)))") }
    }

    deinit { flush() }
}
