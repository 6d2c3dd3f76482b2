import Cairn

/// When an injected fault fires, counted over the calls it applies to.
///
/// ```swift
/// fs.failSyncs(.next(1))                       // the next sync fails with EIO
/// fs.interruptCalls(.oneIn(7))                 // about one pwrite/pread in 7 gets EINTR
/// fs.shortenWrites(.always, paths: .suffix(".wal"))
/// ```
public enum FaultSchedule: Hashable, Sendable {
    case never
    /// The next `n` matching calls, then never again.
    case next(Int)
    /// Every matching call.
    case always
    /// Each matching call with probability 1/n, from the file system's seed.
    case oneIn(Int)
}

/// Which paths a fault applies to (the path a handle was opened by, or the
/// directory of a `syncDirectory`).
public enum PathMatch: Hashable, Sendable {
    case any
    case exact(String)
    /// Paths ending in this text, e.g. ".wal".
    case suffix(String)

    func matches(_ path: String) -> Bool {
        switch self {
        case .any: true
        case .exact(let exact): SimulatedPath(exact) == SimulatedPath(path)
        case .suffix(let suffix): path.hasSuffix(suffix)
        }
    }
}

/// One kind of injected fault: a schedule and the paths it covers.
struct FaultRule: Sendable {
    var schedule: FaultSchedule = .never
    var paths: PathMatch = .any

    /// Whether the fault fires for this call, consuming one of `.next(n)`.
    mutating func fires(for path: String, using random: inout RandomSource) -> Bool {
        guard paths.matches(path) else { return false }
        switch schedule {
        case .never:
            return false
        case .always:
            return true
        case .next(let remaining):
            guard remaining > 0 else { return false }
            schedule = remaining == 1 ? .never : .next(remaining - 1)
            return true
        case .oneIn(let n):
            return n <= 1 || random.below(n) == 0
        }
    }
}

/// Every fault the simulation can inject, all off until a test asks.
struct SimulatedFaults: Sendable {
    /// `fsync`, `fdatasync` and `syncDirectory` fail with `syncErrno`.
    var syncFailure = FaultRule()
    var syncErrno = Errno.ioError
    /// `pwrite` writes a seeded proper prefix (at least one byte).
    var shortWrite = FaultRule()
    /// `pwrite` and `pread` fail with `EINTR` before transferring anything.
    var interrupt = FaultRule()
}
