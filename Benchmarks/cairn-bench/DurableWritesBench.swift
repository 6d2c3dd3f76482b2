import Cairn

// `cairn-bench durable-writes [N] [M]`: sequential SETs (key:%08d, 100-byte
// value) through DurableEngine, one at a time, as a single client would
// send them. Under `always` each write is synced before it returns (today:
// one fdatasync per write, no group commit), N writes (default 2000); under
// `everysec` and `no` M writes (default 100,000), since they are far
// faster. Writes/s counts the loop only: opening, and the final sync that
// `close` does under every policy, are not timed.

func runDurableWritesWorkload(alwaysCount: Int, otherCount: Int) {
    precondition(alwaysCount > 0 && otherCount > 0, "N and M must be positive")
    let set = Array("SET".utf8)
    let value = Bytes(repeating: UInt8(ascii: "x"), count: 100)
    for (name, policy, count) in [("always", FsyncPolicy.always, alwaysCount),
                                  ("everysec", .everySecond, otherCount),
                                  ("no", .no, otherCount)] {
        let directory = makeBenchDirectory("durable-writes-\(name)")
        defer { removeBenchDirectory(directory) }
        let keys = (0..<count).map { keyName("key:", $0) }
        let store = openStore(directory, policy: policy)
        var session = Session()
        var samples = [Int64](repeating: 0, count: count)
        let started = ContinuousClock.now
        for (index, key) in keys.enumerated() {
            let start = ContinuousClock.now
            do {
                _ = try store.execute([set, key, value], session: &session)
            } catch {
                benchFail("SET failed under \(name): \(error)")
            }
            samples[index] = nanoseconds(since: start)
        }
        let total = nanoseconds(since: started)
        do { try store.close() } catch { benchFail("close failed: \(error)") }
        report("durable_writes.\(name).count", Double(count), "writes")
        reportLatencies("durable_writes.\(name)", rate: "writes_per_sec", unit: "writes/s", samples: samples, totalNanoseconds: total)
    }
}
