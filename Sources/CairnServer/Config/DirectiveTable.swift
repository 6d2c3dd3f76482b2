/// Every directive Redis 7.0.15 knows (`static_configs` in config.c), so a
/// user's existing redis.conf loads: Cairn implements a few of them, accepts
/// and stores the rest (CONFIG GET shows them), and reports those as ignored.
///
/// Defaults are rendered as Redis 7.0.15's CONFIG GET prints them (checked
/// against testdata/redis-7.0.15-config-get.tsv by DirectiveTableTests),
/// except where Cairn's own default differs on purpose: `dir` is ./cairn-data
/// and, like the shipped redis.conf, `bind` is loopback only (127.0.0.1 -::1).
/// The table was derived from config.c by scripts/config-table.py.
struct Directive: Sendable {
    /// How a value is checked and rendered: config.c's config types.
    enum Kind: Sendable {
        /// yes/no (yesnotoi).
        case boolean
        case string
        /// configEnum: case-insensitive names; multi-argument enums
        /// (shutdown-on-sigint) take several names.
        case enumeration([String])
        /// A numeric config with its bounds and how it is written.
        case integer(ClosedRange<Int64>, NumberUnit, unsigned: Bool)
        /// `save`, `bind`, `dir`, `replicaof`, client-output-buffer-limit...:
        /// each has its own setter in config.c.
        case special
    }

    /// MEMORY_CONFIG, PERCENT_CONFIG, OCTAL_CONFIG or none.
    enum NumberUnit: Sendable {
        case plain, memory, memoryOrPercent, octal
    }

    struct Flags: OptionSet, Sendable {
        let rawValue: Int
        /// IMMUTABLE_CONFIG: CONFIG SET refuses it.
        static let immutable = Flags(rawValue: 1)
        /// HIDDEN_CONFIG: CONFIG GET matches it only by its exact name.
        static let hidden = Flags(rawValue: 2)
        /// MULTI_ARG_CONFIG: takes several arguments on a config line.
        static let multipleArguments = Flags(rawValue: 4)
        /// SENSITIVE_CONFIG: the value is redacted from logs.
        static let sensitive = Flags(rawValue: 8)
        /// PROTECTED_CONFIG: CONFIG SET refuses it unless
        /// `enable-protected-configs` allows the client (dir, dbfilename).
        static let protected = Flags(rawValue: 16)
    }

    let name: String
    let alias: String?
    let kind: Kind
    let defaultValue: String
    let flags: Flags

    init(_ name: String, alias: String?, _ kind: Kind, default defaultValue: String, flags: Flags) {
        self.name = name
        self.alias = alias
        self.kind = kind
        self.defaultValue = defaultValue
        self.flags = flags
    }
}

enum DirectiveTable {
    /// Directive names Cairn acts on; every other known directive is accepted,
    /// stored and reported as ignored.
    static let implemented: Set<String> = [
        "port", "bind", "dir", "appendfsync", "requirepass", "maxclients", "timeout",
        "protected-mode", "loglevel", "logfile", "auto-aof-rewrite-percentage",
        "auto-aof-rewrite-min-size", "save", "proto-max-bulk-len", "enable-debug-command",
        "hash-max-listpack-entries", "hash-max-listpack-value", "set-max-intset-entries",
        "zset-max-listpack-entries", "zset-max-listpack-value", "client-output-buffer-limit",
    ]

    /// Directives the server reads once, at startup: it listens on `port`
    /// and `bind` and holds its write-ahead log open in `dir`. CONFIG SET
    /// refuses a new value for them rather than answer OK and change
    /// nothing (Redis rebinds and chdir()s; Cairn would have to move its
    /// listeners and its log).
    static let fixedWhileRunning: [(name: String, reason: String)] = [
        ("port", "Cairn binds its port at startup only: set 'port' in the configuration file and restart"),
        ("bind", "Cairn binds its addresses at startup only: set 'bind' in the configuration file and restart"),
        ("dir", "Cairn's write-ahead log is open in this directory: set 'dir' in the configuration file and restart"),
    ]

