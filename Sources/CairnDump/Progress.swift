import Cairn
import Foundation
import Synchronization

/// A `FileIO` that counts the bytes read through it (the progress bar's
/// measure of a run); every call goes to `base`.
public final class CountingFileIO: ForwardingFileIO {
    public let base: any FileIO
    public let bytesRead = Atomic<Int64>(0)

    public init(_ base: any FileIO = PosixFileIO()) { self.base = base }

    public func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer,
                      at offset: Int64) throws(IOError) -> Int {
        let count = try base.pread(handle, into: buffer, at: offset)
        bytesRead.add(Int64(count), ordering: .relaxed)
        return count
    }
}

/// The progress bar on standard error while a run reads its files, drawn
/// only when standard error is a terminal and the run has lasted half a
/// second: `verify [########------------]  40%  12.0 of 30.0 MB`. Progress
/// is the bytes read through a `CountingFileIO` against what the run
/// expects to read (`passes` times the files' size: export reads the log
/// once to verify it, once to load it).
public final class ProgressBar: Sendable {
    private let label: String
    private let expected: Int64
    private let counter: CountingFileIO
    private let done = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// nil when standard error is not a terminal (`terminal`, for tests).
    public init?(label: String, path: String, passes: Int, counter: CountingFileIO,
                 terminal: Bool = isatty(STDERR_FILENO) == 1) {
        guard terminal else { return nil }
        self.label = label
        self.expected = max(1, Self.bytes(under: path) * Int64(passes))
        self.counter = counter
        Thread.detachNewThread { [self] in draw() }
    }

    /// Stops drawing and clears the line.
    public func finish() {
        done.store(true, ordering: .relaxed)
        finished.wait()
    }

    /// One line of the bar for `read` bytes of `expected`.
    public static func line(label: String, read: Int64, expected: Int64, width: Int = 24) -> String {
        let fraction = min(1, Double(read) / Double(max(1, expected)))
        let filled = Int(fraction * Double(width))
        let megabytes = { (bytes: Int64) in String(format: "%.1f", Double(bytes) / 1_000_000) }
        return "\(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + String(format: "%3d%%", Int(fraction * 100)) + "  \(megabytes(min(read, expected))) of \(megabytes(expected)) MB"
    }

    private func draw() {
        let error = DescriptorOutput(descriptor: STDERR_FILENO)
        let start = ContinuousClock.now
        var drawn = false
        while !done.load(ordering: .relaxed) {
            usleep(100_000)
            guard ContinuousClock.now - start > .milliseconds(500), !done.load(ordering: .relaxed) else { continue }
            error.write("\r\u{1B}[K" + Self.line(label: label, read: counter.bytesRead.load(ordering: .relaxed), expected: expected))
            error.flush()
            drawn = true
        }
        if drawn {
            error.write("\r\u{1B}[K")
            error.flush()
        }
        finished.signal()
    }

    /// The bytes of the file `path`, or of the files directly in the directory `path`.
    public static func bytes(under path: String) -> Int64 {
        let manager = FileManager.default
        func size(_ file: String) -> Int64 {
            ((try? manager.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        guard let names = try? manager.contentsOfDirectory(atPath: path) else { return size(path) }
        return names.reduce(0) { $0 + size(path + "/" + $1) }
    }
}
