import Cairn
import CairnDump
import CairnTestSupport
import Foundation
import Testing

/// `cairn-dump verify`: every damaged file in testdata/wal classified with
/// its kind, offset and exit code; data directories damaged in each way
/// recovery knows; and verify's verdict agreeing with what opening does.
@Suite struct VerifyTests {
    @Test func goldenSegmentsAreClassified() throws {
        let good = try Verify.run(DumpFixtures.golden("good"))
        #expect(good.findings.isEmpty && good.exit == .clean && good.lastSequence == 10)

        let torn = try Verify.run(DumpFixtures.golden("torn-tail"))
        #expect(torn.exit == .tornTail && torn.lastSequence == 9)
        #expect(torn.findings.map(\.kind) == [.tornTail] && torn.findings.first?.offset == 797)
        #expect(torn.findings.first?.reason.contains("record 10 is incomplete") == true)

        // Preallocated zeros are where the log ends, not damage.
        let zeros = try Verify.run(DumpFixtures.golden("zero-tail"))
        #expect(zeros.exit == .clean && zeros.lastSequence == 10)

        let flipped = try Verify.run(DumpFixtures.golden("flipped-byte"))
        #expect(flipped.exit == .corrupt && flipped.findings.map(\.offset) == [342])
        #expect(flipped.findings.first?.reason.contains("checksum mismatch") == true)
        #expect(flipped.findings.first?.reason.contains("record 6") == true)

        let header = try Verify.run(DumpFixtures.golden("bad-header"))
        #expect(header.exit == .corrupt && header.findings.map(\.offset) == [0])
        #expect(header.findings.first?.reason.contains("not a Cairn log segment") == true)
    }

    @Test func segmentsWithoutManifestAreCorruptAsRecoverySays() throws {
        let outcome = try Verify.run(DumpFixtures.walData + "/good")
        #expect(outcome.exit == .corrupt)
        #expect(outcome.findings.first?.reason.contains("MANIFEST is missing") == true)
    }

    @Test func missingPathAndUnknownFileAreUsageErrors() throws {
        #expect(throws: DumpFailure.self) { try Verify.run("/nonexistent/cairn-dump-test") }
        #expect(throws: DumpFailure.self) { try Verify.run(DumpFixtures.walData + "/README.md") }
    }

    @Test func cleanDirectoryVerifiesAndOpens() throws {
        let (directory, digest) = try DumpFixtures.directory()
        let outcome = try Verify.run(directory.path)
        #expect(outcome.findings.isEmpty && outcome.exit == .clean)
        #expect(outcome.filesChecked == 1 + DumpFixtures.files(directory.path, suffix: ".wal").count)
        #expect(DumpFixtures.files(directory.path, suffix: ".wal").count > 2, "the fixture spans several segments")
        #expect(DumpFixtures.recoveryOutcome(directory.path).digest == digest)
    }

    @Test func tornLastSegmentOfACrashIsTornTail() throws {
        let (directory, _) = try DumpFixtures.directory(crashed: true)
        let last = directory.path + "/" + DumpFixtures.files(directory.path, suffix: ".wal").last!
        let scan = try SegmentScanner.scanFile(last)
        let cut = scan.validEnd - 3
        try DumpFixtures.truncate(last, to: cut)
        let outcome = try Verify.run(directory.path)
        #expect(outcome.exit == .tornTail && outcome.findings.count == 1)
        #expect(outcome.findings.first?.file == last && outcome.findings.first?.kind == .tornTail)
        #expect(outcome.lastSequence == scan.lastSequence - 1)
        #expect(DumpFixtures.recoveryOutcome(directory.path).opened)
    }

