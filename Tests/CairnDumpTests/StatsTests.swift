import Cairn
import CairnDump
import CairnTestSupport
import Foundation
import Testing

/// `cairn-dump stats`: its counts against what the fixtures wrote, its log
/// bytes against the scanner's own records, its histogram against keys
/// written with known times to live, and its refusals.
@Suite struct StatsTests {
    /// `--json`'s object, as a reader decodes it (docs/FORMAT.md, "cairn-dump JSON").
    struct Report: Decodable {
        struct Counts: Decodable, Equatable {
            var db: Int?
            var string = 0, list = 0, hash = 0, set = 0, zset = 0, total = 0, expires = 0
        }
        struct Key: Decodable {
            var db: Int
            var key: String
            var type: String
            var bytes: Int
            var elements: Int

            enum CodingKeys: String, CodingKey { case db, key, type, bytes, elements }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                db = try container.decode(Int.self, forKey: .db)
                // A binary key is {"base64": ...}; the tests name it by that.
                if let text = try? container.decode(String.self, forKey: .key) {
                    key = text
                } else {
                    key = "base64:" + (try container.decode([String: String].self, forKey: .key)["base64"] ?? "")
                }
                type = try container.decode(String.self, forKey: .type)
                bytes = try container.decode(Int.self, forKey: .bytes)
                elements = try container.decode(Int.self, forKey: .elements)
            }
        }
        struct Expiry: Decodable, Equatable {
            var expired = 0, under1m = 0, under1h = 0, under1d = 0, under1w = 0, longer = 0, none = 0
            enum CodingKeys: String, CodingKey {
                case expired, under1m = "under_1m", under1h = "under_1h", under1d = "under_1d", under1w = "under_1w"
                case longer, none
            }
        }
        struct Command: Decodable {
            var command: String
            var records: Int
            var effects: Int
            var bytes: Int
        }
        struct Log: Decodable {
            var commands: [Command]
            var records: Int
            var effects: Int
            var bytes: Int
        }
        struct Snapshot: Decodable {
            var file: String
            var bytes: Int64
        }

        var directory: String
        var sequence: UInt64
        var timeMs: Int64?
        var snapshotSequence: UInt64
        var recordsApplied: Int
        var tornTailOffset: Int?
        var keys: Counts
        var databases: [Counts]
        var largest: [Key]
        var expiry: Expiry
        var log: Log
        var snapshot: Snapshot?

        enum CodingKeys: String, CodingKey {
            case directory, sequence, timeMs = "time_ms", snapshotSequence = "snapshot_sequence"
            case recordsApplied = "records_applied", tornTailOffset = "torn_tail_offset"
            case keys, databases, largest, expiry, log, snapshot
        }

