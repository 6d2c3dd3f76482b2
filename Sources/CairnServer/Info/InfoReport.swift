import Cairn

/// `INFO [section ...]`: Redis 7.0.15's text (server.c genRedisInfoString),
/// field for field and in Redis's order, from an `InfoSnapshot`. Sections are
/// `# Name` headers with `field:value\r\n` lines, separated by a blank line.
///
/// ```swift
/// var snapshot = InfoSnapshot()
/// snapshot.keyspace = [.init(index: 0, keys: 1, expires: 0)]
/// InfoReport.render(snapshot, sections: [Array("keyspace".utf8)])
/// // "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"
/// ```
public enum InfoReport {
    /// INFO with no argument, or `default` (genInfoSectionDict's default_sections).
    static let defaultSections: Set<String> = [
        "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "module_list", "errorstats",
        "cluster", "keyspace",
    ]

    /// The whole INFO reply: a verbatim `txt` string (a bulk string in RESP2).
    public static func reply(_ snapshot: InfoSnapshot, arguments: [Bytes]) -> Reply {
        .verbatim(format: "txt", text: Array(render(snapshot, sections: arguments).utf8))
    }

    /// The INFO text for the arguments after `INFO`: section names in any
    /// letter case, `default`, `all` (every section) or `everything` (all, and
    /// modules', which Cairn has none of). Unknown names add nothing.
    public static func render(_ snapshot: InfoSnapshot, sections arguments: [Bytes]) -> String {
        var requested: Set<String> = arguments.isEmpty ? defaultSections : []
        var all = false
        for argument in arguments {
            let name = String(decoding: argument, as: UTF8.self).lowercased()
            switch name {
            case "default": requested.formUnion(defaultSections)
            case "all", "everything": all = true
            default: requested.insert(name)
            }
        }
        let sections: [(names: [String], render: (InfoSnapshot) -> String)] = [
            (["server"], server), (["clients"], clients), (["memory"], memory), (["persistence"], persistence),
            (["stats"], stats), (["replication"], replication), (["cpu"], cpu),
            (["module_list", "modules"], { _ in "# Modules\r\n" }), (["commandstats"], commandStats),
            (["errorstats"], errorStats), (["latencystats"], { _ in "# Latencystats\r\n" }),
            (["cluster"], { _ in "# Cluster\r\ncluster_enabled:0\r\n" }), (["keyspace"], keyspace),
        ]
        return sections.filter { all || $0.names.contains(where: requested.contains) }
            .map { $0.render(snapshot) }
            .joined(separator: "\r\n")
    }

    /// A section: the header, then one `name:value` line per field.
    private static func section(_ title: String, _ fields: KeyValuePairs<String, String>) -> String {
        "# \(title)\r\n" + lines(fields)
    }

    private static func lines(_ fields: KeyValuePairs<String, String>) -> String {
        fields.reduce("") { $0 + $1.key + ":" + $1.value + "\r\n" }
    }

    private static func server(_ s: InfoSnapshot) -> String {
        var text = section("Server", [
            "redis_version": "7.0.15", "redis_git_sha1": "00000000", "redis_git_dirty": "0",
            "redis_build_id": "0", "redis_mode": "standalone", "os": s.os, "arch_bits": String(s.archBits),
            "monotonic_clock": "POSIX clock_gettime", "multiplexing_api": s.multiplexingAPI,
            "atomicvar_api": "c11-builtin", "gcc_version": "0.0.0", "process_id": String(s.processID),
            "process_supervised": "no", "run_id": s.runID, "tcp_port": String(s.tcpPort),
            "server_time_usec": String(s.serverTimeMicroseconds), "uptime_in_seconds": String(s.uptimeSeconds),
            "uptime_in_days": String(s.uptimeSeconds / 86_400), "hz": String(s.hz), "configured_hz": String(s.configuredHz),
            // LRU_CLOCK: seconds, 24 bits (evict.c getLRUClock).
            "lru_clock": String((s.serverTimeMicroseconds / 1_000_000) & 0xFF_FFFF),
            "executable": s.executable, "config_file": s.configFile, "io_threads_active": "0",
        ])
        if let remaining = s.shutdownInMilliseconds { text += "shutdown_in_milliseconds:\(remaining)\r\n" }
        return text
    }

