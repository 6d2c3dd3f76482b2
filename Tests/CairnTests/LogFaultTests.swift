import Testing
import CairnTestSupport
@testable import Cairn

/// The log's failure modes (docs/ARCHITECTURE.md, "Failures") on the
/// simulated disk: a failed sync stops the log for good without a false
/// acknowledgement; a full disk refuses writes, keeps reads, and recovers
/// when space returns.
@Suite struct LogFaultTests {
    static let start: Int64 = 1_700_000_000_000

    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }

    static func open(_ fileIO: any FileIO, segmentSizeLimit: Int = 64 << 20, headroom: Int? = nil) throws -> DurableEngine {
        var log = LogConfiguration(segmentSizeLimit: segmentSizeLimit)
        if let headroom { log.writeHeadroomBytes = headroom }
        return try DurableEngine.open(directory: "/data", fileIO: fileIO, policy: .always,
                                      configuration: EngineConfiguration(clock: ManualClock(milliseconds: start), randomSeed: 3),
                                      log: log)
    }

    @Test(arguments: 1...40 as ClosedRange<UInt64>)
    func failedSyncStopsTheLogWithoutFalseAcknowledgement(seed: UInt64) throws {
        let disk = SimulatedFileSystem(seed: seed)
        let store = try Self.open(disk)
        var session = Session()
        var digests = [store.engine.digest()]
        for index in 0..<5 {
            _ = try store.execute(Self.argv("SET", "k\(index)", "v\(index)"), session: &session)
            digests.append(store.engine.digest())
        }
        disk.failSyncs(.next(1), paths: .suffix(".wal"))
        #expect {
            _ = try store.execute(Self.argv("SET", "doomed", "x"), session: &session)
        } throws: { error in
            guard let error = error as? StorageError, case .failStopped(let cause) = error else { return false }
            return cause.operation == .fdatasync && error.description.contains("/data/00000000000000000001.wal")
        }
        digests.append(store.engine.digest())  // applied in memory, never acknowledged
        #expect(store.writer.durableThrough == 5)
        // Every later write is refused before it runs; reads keep working.
        let before = store.engine.digest()
        #expect(throws: StorageError.failStopped(cause: IOError(.fdatasync, path: "/data/00000000000000000001.wal", errno: .ioError))) {
            _ = try store.execute(Self.argv("SET", "later", "y"), session: &session)
        }
        #expect(store.engine.digest() == before, "a refused write changed the engine")
        #expect(try store.execute(Self.argv("GET", "k1"), session: &session).reply == .bulk(Array("v1".utf8)))
        #expect(throws: StorageError.self) { try store.writer.flush(.always) }
        #expect(store.writer.durableThrough == 5, "nothing pending was reported durable")

        // After a power cut: every acknowledged write, maybe the doomed one, nothing else.
        let rebooted = disk.crashedCopy(seed: seed &* 7919)
        let recovered = try Self.open(rebooted)
        let last = recovered.recovery.lastSequence
        #expect(last == 5 || last == 6, "seed \(seed): recovered \(last) records")
        #expect(recovered.engine.digest() == digests[Int(last)], "seed \(seed)")
        try recovered.close()
    }

    /// Issue 12, item 4: the write that met a full disk used to run, stay
    /// in memory and visible, fail, and sometimes persist later. Space is
    /// now reserved before a write runs: it is refused unchanged.
    @Test func diskFullRefusesWritesKeepsReadsAndRecovers() throws {
        let disk = SimulatedFileSystem(seed: 5, capacityBytes: 2048)
        // Segments of 256 bytes, reserved 256 bytes at a time; each write
        // needs its arguments plus 100 bytes free.
        let store = try Self.open(disk, segmentSizeLimit: 256, headroom: 100)
        var session = Session()
        var acknowledged = 0
        var refusal: StorageError?
        for index in 0..<100 {
            do {
                _ = try store.execute(Self.argv("SET", "key\(index)", String(repeating: "v", count: 60)), session: &session)
                acknowledged += 1
            } catch {
                refusal = error
                break
            }
        }
        guard case .diskFull(let cause)? = refusal else {
            Issue.record("expected disk full, got \(String(describing: refusal))")
            return
        }
        #expect(acknowledged > 3, "the disk held some records")
        #expect(cause.errno == .noSpace && cause.offset != nil && cause.operation == .fallocate, "\(cause)")
        let message = refusal!.description
        #expect(message.contains("disk full") && message.contains(".wal") && message.contains("offset"),
                "\(message)")
        #expect(store.writer.lastSequence == UInt64(acknowledged), "the refused write logged nothing")
        #expect(try store.execute(Self.argv("EXISTS", "key\(acknowledged)"), session: &session).reply == .integer(0),
                "the refused write did not run")

        // Refused before it runs: the engine does not change.
        let digest = store.engine.digest()
        #expect(throws: StorageError.self) { _ = try store.execute(Self.argv("SET", "more", "x"), session: &session) }
        #expect(throws: StorageError.self) {
            _ = try store.executeTransaction([Self.argv("SET", "tx", "1")], session: &session)
        }
        #expect(store.engine.digest() == digest)
        // Reads work.
        #expect(try store.execute(Self.argv("GET", "key0"), session: &session).reply == .bulk(Bytes(repeating: UInt8(ascii: "v"), count: 60)))
        #expect(try store.execute(Self.argv("DBSIZE"), session: &session).reply == .integer(Int64(acknowledged)))

        // Space returns: writes run again.
        disk.capacityBytes = nil
        _ = try store.execute(Self.argv("SET", "after", "space"), session: &session)
        #expect(store.writer.durableThrough == UInt64(acknowledged + 1))
        let final = store.engine.digest()
        try store.close()
        let reopened = try Self.open(disk)
        #expect(reopened.engine.digest() == final)
        #expect(reopened.recovery.lastSequence == UInt64(acknowledged + 1))
        try reopened.close()
    }

    /// Out of space while starting a new segment: the record waits, and is
    /// written into the new segment once space returns.
    @Test func diskFullWhileRotatingRecovers() throws {
        let disk = SimulatedFileSystem(seed: 6)
        let store = try Self.open(disk, segmentSizeLimit: 300, headroom: 64)
        var session = Session()
        for index in 0..<3 { _ = try store.execute(Self.argv("SET", "k\(index)", "value"), session: &session) }
        disk.capacityBytes = disk.usedBytes + 20  // room for a bit more, not for a segment
        var failures = 0
        for index in 3..<20 {
            do {
                _ = try store.execute(Self.argv("SET", "k\(index)", String(repeating: "w", count: 50)), session: &session)
            } catch {
                guard case .diskFull(let cause) = error else { Issue.record("\(error)"); return }
                // Reserving space for the write failed: the current segment's
                // next step, or a new segment's first one (rotation goes on
                // in the old segment when that fails).
                #expect(cause.operation == .fallocate && cause.path.hasSuffix(".wal"), "\(cause)")
                #expect(try store.execute(Self.argv("EXISTS", "k\(index)"), session: &session).reply == .integer(0))
                failures += 1
                break
            }
        }
        #expect(failures == 1)
        disk.capacityBytes = nil
        for index in 0..<10 { _ = try store.execute(Self.argv("SET", "end\(index)", "1"), session: &session) }
        let digest = store.engine.digest()
        let last = store.writer.lastSequence
        try store.close()
        let reopened = try Self.open(disk, segmentSizeLimit: 300)
        #expect(reopened.engine.digest() == digest)
        #expect(reopened.recovery.lastSequence == last)
        #expect(try disk.listDirectory("/data").filter { $0.hasSuffix(".wal") }.count > 1)
        try reopened.close()
    }
}