    @Test func eachDamageKindIsCorruptWithFileAndOffset() throws {
        let (source, _) = try DumpFixtures.directory()
        let segments = DumpFixtures.files(source.path, suffix: ".wal")
        let snapshot = DumpFixtures.files(source.path, suffix: ".snap").first!

        // A byte flipped in a sealed segment's second record.
        var copy = try DumpFixtures.copy(source.path)
        let sealed = copy.path + "/" + segments[0]
        let secondFrame = try firstFrames(sealed)[1]
        try DumpFixtures.flip(sealed, at: secondFrame + 40)
        try expectCorrupt(copy.path, file: sealed, offset: secondFrame, reasonContains: "checksum")

        // A listed segment deleted.
        copy = try DumpFixtures.copy(source.path)
        try FileManager.default.removeItem(atPath: copy.path + "/" + segments[1])
        try expectCorrupt(copy.path, file: copy.path + "/" + segments[1], offset: 0, reasonContains: "missing")

        // The snapshot's trailer cut off, and a byte flipped in its body.
        copy = try DumpFixtures.copy(source.path)
        let snap = copy.path + "/" + snapshot
        let size = try Data(contentsOf: URL(fileURLWithPath: snap)).count
        try DumpFixtures.truncate(snap, to: size - 5)
        try expectCorrupt(copy.path, file: snap, offset: nil, reasonContains: nil)
        copy = try DumpFixtures.copy(source.path)
        try DumpFixtures.flip(copy.path + "/" + snapshot, at: size / 2)
        try expectCorrupt(copy.path, file: copy.path + "/" + snapshot, offset: nil, reasonContains: nil)

        // The MANIFEST damaged.
        copy = try DumpFixtures.copy(source.path)
        try DumpFixtures.flip(copy.path + "/MANIFEST", at: 20)
        try expectCorrupt(copy.path, file: copy.path + "/MANIFEST", offset: nil, reasonContains: nil)

        // The snapshot file deleted.
        copy = try DumpFixtures.copy(source.path)
        try FileManager.default.removeItem(atPath: copy.path + "/" + snapshot)
        try expectCorrupt(copy.path, file: copy.path + "/" + snapshot, offset: 0, reasonContains: "missing")
    }

    /// Every single byte of every file flipped in turn (a stride of them
    /// for the larger files): verify's verdict is what opening does, clean
    /// or torn tail ⇔ it opens, corrupt ⇔ it refuses, and a verify that
    /// names a corruption names the file recovery names.
    @Test func verdictAgreesWithRecoveryForFlippedBytes() throws {
        let (source, _) = try DumpFixtures.directory()
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path).sorted() where name != "LOCK" {
            let size = try Data(contentsOf: URL(fileURLWithPath: source.path + "/" + name)).count
            let stride = max(1, size / 40)
            for offset in Swift.stride(from: 0, to: size, by: stride) {
                let copy = try DumpFixtures.copy(source.path)
                try DumpFixtures.flip(copy.path + "/" + name, at: offset)
                try expectAgreement(copy.path, what: "\(name) byte \(offset) flipped")
                checked += 1
            }
        }
        #expect(checked > 150)
    }

    /// The last segment cut at every byte, after a clean close (sealed: a
    /// cut loses synced records, corrupt) and after a crash (a torn tail,
    /// or clean at a record boundary): verify says what opening does.
    @Test(arguments: [false, true]) func verdictAgreesWithRecoveryForEveryCut(crashed: Bool) throws {
        let (source, _) = try DumpFixtures.directory(crashed: crashed)
        let last = DumpFixtures.files(source.path, suffix: ".wal").last!
        let validEnd = try SegmentScanner.scanFile(source.path + "/" + last).validEnd
        for cut in 0..<validEnd {
            let copy = try DumpFixtures.copy(source.path)
            try DumpFixtures.truncate(copy.path + "/" + last, to: cut)
            try expectAgreement(copy.path, what: "\(last) cut at \(cut)")
        }
    }

    private func expectAgreement(_ path: String, what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try Verify.run(path)
        let recovery = DumpFixtures.recoveryOutcome(path)
        #expect(recovery.opened == (outcome.exit != .corrupt),
                "\(what): verify says \(outcome.exit) \(outcome.findings), recovery \(String(describing: recovery.error))",
                sourceLocation: sourceLocation)
        if case .corruption(let file, _, _)? = recovery.error {
            #expect(outcome.findings.contains { $0.file == file }, "\(what): verify \(outcome.findings) vs recovery \(file)",
                    sourceLocation: sourceLocation)
        }
    }

    private func expectCorrupt(_ path: String, file: String?, offset: Int?, reasonContains: String?,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try Verify.run(path)
        #expect(outcome.exit == .corrupt, "\(outcome.findings)", sourceLocation: sourceLocation)
        let finding = outcome.findings.first { $0.kind == .corrupt }
        if let file { #expect(finding?.file == file, sourceLocation: sourceLocation) }
        if let offset { #expect(finding?.offset == offset, sourceLocation: sourceLocation) }
        if let reasonContains {
            #expect(finding?.reason.contains(reasonContains) == true, "\(String(describing: finding))", sourceLocation: sourceLocation)
        }
        #expect(!DumpFixtures.recoveryOutcome(path).opened, "recovery must refuse what verify calls corrupt",
                sourceLocation: sourceLocation)
    }

    private func firstFrames(_ segment: String) throws -> [Int] {
        var offsets: [Int] = []
        _ = try SegmentScanner.scanFile(segment) { offsets.append($0.frameOffset) }
        return offsets
    }
}