    private static func clients(_ s: InfoSnapshot) -> String {
        section("Clients", [
            "connected_clients": String(s.connectedClients), "cluster_connections": "0", "maxclients": String(s.maxClients),
            "client_recent_max_input_buffer": String(s.clientRecentMaxInputBuffer),
            "client_recent_max_output_buffer": String(s.clientRecentMaxOutputBuffer),
            "blocked_clients": String(s.blockedClients), "tracking_clients": String(s.trackingClients),
            "clients_in_timeout_table": String(s.clientsInTimeoutTable),
        ])
    }

    /// Cairn measures the process, not an allocator: the allocator fields
    /// repeat used memory, and fragmentation is RSS over used.
    private static func memory(_ s: InfoSnapshot) -> String {
        let used = s.usedMemory, rss = s.usedMemoryRSS
        let peak = max(s.usedMemoryPeak, used)
        let overhead = min(s.usedMemoryStartup, used)
        let dataset = used - overhead
        let net = used - s.usedMemoryStartup
        let fragmentation = used > 0 ? Double(Float(rss) / Float(used)) : 1
        return section("Memory", [
            "used_memory": String(used), "used_memory_human": human(used),
            "used_memory_rss": String(rss), "used_memory_rss_human": human(rss),
            "used_memory_peak": String(peak), "used_memory_peak_human": human(peak),
            "used_memory_peak_perc": fixed2(peak > 0 ? Double(Float(used) * 100 / Float(peak)) : 0) + "%",
            "used_memory_overhead": String(overhead), "used_memory_startup": String(s.usedMemoryStartup),
            "used_memory_dataset": String(dataset),
            "used_memory_dataset_perc": fixed2(Double(Float(dataset) * 100 / Float(net > 0 ? net : 1))) + "%",
            "allocator_allocated": String(used), "allocator_active": String(used), "allocator_resident": String(rss),
            "total_system_memory": String(s.totalSystemMemory), "total_system_memory_human": human(s.totalSystemMemory),
            "used_memory_lua": "0", "used_memory_vm_eval": "0", "used_memory_lua_human": "0B",
            "used_memory_scripts_eval": "0", "number_of_cached_scripts": "0", "number_of_functions": "0",
            "number_of_libraries": "0", "used_memory_vm_functions": "0", "used_memory_vm_total": "0",
            "used_memory_vm_total_human": "0B", "used_memory_functions": "0", "used_memory_scripts": "0",
            "used_memory_scripts_human": "0B", "maxmemory": String(s.maxMemory), "maxmemory_human": human(s.maxMemory),
            "maxmemory_policy": s.maxMemoryPolicy, "allocator_frag_ratio": "1.00", "allocator_frag_bytes": "0",
            "allocator_rss_ratio": "1.00", "allocator_rss_bytes": "0",
            "rss_overhead_ratio": fixed2(fragmentation), "rss_overhead_bytes": String(rss - used),
            "mem_fragmentation_ratio": fixed2(fragmentation), "mem_fragmentation_bytes": String(rss - used),
            "mem_not_counted_for_evict": "0", "mem_replication_backlog": "0", "mem_total_replication_buffers": "0",
            "mem_clients_slaves": "0", "mem_clients_normal": "0", "mem_cluster_links": "0",
            "mem_aof_buffer": String(s.aofBufferLength), "mem_allocator": s.memoryAllocator,
            "active_defrag_running": "0", "lazyfree_pending_objects": "0", "lazyfreed_objects": "0",
        ])
    }

