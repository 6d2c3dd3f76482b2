#if canImport(Glibc)
import Glibc
#endif

// `cairn-bench fdatasync [N]`: what this disk can do, the ceiling of any
// log that syncs every commit. Each operation is a 4 KiB pwrite followed by
// fdatasync, timed together (what one commit costs), N times:
// - append: at the end of a growing file (each sync also commits the new
//   size, a journal commit on ext4);
// - overwrite_zeroed: inside space written with zeros and synced first
//   (only data moves: the cheapest case, what a preallocated and
//   pre-zeroed segment would get);
// - overwrite_fallocated: inside space reserved with posix_fallocate but
//   never written (ext4 keeps it "unwritten", so each sync also commits an
//   extent conversion).

func runDiskSyncWorkload(count: Int) {
    precondition(count > 0, "N must be positive")
    let directory = makeBenchDirectory("fdatasync")
    defer { removeBenchDirectory(directory) }
    let block = [UInt8](repeating: 0xA5, count: 4096)

    timeSyncedWrites("fdatasync.append", path: directory + "/append.dat", count: count, block: block) { _ in }
    timeSyncedWrites("fdatasync.overwrite_zeroed", path: directory + "/zeroed.dat", count: count, block: block) { descriptor in
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < count * 4096 {
            let length = min(zeros.count, count * 4096 - offset)
            let written = zeros.withUnsafeBytes { checked("pwrite", pwrite(descriptor, $0.baseAddress, length, off_t(offset))) }
            offset += written
        }
    }
    timeSyncedWrites("fdatasync.overwrite_fallocated", path: directory + "/fallocated.dat", count: count, block: block) { descriptor in
        let result = posix_fallocate(descriptor, 0, off_t(count * 4096))
        if result != 0 { benchFail("posix_fallocate failed: \(String(cString: strerror(result)))") }
    }
}

/// Creates `path`, lets `prepare` fill it, makes that durable (fsync of the
/// file and its directory, not timed), then times `count` writes of `block`
/// at consecutive 4 KiB offsets, each followed by fdatasync.
private func timeSyncedWrites(_ name: String, path: String, count: Int, block: [UInt8], prepare: (Int32) -> Void) {
    let descriptor = checked("open \(path)", open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644))
    defer { close(descriptor) }
    prepare(descriptor)
    checked("fsync", fsync(descriptor))
    let directory = checked("open directory", open(String(path[..<path.lastIndex(of: "/")!]), O_RDONLY | O_DIRECTORY | O_CLOEXEC))
    checked("fsync directory", fsync(directory))
    close(directory)

    var samples = [Int64](repeating: 0, count: count)
    let started = ContinuousClock.now
    block.withUnsafeBytes { bytes in
        for index in 0..<count {
            let start = ContinuousClock.now
            let written = checked("pwrite", pwrite(descriptor, bytes.baseAddress, bytes.count, off_t(index * 4096)))
            if written != bytes.count { benchFail("short pwrite (\(written) of \(bytes.count) bytes)") }
            checked("fdatasync", fdatasync(descriptor))
            samples[index] = nanoseconds(since: start)
        }
    }
    reportLatencies(name, rate: "syncs_per_sec", unit: "syncs/s", samples: samples, totalNanoseconds: nanoseconds(since: started))
}
