import Cairn
#if canImport(Glibc)
import Glibc
#endif

/// `cairn-bench snapshot [STRINGS]`: the dataset (STRINGS `SET
/// key:%08d` with 100-byte values, a tenth as many hashes of 10 fields) in a
/// DurableEngine, then: a rewrite driven in 0.5 ms slices as cairn-server
/// drives it (its longest slice, its time, the snapshot's size, RSS before
/// and at most during it), and a reopen from the snapshot (its time).
func runSnapshotWorkload(strings: Int, keep: Bool) {
    let directory = makeBenchDirectory("snapshot")
    defer { if keep { note("kept \(directory)") } else { removeBenchDirectory(directory) } }
    do {
        let store = try DurableEngine.open(directory: directory, policy: .no)
        var session = Session()
        let value = Bytes(repeating: UInt8(ascii: "x"), count: 100)
        let set = Array("SET".utf8), hset = Array("HSET".utf8)
        for index in 0..<strings { _ = try store.submit([set, keyName("key:", index), value], session: &session) }
        for index in 0..<(strings / 10) {
            var argv = [hset, keyName("hash:", index)]
            for field in 0..<10 { argv += [Array("f\(field)".utf8), Array("value-\(field)-\(index % 1000)".utf8)] }
            _ = try store.submit(argv, session: &session)
        }
        try store.writer.flush(.always)
        let before = residentBytes()
        var peak = before
        var steps = 0
        var slow = 0
        let elapsed = try seconds { () throws(StorageError) in
            _ = try store.startRewrite()
            loop: while true {
                let sliceStart = ContinuousClock.now
                let progress = store.stepRewrite(budget: .microseconds(500))
                let slice = ContinuousClock.now - sliceStart
                if slice > .milliseconds(1) { slow += 1 }
                switch progress {
                case .working: steps += 1
                case .waiting: usleep(50)
                case .finished, .idle: break loop
                }
                if steps % 64 == 0 { peak = max(peak, residentBytes()) }
            }
        }
        let persistence = store.persistence
        report("rewrite_seconds", elapsed * 10, "x0.1 s")
        report("rewrite_longest_slice", Double(persistence.longestStepMicroseconds), "us")
        report("rewrite_slices", Double(steps), "")
        report("rewrite_slices_over_1ms", Double(slow), "")
        report("snapshot_bytes", Double(persistence.snapshotBytes) / 1e6, "MB")
        report("rss_before", Double(before) / 1e6, "MB")
        report("rss_extra_during_rewrite", Double(peak - before) / 1e6, "MB")
        try store.close()
        var reopened: DurableEngine? = nil
        let load = try seconds { () throws(StorageError) in reopened = try DurableEngine.open(directory: directory, policy: .no) }
        report("open_from_snapshot", load * 1000, "ms")
        report("keys_loaded", Double(reopened?.recovery.keysLoaded ?? 0), "")
        try reopened?.close()
    } catch {
        benchFail("snapshot: \(error)")
    }
}

/// `cairn-bench snapshot-open DIRECTORY`: the reopen alone (for a profiler).
func runSnapshotOpen(directory: String) {
    do {
        var reopened: DurableEngine? = nil
        let load = try seconds { () throws(StorageError) in reopened = try DurableEngine.open(directory: directory, policy: .no) }
        report("open_from_snapshot", load * 1000, "ms")
        try reopened?.close()
    } catch {
        benchFail("snapshot-open: \(error)")
    }
}
