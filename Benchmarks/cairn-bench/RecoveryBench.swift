import Cairn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// `cairn-bench recovery [N]`: how fast opening replays the log (the issue's
// target: at least 1M records/s). N records (SET key:%08d with a 100-byte
// value, one record each) are written through DurableEngine under policy
// `no`, then closed (which syncs). Recovery is timed in a fresh child
// process (`recovery-open`), so no heap, allocator or table state is
// reused, after the log's pages are dropped from the page cache
// (POSIX_FADV_DONTNEED on each clean, synced segment): the "cold" open reads
// from the disk. The child then closes and opens again with the pages
// cached: "warm" is replay's CPU cost alone.

func runRecoveryWorkload(count: Int) {
    precondition(count > 0, "N must be positive")
    let directory = makeBenchDirectory("recovery")
    defer { removeBenchDirectory(directory) }
    let set = Array("SET".utf8)
    let value = Bytes(repeating: UInt8(ascii: "x"), count: 100)
    let writeSeconds: Double = {
        let store = openStore(directory, policy: .no)
        var session = Session()
        let started = ContinuousClock.now
        for index in 0..<count {
            do {
                _ = try store.execute([set, keyName("key:", index), value], session: &session)
            } catch {
                benchFail("SET failed: \(error)")
            }
        }
        do { try store.close() } catch { benchFail("close failed: \(error)") }
        return Double(nanoseconds(since: started)) / 1e9
    }()
    report("recovery.setup_writes_per_sec", Double(count) / writeSeconds, "writes/s")
    let segments = segmentFiles(directory)
    for path in segments { dropFromPageCache(path) }

    // The child prints its own lines; flush ours first so they stay in order.
    fflush(nil)
    let child = Process()
    child.executableURL = URL(fileURLWithPath: currentExecutablePath())
    child.arguments = ["recovery-open", directory, String(count)]
    do { try child.run() } catch { benchFail("cannot start the recovery child: \(error)") }
    child.waitUntilExit()
    if child.terminationStatus != 0 { benchFail("the recovery child failed (status \(child.terminationStatus))") }
}

/// The child half: cold open (the parent dropped the cached pages), then a
/// warm one. Checks every record came back.
func runRecoveryOpen(directory: String, records: Int) {
    let logBytes = segmentFiles(directory).reduce(0) { $0 + fileSize($1) }
    let segmentCount = segmentFiles(directory).count
    report("recovery.records", Double(records), "records")
    report("recovery.segments", Double(segmentCount), "files")
    report("recovery.log_megabytes", Double(logBytes) / 1e6, "MB")
    for pass in ["cold", "warm"] {
        // How much of the log this open finds cached (cold: 0 when the drop worked).
        let cached = segmentFiles(directory).reduce(0) { $0 + cachedBytes($1) }
        report("recovery.\(pass).cached_percent", logBytes == 0 ? 0 : Double(cached) * 100 / Double(logBytes), "%")
        let rssBefore = residentBytes()
        let started = ContinuousClock.now
        let store = openStore(directory, policy: .no)
        let elapsed = Double(nanoseconds(since: started)) / 1e9
        let rssAfter = residentBytes()
        guard store.recovery.recordsReplayed == records, store.recovery.keysLoaded == records else {
            benchFail("recovery replayed \(store.recovery.recordsReplayed) records, \(store.recovery.keysLoaded) keys; expected \(records)")
        }
        report("recovery.\(pass).milliseconds", elapsed * 1000, "ms")
        report("recovery.\(pass).records_per_sec", Double(records) / elapsed, "records/s")
        report("recovery.\(pass).mb_per_sec", Double(logBytes) / 1e6 / elapsed, "MB/s")
        if pass == "cold" { report("recovery.rss_growth", Double(rssAfter - rssBefore) / 1e6, "MB") }
        do { try store.close() } catch { benchFail("close failed: \(error)") }
    }
}

func openStore(_ directory: String, policy: FsyncPolicy) -> DurableEngine {
    do {
        return try DurableEngine.open(directory: directory, policy: policy)
    } catch {
        benchFail("cannot open \(directory): \(error)")
    }
}

private func segmentFiles(_ directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".wal") }.sorted().map { directory + "/" + $0 }
}

private func fileSize(_ path: String) -> Int {
    var status = stat()
    checked("stat \(path)", stat(path, &status))
    return Int(status.st_size)
}

/// Evicts a file's clean pages from the page cache (no root needed, unlike
/// /proc/sys/vm/drop_caches); the file was synced, so every page is clean.
private func dropFromPageCache(_ path: String) {
    let descriptor = checked("open \(path)", open(path, O_RDONLY | O_CLOEXEC))
    defer { close(descriptor) }
    let result = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
    if result != 0 { benchFail("posix_fadvise failed: \(String(cString: strerror(result)))") }
}

/// Bytes of the file in the page cache (mincore over a mapping, which
/// does not fault pages in).
private func cachedBytes(_ path: String) -> Int {
    let size = fileSize(path)
    guard size > 0 else { return 0 }
    let descriptor = checked("open \(path)", open(path, O_RDONLY | O_CLOEXEC))
    defer { close(descriptor) }
    guard let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
        benchFail("mmap \(path) failed: \(String(cString: strerror(errno)))")
    }
    defer { munmap(mapping, size) }
    let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    var resident = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
    checked("mincore \(path)", mincore(mapping, size, &resident))
    return resident.reduce(0) { $0 + Int($1 & 1) } * pageSize
}

private func currentExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = checked("readlink /proc/self/exe", readlink("/proc/self/exe", &buffer, buffer.count - 1))
    return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