    /// Lower-cased name or alias -> directive (config.c registers aliases as
    /// names of their own, looked up case-insensitively).
    static let byName: [String: Directive] = {
        var table: [String: Directive] = [:]
        for directive in all {
            table[directive.name] = directive
            if let alias = directive.alias { table[alias] = directive }
        }
        return table
    }()

    static func lookup(_ name: String) -> Directive? {
        byName[name.lowercased()]
    }

    static let all: [Directive] = [
        Directive("rdbchecksum", alias: nil, .boolean, default: "yes", flags: [.immutable]),
        Directive("daemonize", alias: nil, .boolean, default: "no", flags: [.immutable]),
        Directive("io-threads-do-reads", alias: nil, .boolean, default: "no", flags: [.immutable]),
        Directive("always-show-logo", alias: nil, .boolean, default: "no", flags: [.immutable]),
        Directive("protected-mode", alias: nil, .boolean, default: "yes", flags: []),
        Directive("rdbcompression", alias: nil, .boolean, default: "yes", flags: []),
        Directive("rdb-del-sync-files", alias: nil, .boolean, default: "no", flags: []),
        Directive("activerehashing", alias: nil, .boolean, default: "yes", flags: []),
        Directive("stop-writes-on-bgsave-error", alias: nil, .boolean, default: "yes", flags: []),
        Directive("set-proc-title", alias: nil, .boolean, default: "yes", flags: [.immutable]),
        Directive("dynamic-hz", alias: nil, .boolean, default: "yes", flags: []),
        Directive("lazyfree-lazy-eviction", alias: nil, .boolean, default: "no", flags: []),
        Directive("lazyfree-lazy-expire", alias: nil, .boolean, default: "no", flags: []),
        Directive("lazyfree-lazy-server-del", alias: nil, .boolean, default: "no", flags: []),
        Directive("lazyfree-lazy-user-del", alias: nil, .boolean, default: "no", flags: []),
        Directive("lazyfree-lazy-user-flush", alias: nil, .boolean, default: "no", flags: []),
        Directive("repl-disable-tcp-nodelay", alias: nil, .boolean, default: "no", flags: []),
        Directive("repl-diskless-sync", alias: nil, .boolean, default: "yes", flags: []),
        Directive("aof-rewrite-incremental-fsync", alias: nil, .boolean, default: "yes", flags: []),
        Directive("no-appendfsync-on-rewrite", alias: nil, .boolean, default: "no", flags: []),
        Directive("cluster-require-full-coverage", alias: nil, .boolean, default: "yes", flags: []),
        Directive("rdb-save-incremental-fsync", alias: nil, .boolean, default: "yes", flags: []),
        Directive("aof-load-truncated", alias: nil, .boolean, default: "yes", flags: []),
        Directive("aof-use-rdb-preamble", alias: nil, .boolean, default: "yes", flags: []),
        Directive("aof-timestamp-enabled", alias: nil, .boolean, default: "no", flags: []),
        Directive("cluster-replica-no-failover", alias: "cluster-slave-no-failover", .boolean, default: "no", flags: []),
        Directive("replica-lazy-flush", alias: "slave-lazy-flush", .boolean, default: "no", flags: []),
        Directive("replica-serve-stale-data", alias: "slave-serve-stale-data", .boolean, default: "yes", flags: []),
        Directive("replica-read-only", alias: "slave-read-only", .boolean, default: "yes", flags: []),
        Directive("replica-ignore-maxmemory", alias: "slave-ignore-maxmemory", .boolean, default: "yes", flags: []),
        Directive("jemalloc-bg-thread", alias: nil, .boolean, default: "yes", flags: []),
        Directive("activedefrag", alias: nil, .boolean, default: "no", flags: []),
        Directive("syslog-enabled", alias: nil, .boolean, default: "no", flags: [.immutable]),
        Directive("cluster-enabled", alias: nil, .boolean, default: "no", flags: [.immutable]),
        Directive("appendonly", alias: nil, .boolean, default: "no", flags: []),
        Directive("cluster-allow-reads-when-down", alias: nil, .boolean, default: "no", flags: []),
        Directive("cluster-allow-pubsubshard-when-down", alias: nil, .boolean, default: "yes", flags: []),
        Directive("crash-log-enabled", alias: nil, .boolean, default: "yes", flags: []),
        Directive("crash-memcheck-enabled", alias: nil, .boolean, default: "yes", flags: []),
        Directive("use-exit-on-panic", alias: nil, .boolean, default: "no", flags: [.hidden]),
        Directive("disable-thp", alias: nil, .boolean, default: "yes", flags: [.immutable]),
        Directive("cluster-allow-replica-migration", alias: nil, .boolean, default: "yes", flags: []),
        Directive("replica-announced", alias: nil, .boolean, default: "yes", flags: []),
        Directive("latency-tracking", alias: nil, .boolean, default: "yes", flags: []),
        Directive("aof-disable-auto-gc", alias: nil, .boolean, default: "no", flags: []),
        Directive("replica-ignore-disk-write-errors", alias: nil, .boolean, default: "no", flags: []),
        Directive("aclfile", alias: nil, .string, default: "", flags: [.immutable]),
        Directive("unixsocket", alias: nil, .string, default: "", flags: [.immutable]),
        Directive("pidfile", alias: nil, .string, default: "/var/run/redis.pid", flags: [.immutable]),
        Directive("replica-announce-ip", alias: "slave-announce-ip", .string, default: "", flags: []),
        Directive("masteruser", alias: nil, .string, default: "", flags: [.sensitive]),
        Directive("cluster-announce-ip", alias: nil, .string, default: "", flags: []),
        Directive("cluster-config-file", alias: nil, .string, default: "nodes.conf", flags: [.immutable]),
        Directive("cluster-announce-hostname", alias: nil, .string, default: "", flags: []),
        Directive("syslog-ident", alias: nil, .string, default: "redis", flags: [.immutable]),
        Directive("dbfilename", alias: nil, .string, default: "dump.rdb", flags: [.protected]),
        Directive("appendfilename", alias: nil, .string, default: "appendonly.aof", flags: [.immutable]),
        Directive("appenddirname", alias: nil, .string, default: "appendonlydir", flags: [.immutable]),
        Directive("server_cpulist", alias: nil, .string, default: "", flags: [.immutable]),
        Directive("bio_cpulist", alias: nil, .string, default: "", flags: [.immutable]),
        Directive("aof_rewrite_cpulist", alias: nil, .string, default: "", flags: [.immutable]),
        Directive("bgsave_cpulist", alias: nil, .string, default: "", flags: [.immutable]),
        Directive("ignore-warnings", alias: nil, .string, default: "", flags: []),
        Directive("proc-title-template", alias: nil, .string, default: "{title} {listen-addr} {server-mode}", flags: []),
        Directive("bind-source-addr", alias: nil, .string, default: "", flags: []),
        Directive("logfile", alias: nil, .string, default: "", flags: [.immutable]),
        Directive("masterauth", alias: nil, .string, default: "", flags: [.sensitive]),
        Directive("requirepass", alias: nil, .string, default: "", flags: [.sensitive]),
        Directive("supervised", alias: nil, .enumeration(["upstart", "systemd", "auto", "no"]), default: "no", flags: [.immutable]),
        Directive("syslog-facility", alias: nil, .enumeration(["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]), default: "local0", flags: [.immutable]),
        Directive("repl-diskless-load", alias: nil, .enumeration(["disabled", "on-empty-db", "swapdb"]), default: "disabled", flags: []),
        Directive("loglevel", alias: nil, .enumeration(["debug", "verbose", "notice", "warning"]), default: "notice", flags: []),
        Directive("maxmemory-policy", alias: nil, .enumeration(["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]), default: "noeviction", flags: []),
        // Cairn's default is `always` (durability first; Redis's is everysec).
        Directive("appendfsync", alias: nil, .enumeration(["everysec", "always", "no"]), default: "always", flags: []),
        Directive("oom-score-adj", alias: nil, .enumeration(["no", "yes", "relative", "absolute"]), default: "no", flags: []),
        Directive("acl-pubsub-default", alias: nil, .enumeration(["allchannels", "resetchannels"]), default: "resetchannels", flags: []),
        Directive("sanitize-dump-payload", alias: nil, .enumeration(["no", "yes", "clients"]), default: "no", flags: []),
        Directive("enable-protected-configs", alias: nil, .enumeration(["no", "yes", "local"]), default: "no", flags: [.immutable]),
        Directive("enable-debug-command", alias: nil, .enumeration(["no", "yes", "local"]), default: "no", flags: [.immutable]),
        Directive("enable-module-command", alias: nil, .enumeration(["no", "yes", "local"]), default: "no", flags: [.immutable]),
        Directive("cluster-preferred-endpoint-type", alias: nil, .enumeration(["ip", "hostname", "unknown-endpoint"]), default: "ip", flags: []),
        Directive("propagation-error-behavior", alias: nil, .enumeration(["ignore", "panic", "panic-on-replicas"]), default: "ignore", flags: []),
        Directive("shutdown-on-sigint", alias: nil, .enumeration(["default", "save", "nosave", "now", "force"]), default: "default", flags: [.multipleArguments]),
        Directive("shutdown-on-sigterm", alias: nil, .enumeration(["default", "save", "nosave", "now", "force"]), default: "default", flags: [.multipleArguments]),
        Directive("databases", alias: nil, .integer(1...2147483647, .plain, unsigned: false), default: "16", flags: [.immutable]),
        Directive("port", alias: nil, .integer(0...65535, .plain, unsigned: false), default: "6379", flags: []),
        Directive("io-threads", alias: nil, .integer(1...128, .plain, unsigned: false), default: "1", flags: [.immutable]),
        Directive("auto-aof-rewrite-percentage", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "100", flags: []),
        Directive("cluster-replica-validity-factor", alias: "cluster-slave-validity-factor", .integer(0...2147483647, .plain, unsigned: false), default: "10", flags: []),
        Directive("list-max-listpack-size", alias: "list-max-ziplist-size", .integer(-2147483648...2147483647, .plain, unsigned: false), default: "-2", flags: []),
        Directive("tcp-keepalive", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "300", flags: []),
        Directive("cluster-migration-barrier", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "1", flags: []),
        Directive("active-defrag-cycle-min", alias: nil, .integer(1...99, .plain, unsigned: false), default: "1", flags: []),
        Directive("active-defrag-cycle-max", alias: nil, .integer(1...99, .plain, unsigned: false), default: "25", flags: []),
        Directive("active-defrag-threshold-lower", alias: nil, .integer(0...1000, .plain, unsigned: false), default: "10", flags: []),
        Directive("active-defrag-threshold-upper", alias: nil, .integer(0...1000, .plain, unsigned: false), default: "100", flags: []),
        Directive("lfu-log-factor", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "10", flags: []),
        Directive("lfu-decay-time", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "1", flags: []),
        Directive("replica-priority", alias: "slave-priority", .integer(0...2147483647, .plain, unsigned: false), default: "100", flags: []),
        Directive("repl-diskless-sync-delay", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "5", flags: []),
        Directive("maxmemory-samples", alias: nil, .integer(1...2147483647, .plain, unsigned: false), default: "5", flags: []),
        Directive("maxmemory-eviction-tenacity", alias: nil, .integer(0...100, .plain, unsigned: false), default: "10", flags: []),
        Directive("timeout", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "0", flags: []),
        Directive("replica-announce-port", alias: "slave-announce-port", .integer(0...65535, .plain, unsigned: false), default: "0", flags: []),
        Directive("tcp-backlog", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "511", flags: [.immutable]),
        Directive("cluster-port", alias: nil, .integer(0...65535, .plain, unsigned: false), default: "0", flags: [.immutable]),
        Directive("cluster-announce-bus-port", alias: nil, .integer(0...65535, .plain, unsigned: false), default: "0", flags: []),
        Directive("cluster-announce-port", alias: nil, .integer(0...65535, .plain, unsigned: false), default: "0", flags: []),
        Directive("cluster-announce-tls-port", alias: nil, .integer(0...65535, .plain, unsigned: false), default: "0", flags: []),
        Directive("repl-timeout", alias: nil, .integer(1...2147483647, .plain, unsigned: false), default: "60", flags: []),
        Directive("repl-ping-replica-period", alias: "repl-ping-slave-period", .integer(1...2147483647, .plain, unsigned: false), default: "10", flags: []),
        Directive("list-compress-depth", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "0", flags: []),
        Directive("rdb-key-save-delay", alias: nil, .integer(-2147483648...2147483647, .plain, unsigned: false), default: "0", flags: [.hidden]),
        Directive("key-load-delay", alias: nil, .integer(-2147483648...2147483647, .plain, unsigned: false), default: "0", flags: [.hidden]),
        Directive("active-expire-effort", alias: nil, .integer(1...10, .plain, unsigned: false), default: "1", flags: []),
        Directive("hz", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "10", flags: []),
        Directive("min-replicas-to-write", alias: "min-slaves-to-write", .integer(0...2147483647, .plain, unsigned: false), default: "0", flags: []),
        Directive("min-replicas-max-lag", alias: "min-slaves-max-lag", .integer(0...2147483647, .plain, unsigned: false), default: "10", flags: []),
        Directive("watchdog-period", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "0", flags: [.hidden]),
        Directive("shutdown-timeout", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "10", flags: []),
        Directive("repl-diskless-sync-max-replicas", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "0", flags: []),
        Directive("maxclients", alias: nil, .integer(1...4294967295, .plain, unsigned: true), default: "10000", flags: []),
        Directive("unixsocketperm", alias: nil, .integer(0...511, .octal, unsigned: true), default: "0", flags: [.immutable]),
        Directive("socket-mark-id", alias: nil, .integer(0...4294967295, .plain, unsigned: true), default: "0", flags: [.immutable]),
        Directive("active-defrag-max-scan-fields", alias: nil, .integer(1...9223372036854775807, .plain, unsigned: false), default: "1000", flags: []),
        Directive("slowlog-max-len", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: false), default: "128", flags: []),
        Directive("acllog-max-len", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: false), default: "128", flags: []),
        Directive("busy-reply-threshold", alias: "lua-time-limit", .integer(0...9223372036854775807, .plain, unsigned: false), default: "5000", flags: []),
        Directive("cluster-node-timeout", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: false), default: "15000", flags: []),
        Directive("slowlog-log-slower-than", alias: nil, .integer(-1...9223372036854775807, .plain, unsigned: false), default: "10000", flags: []),
        Directive("latency-monitor-threshold", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: false), default: "0", flags: []),
        Directive("proto-max-bulk-len", alias: nil, .integer(1048576...9223372036854775807, .memory, unsigned: false), default: "536870912", flags: []),
        Directive("stream-node-max-entries", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: false), default: "100", flags: []),
        Directive("repl-backlog-size", alias: nil, .integer(1...9223372036854775807, .memory, unsigned: false), default: "1048576", flags: []),
        Directive("maxmemory", alias: nil, .integer(0...9223372036854775807, .memory, unsigned: true), default: "0", flags: []),
        Directive("cluster-link-sendbuf-limit", alias: nil, .integer(0...9223372036854775807, .memory, unsigned: true), default: "0", flags: []),
        Directive("hash-max-listpack-entries", alias: "hash-max-ziplist-entries", .integer(0...9223372036854775807, .plain, unsigned: true), default: "512", flags: []),
        Directive("set-max-intset-entries", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: true), default: "512", flags: []),
        Directive("zset-max-listpack-entries", alias: "zset-max-ziplist-entries", .integer(0...9223372036854775807, .plain, unsigned: true), default: "128", flags: []),
        Directive("active-defrag-ignore-bytes", alias: nil, .integer(1...9223372036854775807, .memory, unsigned: true), default: "104857600", flags: []),
        Directive("hash-max-listpack-value", alias: "hash-max-ziplist-value", .integer(0...9223372036854775807, .memory, unsigned: true), default: "64", flags: []),
        Directive("stream-node-max-bytes", alias: nil, .integer(0...9223372036854775807, .memory, unsigned: true), default: "4096", flags: []),
        Directive("zset-max-listpack-value", alias: "zset-max-ziplist-value", .integer(0...9223372036854775807, .memory, unsigned: true), default: "64", flags: []),
        Directive("hll-sparse-max-bytes", alias: nil, .integer(0...9223372036854775807, .memory, unsigned: true), default: "3000", flags: []),
        Directive("tracking-table-max-keys", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: true), default: "1000000", flags: []),
        Directive("client-query-buffer-limit", alias: nil, .integer(1048576...9223372036854775807, .memory, unsigned: true), default: "1073741824", flags: []),
        Directive("maxmemory-clients", alias: nil, .integer(-100...9223372036854775807, .memoryOrPercent, unsigned: false), default: "0", flags: []),
        Directive("repl-backlog-ttl", alias: nil, .integer(0...9223372036854775807, .plain, unsigned: false), default: "3600", flags: []),
        Directive("auto-aof-rewrite-min-size", alias: nil, .integer(0...9223372036854775807, .memory, unsigned: false), default: "67108864", flags: []),
        Directive("loading-process-events-interval-bytes", alias: nil, .integer(1024...2147483647, .plain, unsigned: false), default: "2097152", flags: [.hidden]),
        Directive("tls-port", alias: nil, .integer(0...65535, .plain, unsigned: false), default: "0", flags: []),
        Directive("tls-session-cache-size", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "20480", flags: []),
        Directive("tls-session-cache-timeout", alias: nil, .integer(0...2147483647, .plain, unsigned: false), default: "300", flags: []),
        Directive("tls-cluster", alias: nil, .boolean, default: "no", flags: []),
        Directive("tls-replication", alias: nil, .boolean, default: "no", flags: []),
        Directive("tls-auth-clients", alias: nil, .enumeration(["no", "yes", "optional"]), default: "yes", flags: []),
        Directive("tls-prefer-server-ciphers", alias: nil, .boolean, default: "no", flags: []),
        Directive("tls-session-caching", alias: nil, .boolean, default: "yes", flags: []),
        Directive("tls-cert-file", alias: nil, .string, default: "", flags: []),
        Directive("tls-key-file", alias: nil, .string, default: "", flags: []),
        Directive("tls-key-file-pass", alias: nil, .string, default: "", flags: []),
        Directive("tls-client-cert-file", alias: nil, .string, default: "", flags: []),
        Directive("tls-client-key-file", alias: nil, .string, default: "", flags: []),
        Directive("tls-client-key-file-pass", alias: nil, .string, default: "", flags: []),
        Directive("tls-dh-params-file", alias: nil, .string, default: "", flags: []),
        Directive("tls-ca-cert-file", alias: nil, .string, default: "", flags: []),
        Directive("tls-ca-cert-dir", alias: nil, .string, default: "", flags: []),
        Directive("tls-protocols", alias: nil, .string, default: "", flags: []),
        Directive("tls-ciphers", alias: nil, .string, default: "", flags: []),
        Directive("tls-ciphersuites", alias: nil, .string, default: "", flags: []),
        Directive("dir", alias: nil, .special, default: "./cairn-data", flags: [.protected]),
        Directive("save", alias: nil, .special, default: "3600 1 300 100 60 10000", flags: [.multipleArguments]),
        Directive("client-output-buffer-limit", alias: nil, .special, default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", flags: [.multipleArguments]),
        Directive("oom-score-adj-values", alias: nil, .special, default: "0 200 800", flags: [.multipleArguments]),
        Directive("notify-keyspace-events", alias: nil, .special, default: "", flags: []),
        Directive("bind", alias: nil, .special, default: "127.0.0.1 -::1", flags: [.multipleArguments]),
        Directive("replicaof", alias: "slaveof", .special, default: "", flags: [.immutable, .multipleArguments]),
        Directive("latency-tracking-info-percentiles", alias: nil, .special, default: "50 99 99.9", flags: [.multipleArguments]),
    ]
}