    private static func persistence(_ s: InfoSnapshot) -> String {
        var text = section("Persistence", [
            "loading": flag(s.loading), "async_loading": "0", "current_cow_peak": "0", "current_cow_size": "0",
            "current_cow_size_age": "0", "current_fork_perc": "0.00", "current_save_keys_processed": "0",
            "current_save_keys_total": "0", "rdb_changes_since_last_save": String(s.changesSinceLastSave),
            "rdb_bgsave_in_progress": flag(s.backgroundSaveInProgress), "rdb_last_save_time": String(s.lastSaveTime),
            "rdb_last_bgsave_status": s.lastBackgroundSaveOK ? "ok" : "err",
            "rdb_last_bgsave_time_sec": String(s.lastBackgroundSaveSeconds),
            "rdb_current_bgsave_time_sec": String(s.currentBackgroundSaveSeconds), "rdb_saves": String(s.saves),
            "rdb_last_cow_size": "0", "rdb_last_load_keys_expired": "0",
            "rdb_last_load_keys_loaded": String(s.lastLoadKeysLoaded),
            "aof_enabled": flag(s.aofEnabled), "aof_rewrite_in_progress": flag(s.aofRewriteInProgress),
            "aof_rewrite_scheduled": flag(s.aofRewriteScheduled),
            "aof_last_rewrite_time_sec": String(s.aofLastRewriteSeconds),
            "aof_current_rewrite_time_sec": String(s.aofCurrentRewriteSeconds),
            "aof_last_bgrewrite_status": s.aofLastRewriteOK ? "ok" : "err", "aof_rewrites": String(s.aofRewrites),
            "aof_rewrites_consecutive_failures": String(s.aofRewriteConsecutiveFailures),
            "aof_last_write_status": s.aofLastWriteOK ? "ok" : "err", "aof_last_cow_size": "0",
            "module_fork_in_progress": "0", "module_fork_last_cow_size": "0",
        ])
        if s.aofEnabled {
            text += lines([
                "aof_current_size": String(s.aofCurrentSize), "aof_base_size": String(s.aofBaseSize),
                "aof_pending_rewrite": flag(s.aofRewriteScheduled), "aof_buffer_length": String(s.aofBufferLength),
                "aof_pending_bio_fsync": String(s.aofPendingFsync), "aof_delayed_fsync": String(s.aofDelayedFsync),
            ])
        }
        text += lines([
            "cairn_durable_seq": String(s.durableSequence), "cairn_last_seq": String(s.lastSequence),
            "cairn_snapshot_seq": String(s.snapshotSequence), "cairn_snapshot_bytes": String(s.snapshotBytes),
            "cairn_log_bytes": String(s.logBytes),
            "cairn_rewrite_longest_step_us": String(s.rewriteLongestStepMicroseconds),
            "cairn_rewrite_longest_step_cpu_us": String(s.rewriteLongestStepCPUMicroseconds),
            "cairn_rewrite_steps": String(s.rewriteSteps),
            "cairn_rewrite_steps_over_1ms": String(s.rewriteStepsOverOneMillisecond),
            "cairn_rewrite_keys_encoded_early": String(s.rewriteKeysEncodedEarly),
        ])
        return text
    }

    private static func stats(_ s: InfoSnapshot) -> String {
        section("Stats", [
            "total_connections_received": String(s.totalConnectionsReceived),
            "total_commands_processed": String(s.totalCommandsProcessed),
            "instantaneous_ops_per_sec": String(s.instantaneousOpsPerSecond),
            "total_net_input_bytes": String(s.totalNetInputBytes), "total_net_output_bytes": String(s.totalNetOutputBytes),
            "total_net_repl_input_bytes": "0", "total_net_repl_output_bytes": "0",
            "instantaneous_input_kbps": fixed2(s.instantaneousInputKbps),
            "instantaneous_output_kbps": fixed2(s.instantaneousOutputKbps),
            "instantaneous_input_repl_kbps": "0.00", "instantaneous_output_repl_kbps": "0.00",
            "rejected_connections": String(s.rejectedConnections), "sync_full": "0", "sync_partial_ok": "0",
            "sync_partial_err": "0", "expired_keys": String(s.expiredKeys),
            "expired_stale_perc": fixed2(s.expiredStalePercent),
            "expired_time_cap_reached_count": String(s.expiredTimeCapReachedCount),
            "expire_cycle_cpu_milliseconds": String(s.expireCycleCPUMilliseconds),
            "evicted_keys": String(s.evictedKeys), "evicted_clients": String(s.evictedClients),
            "total_eviction_exceeded_time": "0", "current_eviction_exceeded_time": "0",
            "keyspace_hits": String(s.keyspaceHits), "keyspace_misses": String(s.keyspaceMisses),
            "pubsub_channels": String(s.pubsubChannels), "pubsub_patterns": String(s.pubsubPatterns),
            "pubsubshard_channels": "0", "latest_fork_usec": "0", "total_forks": "0", "migrate_cached_sockets": "0",
            "slave_expires_tracked_keys": "0", "active_defrag_hits": "0", "active_defrag_misses": "0",
            "active_defrag_key_hits": "0", "active_defrag_key_misses": "0", "total_active_defrag_time": "0",
            "current_active_defrag_time": "0", "tracking_total_keys": "0", "tracking_total_items": "0",
            "tracking_total_prefixes": "0", "unexpected_error_replies": String(s.unexpectedErrorReplies),
            "total_error_replies": String(s.totalErrorReplies), "dump_payload_sanitizations": "0",
            "total_reads_processed": String(s.totalReadsProcessed),
            "total_writes_processed": String(s.totalWritesProcessed), "io_threaded_reads_processed": "0",
            "io_threaded_writes_processed": "0", "reply_buffer_shrinks": "0", "reply_buffer_expands": "0",
        ])
    }

