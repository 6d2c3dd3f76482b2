#if canImport(Glibc)
import Glibc
#endif
import Cairn

/// A fresh data directory path under /tmp (the directory itself is created
/// by the engine), removed with its files when the test lets go of it.
public final class TemporaryDataDirectory {
    public let parent: String
    public let path: String
    public let io = PosixFileIO()

    public init() {
        var template = Array("/tmp/cairn-wal-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed: \(errno)")
        parent = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        path = parent + "/data"
    }

    deinit {
        for name in (try? io.listDirectory(path)) ?? [] { _ = unlink(path + "/" + name) }
        _ = rmdir(path)
        _ = rmdir(parent)
    }
}
