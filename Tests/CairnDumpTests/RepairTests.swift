import Cairn
import CairnDump
import CairnTestSupport
import Foundation
import Testing

/// `cairn-dump repair`: a torn tail cut off; with `--salvage`, every damage
/// kind verify knows repaired into a directory that verifies clean and
/// opens, dropping exactly what was lost, with a byte-identical backup of
/// every file it changed.
@Suite struct RepairTests {
    /// Every file of `path` but the LOCK, by name.
    static func contents(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name != "LOCK" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }

    /// Repairs `path` with a backup beside it; checks the backup holds the
    /// files as they were, and the directory verifies clean and opens.
    /// Returns the outcome and the digest it opens with.
    func repair(_ path: String, salvage: Bool = true, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> (RepairReport.Outcome, digest: String?) {
        let original = try Self.contents(path)
        let backup = path + ".backup"
        let outcome = try RepairReport.run(path, salvage: salvage, backup: backup)
        guard outcome.action == .truncated || outcome.action == .salvaged else { return (outcome, nil) }
        #expect(outcome.exit == .clean, "\(RepairReport.render(outcome, json: false))", sourceLocation: sourceLocation)
        #expect(outcome.after?.findings.isEmpty == true, sourceLocation: sourceLocation)
        let backedUp = try Self.contents(backup)
        #expect(Set(backedUp.keys) == Set(outcome.backedUp), sourceLocation: sourceLocation)
        for (name, bytes) in backedUp {
            #expect(original[name] == bytes, "backup of \(name)", sourceLocation: sourceLocation)
        }
        #expect(try Verify.run(path).exit == .clean, sourceLocation: sourceLocation)
        let opened = DumpFixtures.recoveryOutcome(path)
        #expect(opened.opened, "\(String(describing: opened.error))", sourceLocation: sourceLocation)
        try? FileManager.default.removeItem(atPath: backup)
        return (outcome, opened.digest)
    }

    /// The digest of the source's history with the records in `dropped` left out.
    static func digest(of source: String, without dropped: ClosedRange<UInt64>) throws -> String {
        let before = try PointInTime.load(source, until: .sequence(dropped.lowerBound - 1))
        let engine = before.engine
        _ = try DirectoryScanner.scan(source) { record throws(StorageError) in
            guard record.sequences.lowerBound > dropped.upperBound else { return }
            try? engine.replay(record.effects)
        }
        return engine.digest()
    }

    @Test func cleanDirectoryIsLeftAlone() throws {
        let (source, _) = try DumpFixtures.directory()
        let before = try Self.contents(source.path)
        let outcome = try RepairReport.run(source.path, salvage: true, backup: source.path + ".backup")
        #expect(outcome.action == .none && outcome.exit == .clean)
        #expect(try Self.contents(source.path) == before)
        #expect(!FileManager.default.fileExists(atPath: source.path + ".backup"))
    }

    @Test func tornTailIsCutOffAsRecoveryWould() throws {
        let (source, digest) = try DumpFixtures.directory(crashed: true)
        let last = source.path + "/" + DumpFixtures.files(source.path, suffix: ".wal").last!
        let scan = try SegmentScanner.scanFile(last)
        try DumpFixtures.truncate(last, to: scan.validEnd - 3)
        let (outcome, opened) = try repair(source.path, salvage: false)
        #expect(outcome.action == .truncated)
        #expect(outcome.losses.map(\.what) == [.records(scan.lastSequence...scan.lastSequence)])
        #expect(outcome.backedUp == [DumpText_name(last)])
        #expect(opened != digest && opened != nil)
        #expect(opened == (try Self.digest(of: source.path, without: scan.lastSequence...scan.lastSequence)))
    }

    @Test func corruptionIsRefusedWithoutSalvageAndNothingWritten() throws {
        let (source, _) = try DumpFixtures.directory()
        let sealed = source.path + "/" + DumpFixtures.files(source.path, suffix: ".wal")[0]
        try DumpFixtures.flip(sealed, at: 100)
        let before = try Self.contents(source.path)
        let outcome = try RepairReport.run(source.path, salvage: false, backup: source.path + ".backup")
        #expect(outcome.action == .refused && outcome.exit == .corrupt)
        #expect(!outcome.losses.isEmpty)
        #expect(RepairReport.render(outcome, json: false).contains("would drop"))
        #expect(try Self.contents(source.path) == before)
        #expect(!FileManager.default.fileExists(atPath: source.path + ".backup"))
    }

    @Test func lockedDirectoryIsRefused() throws {
        let directory = TemporaryDataDirectory()
        let store = try DumpFixtures.open(directory.path)
        defer { try? store.close() }
        #expect(throws: DumpFailure.self) { try RepairReport.run(directory.path, salvage: true, backup: nil) }
    }

    /// A record damaged in a sealed segment: exactly that record is
    /// dropped, every later one kept.
    @Test func salvageDropsExactlyTheDamagedRecord() throws {
        let (source, _) = try DumpFixtures.directory()
        let sealed = source.path + "/" + DumpFixtures.files(source.path, suffix: ".wal")[0]
        var records: [(offset: Int, sequences: ClosedRange<UInt64>)] = []
        _ = try SegmentScanner.scanFile(sealed) { records.append(($0.frameOffset, $0.sequences)) }
        let victim = records[2]
        let expected = try Self.digest(of: source.path, without: victim.sequences)
        try DumpFixtures.flip(sealed, at: victim.offset + 40)
        let (outcome, opened) = try repair(source.path)
        #expect(outcome.action == .salvaged)
        #expect(outcome.losses.map(\.what) == [.records(victim.sequences)])
        #expect(opened == expected)
    }

    /// Each way verify knows a directory to be corrupt: after salvage it
    /// verifies clean and opens, and what was lost is listed.
    @Test func everyDamageKindIsSalvaged() throws {
        let (source, digest) = try DumpFixtures.directory()
        let segments = DumpFixtures.files(source.path, suffix: ".wal")
        let snapshot = DumpFixtures.files(source.path, suffix: ".snap").first!
        let snapshotSize = try Data(contentsOf: URL(fileURLWithPath: source.path + "/" + snapshot)).count
        let lastEnd = try SegmentScanner.scanFile(source.path + "/" + segments.last!).validEnd
        let damages: [(String, (String) throws -> Void, lossless: Bool)] = [
            ("MANIFEST flipped", { try DumpFixtures.flip($0 + "/MANIFEST", at: 20) }, true),
            ("MANIFEST deleted", { try FileManager.default.removeItem(atPath: $0 + "/MANIFEST") }, true),
            ("segment deleted", { try FileManager.default.removeItem(atPath: $0 + "/" + segments[1]) }, false),
            ("segment header flipped", { try DumpFixtures.flip($0 + "/" + segments[1], at: 3) }, true),
            ("sealed tail cut", { try DumpFixtures.truncate($0 + "/" + segments.last!, to: lastEnd - 10) }, false),
            // Only the trailer's checksum is gone: every key reads, nothing is lost.
            ("snapshot trailer cut", { try DumpFixtures.truncate($0 + "/" + snapshot, to: snapshotSize - 5) }, true),
            ("snapshot body flipped", { try DumpFixtures.flip($0 + "/" + snapshot, at: snapshotSize / 2) }, false),
            ("snapshot deleted", { try FileManager.default.removeItem(atPath: $0 + "/" + snapshot) }, false),
        ]
        for (what, damage, lossless) in damages {
            let copy = try DumpFixtures.copy(source.path)
            try damage(copy.path)
            #expect(try Verify.run(copy.path).exit == .corrupt, "\(what)")
            let (outcome, opened) = try repair(copy.path)
            #expect(outcome.action == .salvaged, "\(what)")
            if lossless {
                #expect(outcome.losses.allSatisfy { $0.what == .snapshotDamage } && opened == digest, "\(what): \(outcome.losses)")
            } else {
                #expect(!outcome.losses.isEmpty && opened != digest, "\(what)")
            }
        }
    }

    /// A snapshot of several LZ4 blocks with one block damaged: the keys of
    /// the other blocks come back with their values, the lost ones are
    /// counted (the one whose record starts before the damage by name),
    /// and nothing else is missing.
    @Test func damagedSnapshotBlockLosesOnlyItsKeys() throws {
        let directory = TemporaryDataDirectory()
        let store = try DumpFixtures.open(directory.path)
        var session = Session()
        var generator = RandomSource(seed: 7)
        var values: [String: Bytes] = [:]
        for index in 0..<4000 {
            let value = (0..<300).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            values["k:\(index)"] = value
            _ = try store.execute([Array("SET".utf8), Array("k:\(index)".utf8), value], session: &session)
        }
        try store.rewrite()
        try store.close()
        let snapshot = directory.path + "/" + DumpFixtures.files(directory.path, suffix: ".snap").first!
        let size = try Data(contentsOf: URL(fileURLWithPath: snapshot)).count
        #expect(size > 3 * (256 << 10), "four blocks or more")
        try DumpFixtures.flip(snapshot, at: size / 2)

        let (outcome, _) = try repair(directory.path)
        var named: [String] = []
        var unnamed: UInt64 = 0
        for loss in outcome.losses {
            switch loss.what {
            case .key(let database, let key):
                #expect(database == 0)
                named.append(String(decoding: key, as: UTF8.self))
            case .unnamedKeys(let count): unnamed += count
            case .snapshotDamage: break
            default: Issue.record("unexpected loss \(loss)")
            }
        }
        #expect(named.count == 1 && unnamed > 100 && unnamed < 1000, "\(named) \(unnamed)")
        let reopened = try DumpFixtures.open(directory.path)
        defer { try? reopened.close() }
        var kept = 0
        for (key, value) in values {
            let reply = try reopened.execute([Array("GET".utf8), Array(key.utf8)], session: &session).reply
            if reply == .bulk(value) {
                kept += 1
            } else {
                #expect(reply == .null, "\(key) is either whole or gone")
                #expect(!named.contains(key) || reply == .null)
            }
        }
        #expect(UInt64(kept) + UInt64(named.count) + unnamed == 4000)
        #expect(named.allSatisfy { values[$0] != nil })
    }

    @Test func jsonReportParses() throws {
        let (source, _) = try DumpFixtures.directory()
        try DumpFixtures.flip(source.path + "/" + DumpFixtures.files(source.path, suffix: ".wal")[0], at: 100)
        let outcome = try RepairReport.run(source.path, salvage: true, backup: source.path + ".backup")
        let text = RepairReport.render(outcome, json: true)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["action"] as? String == "salvaged")
        #expect((object?["dropped"] as? [Any])?.isEmpty == false)
        #expect((object?["after"] as? [String: Any])?["result"] as? String == "clean")
    }
}

private func DumpText_name(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
