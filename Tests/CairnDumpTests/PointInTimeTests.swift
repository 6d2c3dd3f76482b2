import Cairn
import CairnDump
import CairnRESP
import CairnTestSupport
import Foundation
import Testing

/// Point-in-time state (`PointInTime`) and the subcommands on it: restore,
/// export and digest. The model is the live engine that wrote the history:
/// its digest after every record, by sequence number.
@Suite struct PointInTimeTests {
    /// A history: writes of every type in two databases, a transaction, a
    /// rewrite in the middle, a clock that moves a second per command.
    struct History {
        var directory: TemporaryDataDirectory
        /// (last sequence of the record, its time, the digest after it), in order.
        var points: [(sequence: UInt64, time: Int64, digest: String)] = []
        var snapshotSequence: UInt64 = 0
        /// The index in `points` of the MULTI/EXEC (three writes, logged as one record).
        var transaction = 0

        /// The model's digest as of record `sequence`: after the last record ending at or before it.
        func digest(asOf sequence: UInt64) -> String? {
            points.last { $0.sequence <= sequence }?.digest
        }
    }

    static func history() throws -> History {
        let clock = ManualClock(milliseconds: DumpFixtures.startMilliseconds)
        var history = History(directory: TemporaryDataDirectory())
        let store = try DurableEngine.open(
            directory: history.directory.path, fileIO: PosixFileIO(),
            configuration: EngineConfiguration(clock: clock, randomSeed: 1),
            log: LogConfiguration(segmentSizeLimit: 1024))
        var session = Session()
        func run(_ words: String...) throws {
            clock.advance(milliseconds: 1000)
            let submitted = try store.submit(words.map { Array($0.utf8) }, session: &session)
            _ = try store.waitUntilDurable(submitted.token)
            if let token = submitted.token {
                history.points.append((token.sequence, clock.nowMilliseconds(), store.engine.digest()))
            }
        }
        for index in 0..<6 {
            try run("SET", "s:\(index)", "v\(index)")
            try run("HSET", "h", "f\(index)", "\(index)")
            try run("RPUSH", "l", "e\(index)")
            try run("ZADD", "z", "\(Double(index) / 4)", "m\(index)")
        }
        try run("SADD", "set", "a", "b", "c")
        try run("SELECT", "2")
        try run("SET", "other-db", "x")
        try run("SELECT", "0")
        try store.rewrite()
        history.snapshotSequence = history.points.last!.sequence
        try run("INCR", "counter")
        try run("DEL", "s:0")
        try run("LPOP", "l")
        try run("SREM", "set", "b")
        try run("PEXPIREAT", "s:1", "4102444800000")
        clock.advance(milliseconds: 1000)
        let transaction = try store.submitTransaction(
            [["INCR", "counter"], ["HDEL", "h", "f0"], ["SET", "s:2", "in-transaction"]].map { $0.map { Array($0.utf8) } },
            session: &session)
        _ = try store.waitUntilDurable(transaction.token)
        history.transaction = history.points.count
        history.points.append((transaction.token!.sequence, clock.nowMilliseconds(), store.engine.digest()))
        for index in 0..<20 {
            try run("SET", "after:\(index % 5)", String(repeating: "w", count: index * 7))
        }
        try store.close()
        return history
    }

