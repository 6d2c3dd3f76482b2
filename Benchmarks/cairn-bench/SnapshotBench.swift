import Cairn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cairn-bench snapshot [STRINGS] [keep] [random]`: the dataset (STRINGS `SET
/// key:%08d` with 100-byte values, a tenth as many hashes of 10 fields) in a
/// DurableEngine, then: a rewrite driven in slices as cairn-server
/// drives it (its longest slice, its time, the snapshot's size, RSS before
/// and at most during it), and a reopen from the snapshot (its time).
func runSnapshotWorkload(strings: Int, keep: Bool, randomValues: Bool) {
    let directory = makeBenchDirectory("snapshot")
    defer { if keep { note("kept \(directory)") } else { removeBenchDirectory(directory) } }
    do {
        let store = try DurableEngine.open(directory: directory, policy: .no)
        var session = Session()
        var generator = SystemRandomNumberGenerator()
        let printable = Array(UInt8(33)...UInt8(126))
        func value() -> Bytes {
            randomValues ? (0..<100).map { _ in printable.randomElement(using: &generator)! } : Bytes(repeating: UInt8(ascii: "x"), count: 100)
        }
        let set = Array("SET".utf8), hset = Array("HSET".utf8)
        for index in 0..<strings { _ = try store.submit([set, keyName("key:", index), value()], session: &session) }
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
        let cpuBefore = cpuTicks()
        let elapsed = try seconds { () throws(StorageError) in
            _ = try store.startRewrite()
            loop: while true {
                let sliceStart = ContinuousClock.now
                let progress = store.stepRewrite(budget: DurableEngine.rewriteSliceBudget)
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
        let cpuAfter = cpuTicks()
        let persistence = store.persistence
        report("rewrite_seconds", elapsed * 10, "x0.1 s")
        report("rewrite_longest_slice", Double(persistence.longestStepMicroseconds), "us")
        report("rewrite_longest_slice_cpu", Double(persistence.longestStepCPUMicroseconds), "us")
        report("rewrite_slices", Double(steps), "")
        // Time the hypervisor ran other guests on this machine's CPUs: a
        // slice that waits for it is long in wall time, not in CPU time.
        report("cpu_steal_during_rewrite", 100 * Double(cpuAfter.steal - cpuBefore.steal) / Double(max(1, cpuAfter.total - cpuBefore.total)), "%")
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

/// The machine's CPU time so far in clock ticks (the `cpu` line of
/// /proc/stat): all of it, and the part stolen by the hypervisor.
func cpuTicks() -> (total: Int, steal: Int) {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return (0, 0) }
    let fields = line.split(separator: " ").dropFirst().compactMap { Int($0) }
    guard fields.count >= 8 else { return (0, 0) }
    return (fields.prefix(8).reduce(0, +), fields[7])
}