        func command(_ name: String) -> Command? { log.commands.first { $0.command == name } }
    }

    static func report(_ path: String, top: Int = 10) throws -> Report {
        let text = try Stats.run(path, top: top, json: true)
        #expect(text.hasSuffix("}\n") && text.split(separator: "\n").count == 1, "one JSON object on one line")
        return try JSONDecoder().decode(Report.self, from: Data(text.utf8))
    }

    /// Frame bytes and records of the live segments, per the effects' command, as the directory scanner reports them.
    static func scannedLog(_ path: String) throws -> [String: (records: Int, bytes: Int)] {
        var log: [String: (records: Int, bytes: Int)] = [:]
        _ = try DirectoryScanner.scan(path) { record in
            let names = Set(record.effects.map { String(decoding: $0.argv[0], as: UTF8.self) })
            let name = names.count == 1 ? names.first! : "mixed"
            log[name, default: (0, 0)].records += 1
            log[name, default: (0, 0)].bytes += record.byteCount
        }
        return log
    }

    @Test func fixtureDirectoryCountsWhatItWrote() throws {
        let (directory, _) = try DumpFixtures.directory()
        let before = try Self.contents(directory.path)
        let report = try Self.report(directory.path)

        // 10 s:*, the binary key and 20 after:*; 10 each of h:*, l:*, z:*; "set", expiring in 2100.
        let expected = Report.Counts(string: 31, list: 10, hash: 10, set: 1, zset: 10, total: 62, expires: 1)
        #expect(report.keys == expected)
        var database = expected
        database.db = 0
        #expect(report.databases == [database])
        #expect(report.expiry == Report.Expiry(longer: 1, none: 61))
        #expect(report.timeMs == DumpFixtures.startMilliseconds)

        // The largest: after:19, last written at index 59 with 59 bytes; sizes are DUMP's.
        #expect(report.largest.count == 10)
        #expect(report.largest.first.map { ($0.key, $0.type, $0.elements) } ?? ("", "", 0) == ("after:19", "string", 59))
        #expect(zip(report.largest, report.largest.dropFirst()).allSatisfy { $0.bytes >= $1.bytes })
        let state = try PointInTime.load(directory.path)
        for key in report.largest {
            guard case .bulk(let payload) = state.engine.execute(["DUMP", key.key].map { Array($0.utf8) }) else {
                Issue.record("DUMP \(key.key)")
                continue
            }
            #expect(key.bytes == payload.count, "\(key.key)")
            #expect(state.engine.execute("STRLEN", key.key) == .integer(Int64(key.elements)))
        }

        // After the rewrite the live segments hold the 60 SETs, and only them.
        let scanned = try Self.scannedLog(directory.path)
        #expect(report.log.commands.map(\.command) == ["SET"])
        #expect(report.command("SET").map { ($0.records, $0.effects, $0.bytes) } ?? (0, 0, 0)
            == (60, 60, scanned["SET"]?.bytes ?? -1))
        #expect(report.log.records == 60 && report.log.bytes == scanned["SET"]?.bytes)
        #expect(report.recordsApplied == 60 && report.sequence == report.snapshotSequence + 60)

        let snapshotName = try #require(DumpFixtures.files(directory.path, suffix: ".snap").first)
        let snapshotBytes = try FileManager.default.attributesOfItem(atPath: directory.path + "/" + snapshotName)[.size] as? Int64
        #expect(report.snapshot?.file == snapshotName && report.snapshot?.bytes == snapshotBytes)
        #expect(try Self.contents(directory.path) == before, "stats never writes to its input")
    }

    @Test func histogramBucketsByTimeToLiveAsOfTheLastRecord() throws {
        let directory = try Self.expiringDirectory()
        let report = try Self.report(directory.path, top: 100)
        #expect(report.expiry == Report.Expiry(expired: 1, under1m: 1, under1h: 1, under1d: 1, under1w: 1, longer: 1, none: 5))
        #expect(report.timeMs == DumpFixtures.startMilliseconds + 5000, "the last record's time, not the wall clock")
        #expect(report.databases == [
            Report.Counts(db: 0, string: 7, total: 7, expires: 6),
            Report.Counts(db: 1, list: 1, hash: 1, set: 1, zset: 1, total: 4, expires: 0),
        ])
        // Every key is listed and sized, the one already expired too: DUMP
        // of "v" is type, length and byte plus the 10-byte footer.
        #expect(report.largest.count == 11)
        #expect(report.largest.filter { $0.type == "string" }.map(\.bytes) == Array(repeating: 13, count: 7))
        #expect(report.largest.contains { $0.key == "expired" && $0.db == 0 })

        // The transaction (HSET and ZADD) is one record of two commands.
        let scanned = try Self.scannedLog(directory.path)
        #expect(report.command("mixed").map { ($0.records, $0.effects) } ?? (0, 0) == (1, 2))
        for name in ["SET", "RPUSH", "SADD", "mixed"] {
            #expect(report.command(name).map { ($0.records, $0.bytes) } ?? (0, 0) == scanned[name] ?? (-1, -1), "\(name)")
        }
        #expect(report.command("SET")?.records == 7)
        #expect(report.log.bytes == scanned.values.map(\.bytes).reduce(0, +))
        #expect(report.snapshot == nil)
    }

    @Test func aTornTailIsLeftOutOfStateAndLog() throws {
        // As a power cut leaves it: nothing seals the log's end, so a cut record is a torn tail.
        let (directory, _) = try DumpFixtures.directory(crashed: true)
        let segment = directory.path + "/" + (try #require(DumpFixtures.files(directory.path, suffix: ".wal").last))
        let scan = try SegmentScanner.scanFile(segment)
        try DumpFixtures.truncate(segment, to: scan.validEnd - 3)
        let report = try Self.report(directory.path)
        #expect(report.tornTailOffset != nil)
        #expect(report.log.records == 59 && report.recordsApplied == 59)
        #expect(try report.log.bytes == Self.scannedLog(directory.path)["SET"]?.bytes)
        let text = try Stats.run(directory.path, top: 1, json: false)
        #expect(text.contains("torn tail at offset \(report.tornTailOffset ?? -1)"))
    }

    @Test func textHasEveryTableAndTopLimitsTheList() throws {
        let (directory, _) = try DumpFixtures.directory()
        let text = try Stats.run(directory.path, top: 2, json: false)
        #expect(text.contains("\ntotal  31      10    10    1    10    62     1\n"))
        #expect(text.contains("\n0   string  71     59        \"after:19\"\n"))
        #expect(text.contains("\nlonger    1\n") && text.contains("\nnone      61\n"))
        #expect(text.split(separator: "\n").filter { $0.contains("\"after:") }.count == 2)
        let none = try Stats.run(directory.path, top: 0, json: false)
        #expect(none.contains("largest keys (bytes: the DUMP payload; elements: STRLEN, LLEN, HLEN, SCARD or ZCARD):\nnone\n"))
        #expect(try Self.report(directory.path, top: 0).largest.isEmpty)
    }

    @Test func refusesWhatItCannotRead() throws {
        let (directory, _) = try DumpFixtures.directory()
        let negative = #expect(throws: DumpFailure.self) { try Stats.run(directory.path, top: -1, json: false) }
        #expect(negative?.exit == .failure)
        let missing = #expect(throws: DumpFailure.self) { try Stats.run(directory.path + "/nothing", top: 10, json: false) }
        #expect(missing?.exit == .failure)
        let segment = directory.path + "/" + (try #require(DumpFixtures.files(directory.path, suffix: ".wal").first))
        try DumpFixtures.flip(segment, at: 80)
        let corrupt = #expect(throws: DumpFailure.self) { try Stats.run(directory.path, top: 10, json: true) }
        #expect(corrupt?.exit == .corrupt)
    }

    /// A directory with no snapshot: in db 0 one key per bucket of the
    /// histogram (one expired a few seconds before the last record) and
    /// one without an expiry; in db 1 a list, a set and a MULTI/EXEC of a
    /// hash and a sorted set.
    static func expiringDirectory() throws -> TemporaryDataDirectory {
        let clock = ManualClock(milliseconds: DumpFixtures.startMilliseconds)
        let directory = TemporaryDataDirectory()
        let store = try DurableEngine.open(directory: directory.path, fileIO: PosixFileIO(),
                                           configuration: EngineConfiguration(clock: clock, randomSeed: 1))
        var session = Session()
        func run(_ words: String...) throws {
            let submitted = try store.submit(words.map { Array($0.utf8) }, session: &session)
            _ = try store.waitUntilDurable(submitted.token)
        }
        try run("SET", "expired", "v", "PX", "1000")
        clock.advance(milliseconds: 5000)
        for (key, ttl) in [("minute", 30_000), ("hour", 1_800_000), ("day", 43_200_000), ("week", 259_200_000),
                           ("longer", 2_592_000_000)] {
            try run("SET", key, "v", "PX", String(ttl))
        }
        try run("SET", "plain", "v")
        try run("SELECT", "1")
        try run("RPUSH", "list", "a", "b")
        try run("SADD", "set", "x")
        let transaction = try store.submitTransaction(
            [["HSET", "hash", "f", "v"], ["ZADD", "zset", "1", "m"]].map { $0.map { Array($0.utf8) } }, session: &session)
        _ = try store.waitUntilDurable(transaction.token)
        try store.close()
        return directory
    }

    /// Every file of `path` and its bytes.
    static func contents(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }
}