    @Test func everySequenceGivesTheModelsState() throws {
        let history = try Self.history()
        let last = history.points.last!.sequence
        #expect(DumpFixtures.files(history.directory.path, suffix: ".wal").count > 2, "the history spans several segments")
        for sequence in history.snapshotSequence...last {
            let state = try PointInTime.load(history.directory.path, until: .sequence(sequence))
            #expect(state.engine.digest() == history.digest(asOf: sequence), "as of record \(sequence)")
            #expect(state.sequence == history.points.last { $0.sequence <= sequence }!.sequence)
            #expect(state.snapshotSequence == history.snapshotSequence)
        }
        let end = try PointInTime.load(history.directory.path)
        #expect(end.sequence == last && end.engine.digest() == history.points.last!.digest)
        #expect(throws: StorageError.pointNotHeld(reason:
            "record \(history.snapshotSequence - 1) is before the oldest state held: the snapshot holds the state after record \(history.snapshotSequence)"
        )) {
            try PointInTime.load(history.directory.path, until: .sequence(history.snapshotSequence - 1))
        }
        // A record past the end is not in this history: refused, not the end silently.
        #expect(throws: StorageError.pointNotHeld(reason:
            "record \(last + 1) is past the end of the log: the last record held whole is \(last)"
        )) {
            try PointInTime.load(history.directory.path, until: .sequence(last + 1))
        }
    }

    @Test func aTransactionIsRestoredWholeOrNotAtAll() throws {
        let history = try Self.history()
        let transaction = history.transaction
        let before = history.points[transaction - 1]
        let after = history.points[transaction]
        for sequence in before.sequence..<after.sequence {
            let state = try PointInTime.load(history.directory.path, until: .sequence(sequence))
            #expect(state.sequence == before.sequence && state.engine.digest() == before.digest)
        }
        let whole = try PointInTime.load(history.directory.path, until: .sequence(after.sequence))
        #expect(whole.engine.digest() == after.digest)
        #expect(whole.engine.execute("GET", "s:2") == .bulk(Array("in-transaction".utf8)))
        #expect(whole.engine.execute("HEXISTS", "h", "f0") == .integer(0))
    }

    @Test func everyTimeGivesTheModelsState() throws {
        let history = try Self.history()
        for point in history.points where point.sequence > history.snapshotSequence {
            for offset: Int64 in [0, 999] {
                let state = try PointInTime.load(history.directory.path, until: .time(point.time + offset))
                #expect(state.sequence == point.sequence && state.engine.digest() == point.digest)
            }
        }
        let text = "2023-11-14T22:13:50.500Z"
        let parsed = try PointOption.parseTime(text)
        #expect(parsed == DumpFixtures.startMilliseconds + 30_500)
        #expect(try PointOption.parseTime("2023-11-14T23:13:50.500+01:00") == parsed)
        #expect(throws: DumpFailure.self) { try PointOption.parseTime("yesterday") }
        #expect(throws: DumpFailure.self) { try PointOption.limit(untilSequence: 3, untilTime: text) }
    }

    @Test func restoredDirectoryOpensWithTheStateAndGoesOn() throws {
        let history = try Self.history()
        let before = try Self.contents(history.directory.path)
        for point in history.points where point.sequence > history.snapshotSequence && point.sequence % 3 == 0 {
            let out = TemporaryDataDirectory()
            let summary = try Restore.run(history.directory.path, until: .sequence(point.sequence), out: out.path, json: true)
            #expect(summary.contains("\"sequence\":\(point.sequence),"))
            #expect(try Verify.run(out.path).exit == .clean)
            let store = try DumpFixtures.open(out.path)
            #expect(store.engine.digest() == point.digest)
            var session = Session()
            let next = try store.submit(DumpFixtures.argv("SET", "new", "write"), session: &session)
            #expect(next.token?.sequence == point.sequence + 1, "numbering goes on after the restored point")
            _ = try store.waitUntilDurable(next.token)
            let digest = store.engine.digest()
            try store.close()
            #expect(DumpFixtures.recoveryOutcome(out.path).digest == digest)
        }
        #expect(try Self.contents(history.directory.path) == before, "restore never writes to its input")
    }

    @Test func restoreRefusesANonEmptyTargetAndAPointNotHeld() throws {
        let history = try Self.history()
        let error = #expect(throws: DumpFailure.self) {
            try Restore.run(history.directory.path, until: .end, out: history.directory.path, json: false)
        }
        #expect(error?.exit == .failure)
        let out = TemporaryDataDirectory()
        let early = #expect(throws: DumpFailure.self) {
            try Restore.run(history.directory.path, until: .sequence(1), out: out.path, json: false)
        }
        #expect(early?.description.contains("before the oldest state held") == true)
        #expect(!FileManager.default.fileExists(atPath: out.path + "/MANIFEST"))
    }

    @Test func restoreOfACorruptDirectoryExitsTwo() throws {
        let history = try Self.history()
        let last = history.directory.path + "/" + DumpFixtures.files(history.directory.path, suffix: ".wal").first!
        try DumpFixtures.flip(last, at: 80)
        let out = TemporaryDataDirectory()
        let error = #expect(throws: DumpFailure.self) {
            try Restore.run(history.directory.path, until: .end, out: out.path, json: false)
        }
        #expect(error?.exit == .corrupt)
    }

    @Test func respExportRebuildsTheDataset() throws {
        let history = try Self.history()
        for point in [history.points[history.points.count / 2 + 3], history.points.last!] {
            let bytes = try Self.export(history.directory.path, format: .resp, until: .sequence(point.sequence))
            var parser = RESPRequestParser()
            parser.append(bytes)
            let engine = Engine()
            var session = Session()
            var commands = 0
            while let result = parser.next() {
                guard case .command(let argv) = result else { Issue.record("\(result)"); break }
                let reply = engine.execute(argv, session: &session).reply
                if case .error(let message) = reply { Issue.record("\(message)") }
                commands += 1
            }
            #expect(commands > 10 && parser.bufferedByteCount == 0)
            #expect(engine.digest() == point.digest)
            #expect(try Self.export(history.directory.path, format: .aof, until: .sequence(point.sequence)) == bytes)
            // cairn-dump digest is Redis's DEBUG DIGEST (not `digest()`): that of the rebuilt engine.
            #expect(try DigestReport.run(history.directory.path, until: .sequence(point.sequence), json: false)
                == engine.debugDigest() + "\n")
        }
    }

    @Test func jsonExportIsOneObjectPerKey() throws {
        let history = try Self.history()
        let text = String(decoding: try Self.export(history.directory.path, format: .json, until: .end), as: UTF8.self)
        let lines = text.split(separator: "\n")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let byKey = Dictionary(uniqueKeysWithValues: objects.map { ("\($0["db"]!):\($0["key"]!)", $0) })
        #expect(byKey["2:other-db"]?["value"] as? String == "x")
        #expect(byKey["0:counter"]?["value"] as? String == "2")
        #expect(byKey["0:s:1"]?["expire_at_ms"] as? Int == 4_102_444_800_000)
        #expect(byKey["0:l"]?["value"] as? [String] == ["e1", "e2", "e3", "e4", "e5"])
        #expect(byKey["0:z"]?["type"] as? String == "zset")
        #expect((byKey["0:z"]?["value"] as? [[String]])?.first == ["m0", "0"])
        #expect(byKey["0:s:0"] == nil)
        #expect(objects.count == byKey.count)
    }

    /// Every file of a directory and its bytes.
    static func contents(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }

    /// What `cairn-dump export` writes, through a real file.
    static func export(_ path: String, format: Export.Format, until limit: PointInTime.Limit) throws -> Bytes {
        let file = "/tmp/cairn-export-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let output = try DescriptorOutput.file(file)
        try Export.run(path, format: format, until: limit, output: output)
        try output.close(path: file)
        return Bytes(try Data(contentsOf: URL(fileURLWithPath: file)))
    }
}
