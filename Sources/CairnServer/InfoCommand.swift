import Cairn
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension CommandIntrospection {
    /// One index over `CommandTable.all + ServerCommandTable.all` for COMMAND.
    static let shared = CommandIntrospection()
}

/// INFO [section ...]: an `InfoSnapshot` filled from the server's state at
/// the moment of the command (on the executor, so the engine and the
/// executor-confined counters are consistent), rendered by `InfoReport`.
extension ServerCommands {
    func info(_ argv: [Bytes]) -> Reply {
        InfoReport.reply(infoSnapshot(), arguments: Array(argv.dropFirst()))
    }

    func infoSnapshot() -> InfoSnapshot {
        var s = InfoSnapshot()
        let config = context.config
        let stats = context.stats
        let now = Date().timeIntervalSince1970
        // Server
        s.os = ProcessFacts.os
        s.processID = Int64(getpid())
        s.runID = ProcessFacts.runID
        s.tcpPort = context.boundPort.load(ordering: .relaxed)
        s.serverTimeMicroseconds = Int64(now * 1_000_000)
        s.uptimeSeconds = max(0, Int64(now) - context.startedAt)
        s.executable = ProcessFacts.executable
        // Clients
        s.connectedClients = context.registry.count
        s.blockedClients = context.blocking.count
        s.maxClients = config.maxClients
        // Memory: the process's resident set stands for used_memory.
        let rss = ProcessFacts.residentBytes()
        s.usedMemory = rss
        s.usedMemoryRSS = rss
        s.usedMemoryPeak = ProcessFacts.peak.withLock { peak in
            peak = max(peak, rss)
            return peak
        }
        s.usedMemoryStartup = ProcessFacts.startupBytes
        s.totalSystemMemory = Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE)))
        // Persistence: the write-ahead log is the AOF, a snapshot its base.
        let persistence = store.persistence
        let saves = context.saves
        s.changesSinceLastSave = Int64(store.changesSinceLastSave)
        s.lastSaveTime = persistence.lastSaveMilliseconds / 1000
        s.backgroundSaveInProgress = saves.running == .bgsave
        s.lastBackgroundSaveOK = saves.lastBackgroundSaveOK
        s.lastBackgroundSaveSeconds = saves.lastBackgroundSaveSeconds
        s.currentBackgroundSaveSeconds = saves.currentSeconds(of: .bgsave)
        s.saves = saves.saves
        // The keys the open read from the snapshot (expired ones included:
        // Cairn expires them afterwards, through the log, never at load).
        s.lastLoadKeysLoaded = Int64(store.recovery.snapshotKeys)
        s.aofRewriteInProgress = saves.running == .aofRewrite
        s.aofRewriteScheduled = saves.rewriteScheduled
        s.aofLastRewriteSeconds = saves.lastRewriteSeconds
        s.aofCurrentRewriteSeconds = saves.currentSeconds(of: .aofRewrite)
        s.aofLastRewriteOK = saves.lastRewriteOK
        s.aofRewrites = saves.rewrites
        s.aofRewriteConsecutiveFailures = saves.consecutiveRewriteFailures
        s.aofCurrentSize = store.persistedBytes
        s.aofBaseSize = persistence.baseBytes
        s.durableSequence = Int64(store.writer.durableThrough)
        s.lastSequence = Int64(store.writer.lastSequence)
        s.snapshotSequence = Int64(persistence.snapshotSequence)
        s.snapshotBytes = persistence.snapshotBytes
        s.logBytes = store.writer.logByteCount
        s.rewriteLongestStepMicroseconds = persistence.longestStepMicroseconds
        s.rewriteLongestStepCPUMicroseconds = persistence.longestStepCPUMicroseconds
        s.rewriteSteps = Int64(persistence.steps)
        s.rewriteStepsOverOneMillisecond = Int64(persistence.stepsOverOneMillisecond)
        s.rewriteKeysEncodedEarly = Int64(persistence.keysEncodedEarly)
        let writerFailed = if case .failed = store.writer.state { true } else { false }
        s.aofLastWriteOK = !stats.logFailed.load(ordering: .relaxed) && !writerFailed
        // Stats
        s.totalConnectionsReceived = stats.connectionsReceived.load(ordering: .relaxed)
        s.rejectedConnections = stats.rejectedConnections.load(ordering: .relaxed)
        s.totalCommandsProcessed = stats.commandsProcessed
        s.totalErrorReplies = stats.totalErrorReplies
        s.pubsubChannels = context.pubsub.registry.activeChannels().count
        s.pubsubPatterns = context.pubsub.registry.patternCount
        // CPU
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        s.systemCPUMicroseconds = Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec)
        s.userCPUMicroseconds = Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec)
        // Keyspace, commandstats, errorstats
        let engine = store.engine
        let counters = engine.statistics
        s.expiredKeys = Int64(counters.expiredKeys)
        s.keyspaceHits = Int64(counters.keyspaceHits)
        s.keyspaceMisses = Int64(counters.keyspaceMisses)
        s.keyspace = (0..<16).compactMap { index in
            let keys = engine.keyCount(database: index)
            guard keys > 0 else { return nil }
            return .init(index: index, keys: keys, expires: engine.expiringKeyCount(database: index))
        }
        s.commandStats = stats.commands.sorted { $0.name < $1.name }.map { counters in
            .init(name: counters.name, calls: counters.calls, microseconds: counters.microseconds,
                  rejectedCalls: counters.rejected, failedCalls: counters.failed)
        }
        s.errorStats = stats.errors
        return s
    }
}

/// Facts about the process INFO reports, read once.
enum ProcessFacts {
    static let runID: String = (0..<40).map { _ in String("0123456789abcdef".randomElement()!) }.joined()

    static let os: String = {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        return "\(field(name.sysname)) \(field(name.release)) \(field(name.machine))"
    }()

    static let executable = ProcessInfo.processInfo.arguments.first ?? ""
    static let startupBytes = residentBytes()
    static let peak = Mutex<Int64>(0)

    /// The resident set size from /proc/self/statm (pages), 0 where absent.
    static func residentBytes() -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
