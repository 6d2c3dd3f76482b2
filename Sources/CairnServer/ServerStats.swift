import Cairn
import Synchronization

/// The counters INFO's stats, commandstats and errorstats sections report,
/// counted as Redis's call() and afterErrorReply count them.
///
/// Confinement: the connection counters are atomics (event loops accept
/// connections); everything else is read and written only on the engine
/// executor, hence `@unchecked Sendable`.
final class ServerStats: @unchecked Sendable {
    let connectionsReceived = Atomic<Int64>(0)
    let rejectedConnections = Atomic<Int64>(0)
    /// Set once a log write or sync failed: INFO's `aof_last_write_status:err`.
    let logFailed = Atomic<Bool>(false)

    /// One command's counters: a class, found by its spec's identity and
    /// changed in place (no hashing of names on every call).
    final class Counters {
        let name: String
        var calls: Int64 = 0
        var microseconds: Int64 = 0
        var rejected: Int64 = 0
        var failed: Int64 = 0
        init(name: String) { self.name = name }
    }

    // MARK: Executor-confined

    /// `total_commands_processed`: commands that ran (call()), not rejected ones.
    var commandsProcessed: Int64 = 0
    /// By spec ordinal (`CommandSpec.ordinal`); the counters carry the
    /// spec's full name (`config|get`).
    private var counters: [Counters?] = []
    /// Every command counted since the start or the last reset.
    var commands: [Counters] { counters.compactMap { $0 } }
    /// By error code (`ERR`, `WRONGTYPE`).
    var errors: [String: Int64] = [:]
    var totalErrorReplies: Int64 = 0

    /// A command that ran for `duration` and replied `replies`.
    func recordCall(_ spec: CommandSpec, duration: Duration, replies: [Reply]) {
        commandsProcessed += 1
        let (seconds, attoseconds) = duration.components
        let counters = self.counters(of: spec)
        counters.calls += 1
        counters.microseconds += seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        if countErrors(replies) > 0 { counters.failed += 1 }
    }

    /// A command refused before it ran (unknown commands have no spec).
    func recordRejection(_ spec: CommandSpec?, _ line: String) {
        if let spec { counters(of: spec).rejected += 1 }
        countError(line)
    }

    private func counters(of spec: CommandSpec) -> Counters {
        if spec.ordinal < counters.count, let existing = counters[spec.ordinal] { return existing }
        if spec.ordinal >= counters.count { counters += Array(repeating: nil, count: spec.ordinal + 1 - counters.count) }
        let made = Counters(name: spec.name)
        counters[spec.ordinal] = made
        return made
    }

    /// Counts the error replies (EXEC's elements are counted as their own
    /// commands' replies); returns how many.
    @discardableResult
    func countErrors(_ replies: [Reply]) -> Int {
        var count = 0
        for case .error(let line) in replies {
            countError(line)
            count += 1
        }
        return count
    }

    /// afterErrorReply: the code is the text before the first space within
    /// 32 bytes, `ERR` when there is none.
    private func countError(_ line: String) {
        totalErrorReplies += 1
        let head = line.utf8.prefix(32)
        let code = head.firstIndex(of: UInt8(ascii: " ")).map { String(line[..<$0]) } ?? "ERR"
        errors[code, default: 0] += 1
    }

    /// CONFIG RESETSTAT (resetServerStats and resetCommandTableStats).
    func reset() {
        connectionsReceived.store(0, ordering: .relaxed)
        rejectedConnections.store(0, ordering: .relaxed)
        commandsProcessed = 0
        counters = []
        errors = [:]
        totalErrorReplies = 0
    }
}

/// The pub/sub registry, keyed by client id. Executor-confined (SUBSCRIBE,
/// PUBLISH and disconnects all run there), hence `@unchecked Sendable`.
final class PubSubHub: @unchecked Sendable {
    var registry = PubSubRegistry<UInt64>()
}
