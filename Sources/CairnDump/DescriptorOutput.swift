import Foundation

/// Text written to a file descriptor (standard output, standard error, or a
/// file an `-o` option names) through a buffer: a listing of a million
/// records is a few thousand writes, not a million.
public final class DescriptorOutput: TextOutputStream {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushBytes = 1 << 16

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
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
            if result <= 0 { break }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
