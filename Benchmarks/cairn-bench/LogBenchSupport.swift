import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Shared pieces of the log benchmarks (Benchmarks/log.sh): where they put
// their files, latency percentiles, and failing loudly on a system error.

/// Runs a log workload; `arguments` are the command line after its name.
func runLogWorkload(_ workload: String, arguments: [String]) {
    let first = arguments.first.flatMap { Int($0) }
    let second = arguments.count > 1 ? Int(arguments[1]) : nil
    switch workload {
    case "fdatasync":
        runDiskSyncWorkload(count: first ?? 2000)
    case "recovery":
        runRecoveryWorkload(count: first ?? 1_000_000)
    case "recovery-open":
        // The child half of `recovery`: cairn-bench recovery-open DIRECTORY RECORDS.
        guard arguments.count == 2, let records = second else { benchFail("usage: cairn-bench recovery-open DIRECTORY RECORDS") }
        runRecoveryOpen(directory: arguments[0], records: records)
    case "durable-writes":
        runDurableWritesWorkload(alwaysCount: first ?? 2000, otherCount: second ?? 100_000)
    case "group-commit":
        runGroupCommitWorkload(seconds: arguments.first.flatMap { Double($0) } ?? 3)
    default:
        benchFail("unknown log workload \(workload)")
    }
}

/// A line on standard error (standard output carries only results).
func note(_ message: String) {
    FileHandle.standardError.write(Data("cairn-bench: \(message)\n".utf8))
}

func benchFail(_ message: String) -> Never {
    note(message)
    exit(1)
}

/// Fails with the call's name and `errno` when a Glibc call returned -1.
@discardableResult
func checked<Result: FixedWidthInteger>(_ what: String, _ result: Result) -> Result {
    if result == -1 { benchFail("\(what) failed: \(String(cString: strerror(errno)))") }
    return result
}

/// A fresh directory for one workload's files, under `CAIRN_BENCH_DIR` or
/// `.build/cairn-bench-tmp` of the current directory: never on tmpfs, where
/// a sync is a no-op and the numbers would mean nothing.
func makeBenchDirectory(_ name: String) -> String {
    let base = ProcessInfo.processInfo.environment["CAIRN_BENCH_DIR"]
        ?? FileManager.default.currentDirectoryPath + "/.build/cairn-bench-tmp"
    do {
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    } catch {
        benchFail("cannot create \(base): \(error)")
    }
    let type = fileSystemType(of: base)
    if type == "tmpfs" || type == "ramfs" {
        benchFail("\(base) is on \(type), where fdatasync does nothing; set CAIRN_BENCH_DIR to a directory on a disk")
    }
    let path = base + "/\(name)-\(getpid())"
    removeBenchDirectory(path)
    checked("mkdir \(path)", mkdir(path, 0o755))
    note("\(name) in \(path) (\(type))")
    return path
}

/// The type of the file system holding `path`: that of the longest mount
/// point in /proc/self/mounts that contains it (statfs is not exported to
/// Swift by Glibc's module map).
func fileSystemType(of path: String) -> String {
    guard let resolved = realpath(path, nil) else { return "unknown" }
    let absolute = String(cString: resolved)
    free(resolved)
    guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return "unknown" }
    var best = (length: -1, type: "unknown")
    for line in mounts.split(separator: "\n") {
        let fields = line.split(separator: " ")
        guard fields.count >= 3 else { continue }
        // Mount points escape spaces as \040; good enough for a benchmark.
        let point = fields[1].replacingOccurrences(of: "\\040", with: " ")
        let contains = point == "/" || absolute == point || absolute.hasPrefix(point + "/")
        if contains, point.count >= best.length { best = (point.count, String(fields[2])) }
    }
    return best.type
}

/// Removes a benchmark's directory, unless CAIRN_BENCH_KEEP is set (to
/// profile `recovery-open` on the log the benchmark wrote, say).
func removeBenchDirectory(_ path: String) {
    if ProcessInfo.processInfo.environment["CAIRN_BENCH_KEEP"] != nil {
        print("# kept \(path)")
        return
    }
    if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
}

/// Nanoseconds since `start`.
func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
    let elapsed = ContinuousClock.now - start
    return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
}

/// The nearest-rank percentile (`p` in 0...100) of the samples, in µs.
func percentileMicroseconds(_ sortedNanoseconds: [Int64], _ p: Double) -> Double {
    guard !sortedNanoseconds.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sortedNanoseconds.count)).rounded(.up))
    return Double(sortedNanoseconds[min(max(rank, 1), sortedNanoseconds.count) - 1]) / 1000
}

/// Reports `name.ops_per_sec` (or the given rate name) and p50/p99 of
/// per-operation latencies.
func reportLatencies(_ name: String, rate: String, unit: String, samples: [Int64], totalNanoseconds: Int64) {
    let sorted = samples.sorted()
    report("\(name).\(rate)", Double(samples.count) / (Double(totalNanoseconds) / 1e9), unit)
    report("\(name).p50", percentileMicroseconds(sorted, 50), "us")
    report("\(name).p99", percentileMicroseconds(sorted, 99), "us")
}
