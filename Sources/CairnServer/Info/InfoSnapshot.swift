/// What `INFO` reports, gathered by the server at the moment of the
/// command: plain numbers, so `InfoReport` renders it without touching the
/// engine or the event loops. Names follow the INFO field each one fills
/// (server.c genRedisInfoString, Redis 7.0.15); fields Cairn has no
/// counterpart for (forks, replication links, Lua, defragmentation) are not
/// here and INFO shows Redis's idle values for them.
public struct InfoSnapshot: Sendable {
    /// One `dbN:keys=..,expires=..,avg_ttl=..` line; databases without keys are left out.
    public struct Database: Sendable, Equatable {
        public var index: Int
        public var keys: Int
        public var expires: Int
        public var averageTTL: Int64
        public init(index: Int, keys: Int, expires: Int, averageTTL: Int64 = 0) {
            self.index = index
            self.keys = keys
            self.expires = expires
            self.averageTTL = averageTTL
        }
    }

    /// One `cmdstat_<name>` line (subcommands as `config|get`).
    public struct CommandStats: Sendable, Equatable {
        public var name: String
        public var calls: Int64
        public var microseconds: Int64
        public var rejectedCalls: Int64
        public var failedCalls: Int64
        public init(name: String, calls: Int64, microseconds: Int64, rejectedCalls: Int64 = 0, failedCalls: Int64 = 0) {
            self.name = name
            self.calls = calls
            self.microseconds = microseconds
            self.rejectedCalls = rejectedCalls
            self.failedCalls = failedCalls
        }
    }

    // Server
    /// `uname -s -r -m`, e.g. `Linux 6.1.0 x86_64`.
    public var os = ""
    public var archBits = 64
    public var multiplexingAPI = "epoll"
    public var processID: Int64 = 0
    /// 40 hex characters, random per start.
    public var runID = String(repeating: "0", count: 40)
    public var tcpPort = 6379
    /// Wall clock in microseconds since the epoch.
    public var serverTimeMicroseconds: Int64 = 0
    public var uptimeSeconds: Int64 = 0
    public var hz = 10
    public var configuredHz = 10
    public var executable = ""
    public var configFile = ""
    /// Set while a SHUTDOWN waits: `shutdown_in_milliseconds`.
    public var shutdownInMilliseconds: Int64?

    // Clients
    public var connectedClients = 0
    public var maxClients = 10000
    public var clientRecentMaxInputBuffer = 0
    public var clientRecentMaxOutputBuffer = 0
    public var blockedClients = 0
    public var trackingClients = 0
    public var clientsInTimeoutTable = 0

    // Memory (Cairn measures the process: RSS-based numbers are fine here)
    public var usedMemory: Int64 = 0
    public var usedMemoryRSS: Int64 = 0
    public var usedMemoryPeak: Int64 = 0
    /// Memory in use right after start, before any data.
    public var usedMemoryStartup: Int64 = 0
    public var totalSystemMemory: Int64 = 0
    public var maxMemory: Int64 = 0
    public var maxMemoryPolicy = "noeviction"
    public var memoryAllocator = "libc"

    // Persistence
    public var loading = false
    /// Writes since the last snapshot (`server.dirty`).
    public var changesSinceLastSave: Int64 = 0
    public var backgroundSaveInProgress = false
    /// Unix time of the last successful save (the start time before any).
    public var lastSaveTime: Int64 = 0
    public var lastBackgroundSaveOK = true
    public var lastBackgroundSaveSeconds: Int64 = -1
    /// `rdb_last_load_keys_loaded`: keys the open read from the snapshot.
    public var lastLoadKeysLoaded: Int64 = 0
    public var currentBackgroundSaveSeconds: Int64 = -1
    public var saves: Int64 = 0
    /// Cairn's write-ahead log plays the AOF's part: `aof_enabled:1`.
    public var aofEnabled = true
    public var aofRewriteInProgress = false
    public var aofRewriteScheduled = false
    public var aofLastRewriteSeconds: Int64 = -1
    public var aofCurrentRewriteSeconds: Int64 = -1
    public var aofLastRewriteOK = true
    public var aofRewrites: Int64 = 0
    public var aofRewriteConsecutiveFailures: Int64 = 0
    /// False once a log write or fsync failed (Redis then refuses writes: MISCONF-like).
    public var aofLastWriteOK = true
    public var aofCurrentSize: Int64 = 0
    public var aofBaseSize: Int64 = 0
    public var aofBufferLength: Int64 = 0
    public var aofPendingFsync: Int64 = 0
    public var aofDelayedFsync: Int64 = 0
    /// Cairn's own: the log's durable and last record, the snapshot's
    /// record and size, the log's bytes, and the last rewrite's slices on
    /// the event loop (longest in wall and in CPU time, count, count over
    /// 1 ms) and keys it encoded ahead of its walk.
    public var durableSequence: Int64 = 0
    public var lastSequence: Int64 = 0
    public var snapshotSequence: Int64 = 0
    public var snapshotBytes: Int64 = 0
    public var logBytes: Int64 = 0
    public var rewriteLongestStepMicroseconds: Int64 = 0
    public var rewriteLongestStepCPUMicroseconds: Int64 = 0
    public var rewriteSteps: Int64 = 0
    public var rewriteStepsOverOneMillisecond: Int64 = 0
    public var rewriteKeysEncodedEarly: Int64 = 0

    // Stats
    public var totalConnectionsReceived: Int64 = 0
    public var totalCommandsProcessed: Int64 = 0
    public var instantaneousOpsPerSecond: Int64 = 0
    public var totalNetInputBytes: Int64 = 0
    public var totalNetOutputBytes: Int64 = 0
    public var instantaneousInputKbps: Double = 0
    public var instantaneousOutputKbps: Double = 0
    public var rejectedConnections: Int64 = 0
    public var expiredKeys: Int64 = 0
    public var expiredStalePercent: Double = 0
    public var expiredTimeCapReachedCount: Int64 = 0
    public var expireCycleCPUMilliseconds: Int64 = 0
    public var evictedKeys: Int64 = 0
    public var evictedClients: Int64 = 0
    public var keyspaceHits: Int64 = 0
    public var keyspaceMisses: Int64 = 0
    public var pubsubChannels = 0
    public var pubsubPatterns = 0
    public var unexpectedErrorReplies: Int64 = 0
    public var totalErrorReplies: Int64 = 0
    public var totalReadsProcessed: Int64 = 0
    public var totalWritesProcessed: Int64 = 0

    // Replication (always a master)
    public var masterReplicationID = String(repeating: "0", count: 40)
    public var masterReplicationOffset: Int64 = 0
    public var replicationBacklogSize: Int64 = 1_048_576

    // CPU, in microseconds
    public var systemCPUMicroseconds: Int64 = 0
    public var userCPUMicroseconds: Int64 = 0
    public var childrenSystemCPUMicroseconds: Int64 = 0
    public var childrenUserCPUMicroseconds: Int64 = 0
    /// The main thread's share (Linux RUSAGE_THREAD); nil leaves the two lines out.
    public var mainThreadSystemCPUMicroseconds: Int64?
    public var mainThreadUserCPUMicroseconds: Int64?

    public var keyspace: [Database] = []
    /// In the order the lines should appear; entries without calls or failures are skipped.
    public var commandStats: [CommandStats] = []
    /// Error code (`ERR`, `WRONGTYPE`) to count; listed in byte order as Redis's radix tree.
    public var errorStats: [String: Int64] = [:]

    public init() {}
}