    private static func replication(_ s: InfoSnapshot) -> String {
        section("Replication", [
            "role": "master", "connected_slaves": "0", "master_failover_state": "no-failover",
            "master_replid": s.masterReplicationID, "master_replid2": String(repeating: "0", count: 40),
            "master_repl_offset": String(s.masterReplicationOffset), "second_repl_offset": "-1",
            "repl_backlog_active": "0", "repl_backlog_size": String(s.replicationBacklogSize),
            "repl_backlog_first_byte_offset": "0", "repl_backlog_histlen": "0",
        ])
    }

    private static func cpu(_ s: InfoSnapshot) -> String {
        var text = section("CPU", [
            "used_cpu_sys": seconds(s.systemCPUMicroseconds), "used_cpu_user": seconds(s.userCPUMicroseconds),
            "used_cpu_sys_children": seconds(s.childrenSystemCPUMicroseconds),
            "used_cpu_user_children": seconds(s.childrenUserCPUMicroseconds),
        ])
        if let system = s.mainThreadSystemCPUMicroseconds, let user = s.mainThreadUserCPUMicroseconds {
            text += "used_cpu_sys_main_thread:\(seconds(system))\r\nused_cpu_user_main_thread:\(seconds(user))\r\n"
        }
        return text
    }

    /// genRedisInfoStringCommandStats: usec_per_call is a C float quotient.
    private static func commandStats(_ s: InfoSnapshot) -> String {
        s.commandStats.filter { $0.calls != 0 || $0.failedCalls != 0 || $0.rejectedCalls != 0 }.reduce("# Commandstats\r\n") {
            let perCall = $1.calls == 0 ? 0 : Double(Float($1.microseconds) / Float($1.calls))
            return $0 + "cmdstat_\(safe($1.name)):calls=\($1.calls),usec=\($1.microseconds),usec_per_call=\(fixed2(perCall))"
                + ",rejected_calls=\($1.rejectedCalls),failed_calls=\($1.failedCalls)\r\n"
        }
    }

    private static func errorStats(_ s: InfoSnapshot) -> String {
        s.errorStats.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .reduce("# Errorstats\r\n") { $0 + "errorstat_\(safe($1.key)):count=\($1.value)\r\n" }
    }

    private static func keyspace(_ s: InfoSnapshot) -> String {
        s.keyspace.filter { $0.keys != 0 || $0.expires != 0 }.sorted { $0.index < $1.index }.reduce("# Keyspace\r\n") {
            $0 + "db\($1.index):keys=\($1.keys),expires=\($1.expires),avg_ttl=\($1.averageTTL)\r\n"
        }
    }

    // MARK: Formatting as Redis's printf calls do

    private static func flag(_ value: Bool) -> String { value ? "1" : "0" }

    /// getSafeInfoString: `#`, `:`, `\r`, `\n` become `_` so a name cannot break the format.
    static func safe(_ name: String) -> String {
        String(name.map { "#:\r\n".contains($0) ? "_" : $0 })
    }

    /// `%.2f` (ties to even, as printf rounds an exact binary tie).
    static func fixed2(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let hundredths = (abs(value) * 100).rounded(.toNearestOrEven)
        let whole = Int64(hundredths / 100)
        let fraction = Int64(hundredths) - whole * 100
        return (value < 0 && hundredths != 0 ? "-" : "") + "\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// `%ld.%06ld` of a rusage time.
    static func seconds(_ microseconds: Int64) -> String {
        let fraction = String(microseconds % 1_000_000)
        return "\(microseconds / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// server.c bytesToHuman: `100B`, `1.11M`, `23.54G`.
    static func human(_ bytes: Int64) -> String {
        let units: [(Double, String)] = [(1024, "K"), (1_048_576, "M"), (1_073_741_824, "G"),
                                         (1_099_511_627_776, "T"), (1_125_899_906_842_624, "P")]
        for (size, unit) in units where bytes >= 1024 && Double(bytes) < size * 1024 {
            return fixed2(Double(bytes) / size) + unit
        }
        return "\(bytes)B"  // under 1K, or beyond petabytes ("Let's hope we never need this")
    }
}
