import Cairn
#if canImport(Glibc)
import Glibc
#endif

/// The clients in MONITOR mode (Redis's `server.monitors`), and the line each
/// command they see becomes. Executor-confined, hence `@unchecked Sendable`.
final class MonitorFeed: @unchecked Sendable {
    private var monitors: [UInt64] = []

    func contains(_ id: UInt64) -> Bool { monitors.contains(id) }

    func add(_ id: UInt64) {
        if !monitors.contains(id) { monitors.append(id) }
    }

    func remove(_ id: UInt64) {
        monitors.removeAll { $0 == id }
    }

    /// replicationFeedMonitors: every monitor gets the command as Redis
    /// prints it, after the batches it had run when the command ran.
    /// Administrative commands (and EXEC's own line comes after its queued
    /// commands') are not shown (call()'s `CMD_SKIP_MONITOR|CMD_ADMIN` check).
    func feed(_ argv: [Bytes], spec: CommandSpec, from client: ClientState, registry: ClientRegistry) {
        guard !monitors.isEmpty, !spec.flags.contains(.admin), !spec.flags.contains(.skipMonitor) else { return }
        let line = Array(MonitorFeed.line(argv, database: client.session.database, peer: client.remoteAddress).utf8)
        for id in monitors {
            guard let monitor = registry.client(id) else { continue }
            // After the command's reply when a monitor runs it itself.
            monitor.deliverPush?(line, monitor === client ? client.runningBatch : monitor.lastExecutedBatch)
        }
    }

    /// `+<seconds>.<microseconds> [<db> <ip:port>] "arg" "arg"...\r\n`,
    /// each argument quoted as sdscatrepr does.
    static func line(_ argv: [Bytes], database: Int, peer: String) -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        let micros = String(now.tv_usec)
        var line = "+\(now.tv_sec).\(String(repeating: "0", count: max(0, 6 - micros.count)))\(micros) [\(database) \(peer)] "
        line += argv.map { sdsRepr($0) }.joined(separator: " ")
        return line + "\r\n"
    }

}
