import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The engine's only source of wall-clock time: expiry decisions, relative
/// TTLs turned absolute, `TIME`. Tests drive a `ManualClock` so none sleeps.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
    public init() {}

    public func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

/// A clock that moves only when told to.
public final class ManualClock: WallClock {
    private let current: Mutex<Int64>

    public init(milliseconds: Int64 = 1_700_000_000_000) { current = Mutex(milliseconds) }

    public func nowMilliseconds() -> Int64 { current.withLock { $0 } }

    public func advance(milliseconds: Int64) { current.withLock { $0 += milliseconds } }

    public func set(milliseconds: Int64) { current.withLock { $0 = milliseconds } }
}

/// CPU time the calling thread has run (`CLOCK_THREAD_CPUTIME_ID`): to tell
/// work from waiting in a measured stall.
enum ThreadCPUClock {
    static func nowMicroseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
