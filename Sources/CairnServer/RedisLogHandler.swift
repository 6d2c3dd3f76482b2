import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// swift-log output in redis-server's line format
/// (`pid:M 23 Nov 2026 21:42:12.123 * Ready to accept connections`), to
/// standard output or appended to `logfile`, so tools and people that read
/// Redis logs read these.
public struct RedisLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    /// Shared by every copy of the handler (each Logger made from it), so
    /// CONFIG SET loglevel changes what the whole server writes at once.
    public var logLevel: Logger.Level {
        get { level.current }
        nonmutating set { level.current = newValue }
    }
    private let level: SharedLevel
    /// A descriptor, not a FILE*, so the handler is Sendable; each line is one `write`.
    private let descriptor: Int32

    /// `path` empty: standard output. A file that cannot be opened falls
    /// back to standard output.
    public init(level: Logger.Level, path: String = "") {
        self.level = SharedLevel(level)
        let opened = path.isEmpty ? -1 : open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        descriptor = opened >= 0 ? opened : STDOUT_FILENO
    }

    /// Redis's loglevel names onto swift-log's levels.
    public static func level(_ name: ServerConfiguration.LogLevel) -> Logger.Level {
        switch name {
        case .debug: .debug
        case .verbose: .info
        case .notice: .notice
        case .warning: .warning
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Redis's marks: . debug, - verbose, * notice, # warning.
        let mark = switch event.level {
        case .trace, .debug: "."
        case .info: "-"
        case .notice: "*"
        default: "#"
        }
        var now = timeval()
        gettimeofday(&now, nil)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        var stamp = [CChar](repeating: 0, count: 64)
        let length = strftime(&stamp, stamp.count, "%d %b %Y %H:%M:%S", &parts)
        let date = String(decoding: stamp[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let millis = String(Int(now.tv_usec) / 1000)
        let line = "\(getpid()):M \(date).\(String(repeating: "0", count: 3 - millis.count))\(millis) \(mark) \(event.message)\n"
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}

/// The level a RedisLogHandler and its copies share.
private final class SharedLevel: Sendable {
    private let level: Mutex<Logger.Level>
    init(_ level: Logger.Level) { self.level = Mutex(level) }
    var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}
