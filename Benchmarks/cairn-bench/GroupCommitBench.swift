import Cairn
import Foundation
import Synchronization

// `cairn-bench group-commit [SECONDS]`: durable SET throughput under
// `appendfsync always` with 1, 8 and 64 concurrent writers, each a thread
// that sends one SET (key:<writer>:<n>, 100-byte value) and waits for it to
// be durable before the next, as that many redis-benchmark clients would.
// The engine is behind one lock, as the server serializes it; the wait is
// outside it, so writers that arrive while a sync runs share the next one.
// Reports writes/s and writes per fdatasync, to set beside the raw
// fdatasync rate (`cairn-bench fdatasync`).

/// The store behind a lock: submit under it, wait outside it.
private final class SharedStore: Sendable {
    let store: Mutex<DurableEngine>
    let log: GroupCommitLog
    let writer: LogWriter

    init(_ store: sending DurableEngine) {
        log = store.log
        writer = store.writer
        self.store = Mutex(store)
    }
}

func runGroupCommitWorkload(seconds: Double) {
    precondition(seconds > 0, "SECONDS must be positive")
    let value = Bytes(repeating: UInt8(ascii: "x"), count: 100)
    for writers in [1, 8, 64] {
        let directory = makeBenchDirectory("group-commit-\(writers)")
        defer { removeBenchDirectory(directory) }
        let shared = SharedStore(openStore(directory, policy: .always))
        let stop = Atomic<Bool>(false)
        let completed = Atomic<Int>(0)
        let done = DispatchGroup()
        let started = ContinuousClock.now
        for writer in 0..<writers {
            done.enter()
            Thread {
                defer { done.leave() }
                var session = Session()
                var index = 0
                while !stop.load(ordering: .relaxed) {
                    let argv = [Array("SET".utf8), keyName("key:\(writer):", index), value]
                    do {
                        let token = try shared.store.withLock { store in
                            try store.submit(argv, session: &session).token
                        }
                        if let token { try shared.log.waitUntilReleased(token.sequence) }
                    } catch {
                        benchFail("SET failed with \(writers) writers: \(error)")
                    }
                    completed.add(1, ordering: .relaxed)
                    index += 1
                }
            }.start()
        }
        Thread.sleep(forTimeInterval: seconds)
        stop.store(true, ordering: .relaxed)
        done.wait()
        let elapsed = Double(nanoseconds(since: started)) / 1e9
        let writes = completed.load(ordering: .relaxed)
        let syncs = shared.writer.syncs
        report("group_commit.\(writers)_writers.writes_per_sec", Double(writes) / elapsed, "writes/s")
        report("group_commit.\(writers)_writers.syncs_per_sec", Double(syncs) / elapsed, "syncs/s")
        report("group_commit.\(writers)_writers.writes_per_sync", syncs == 0 ? 0 : Double(writes) / Double(syncs), "writes")
        shared.store.withLock { store in
            do { try store.close() } catch { benchFail("close failed: \(error)") }
        }
    }
}
