#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Cairn
import CairnTestSupport

/// The golden write-ahead logs in testdata/wal/ (see its README.md): a known
/// command sequence as a log, and damaged copies of it, each with the outcome
/// recovery must give. Tests copy a golden directory to a temporary one
/// before opening it (opening takes `LOCK` and may cut a torn tail), never
/// open testdata in place.
enum GoldenLog {
    /// The file every golden directory holds.
    static let segmentName = "00000000000000000001.wal"
    /// Far in the future (2100-01-01T00:00:00Z), so no read ever expires it.
    static let farFuture = "4102444800000"
    static let startMilliseconds: Int64 = 1_700_000_000_000

    /// One step of the sequence: a command, a MULTI batch, or a SELECT
    /// (not a write: it logs nothing, later effects carry database 1).
    enum Step {
        case command([String])
        case transaction([[String]])
    }

    /// The documented sequence (README.md lists it with record numbers).
    static let steps: [Step] = [
        .command(["SET", "greeting", "hello"]),
        .command(["SET", "counter", "10"]),
        .command(["INCRBY", "counter", "5"]),
        .command(["HSET", "user:1", "name", "ada", "lang", "swift"]),
        .command(["SET", "session", "token", "PXAT", farFuture]),
        .command(["APPEND", "greeting", ", world"]),
        .transaction([["SET", "a", "1"], ["HSET", "user:1", "age", "36"], ["INCR", "counter"]]),
        .command(["SELECT", "1"]),
        .command(["SET", "other", "db1-value"]),
        .command(["HSET", "h", "f", "v"]),
        .command(["PEXPIREAT", "h", farFuture]),
    ]

    static let recordCount = 10
    /// The good segment's size, and where each record's frame starts.
    static let goodSize = 877
    static let frameOffsets = [32, 104, 172, 242, 342, 443, 520, 655, 728, 797]
    /// `Engine.digest()` after the sequence.
    static let digest = "1dc3eed5eb5b53101eb3a900786d12e9"

    /// Where the torn-tail copy is cut: the middle of the last frame.
    static var tornCut: Int { frameOffsets[9] + (goodSize - frameOffsets[9]) / 2 }
    /// The byte flipped (xor 0x01) in the flipped-byte copy: inside record 5's payload.
    static var flippedOffset: Int { frameOffsets[4] + 40 }

    static func argv(_ words: [String]) -> [Bytes] { words.map { Array($0.utf8) } }

    static var testdata: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("testdata/wal").path
    }

    static func open(_ path: String) throws -> DurableEngine {
        try DurableEngine.open(directory: path, fileIO: PosixFileIO(),
                               configuration: EngineConfiguration(clock: ManualClock(milliseconds: startMilliseconds),
                                                                  randomSeed: 1))
    }

    /// Runs the sequence in a fresh directory with the current code; the
    /// segment's bytes and each frame's offset. The clock advances 1 s per
    /// step; under `.always` each record is synced before the next, so
    /// record n carries durable-through n - 1: the bytes are reproducible.
    static func generate() throws -> (bytes: Data, offsets: [Int], digest: String) {
        let directory = TemporaryDataDirectory()
        let clock = ManualClock(milliseconds: startMilliseconds)
        let store = try DurableEngine.open(directory: directory.path, fileIO: directory.io,
                                           configuration: EngineConfiguration(clock: clock, randomSeed: 1))
        var session = Session()
        for step in steps {
            switch step {
            case .command(let words): _ = try store.execute(argv(words), session: &session)
            case .transaction(let commands): _ = try store.executeTransaction(commands.map(argv), session: &session)
            }
            clock.advance(milliseconds: 1000)
        }
        let digest = store.engine.digest()
        try store.close()
        // The writer preallocates: the file goes on in zeros after the records.
        let file = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + segmentName))
        let offsets = frameOffsets(of: file)
        let end = offsets.last.map { $0 + 32 + Int(file[$0]) + Int(file[$0 + 1]) << 8 } ?? SegmentHeader.byteCount
        let bytes = file.prefix(end)
        return (bytes, frameOffsets(of: bytes), digest)
    }

    /// Where each frame starts: from offset 32, each frame is 32 bytes plus
    /// its u32 little-endian payload length (docs/FORMAT.md, "Record frame").
    static func frameOffsets(of bytes: Data) -> [Int] {
        let bytes = Array(bytes)
        var offsets: [Int] = []
        var offset = SegmentHeader.byteCount
        while offset + 4 <= bytes.count, bytes[offset..<min(bytes.count, offset + 32)].contains(where: { $0 != 0 }) {
            offsets.append(offset)
            let length = (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
            offset += 32 + length
        }
        return offsets
    }

    /// Copies testdata/wal/`name`'s segment into a fresh temporary data
    /// directory, with a MANIFEST listing it (as the writer leaves one).
    static func copy(_ name: String) throws -> TemporaryDataDirectory {
        let directory = TemporaryDataDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: testdata + "/" + name + "/" + segmentName,
                                         toPath: directory.path + "/" + segmentName)
        try Manifest(snapshot: nil, segments: [segmentName]).publish(inDirectory: directory.path, fileIO: PosixFileIO())
        return directory
    }
}

@Suite struct GoldenLogTests {
    /// Rebuilds testdata/wal/ after a deliberate format change (bump the
    /// version in docs/FORMAT.md, then update the constants in `GoldenLog`
    /// and the README from what this prints).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CAIRN_REGENERATE_GOLDEN"] == "1"))
    func regenerateGoldenFiles() throws {
        let (good, offsets, digest) = try GoldenLog.generate()
        print("golden: size \(good.count) frameOffsets \(offsets) digest \(digest)")
        let lastStart = offsets[offsets.count - 1]
        var flipped = good
        flipped[offsets[4] + 40] ^= 0x01
        var badHeader = good
        badHeader[0] ^= 0x20  // "CAIRNWAL" -> "cAIRNWAL"
        let copies: [(String, Data)] = [
            ("good", good),
            ("torn-tail", good.prefix(lastStart + (good.count - lastStart) / 2)),
            ("flipped-byte", flipped),
            ("zero-tail", good + Data(count: 4096)),
            ("bad-header", badHeader),
        ]
        for (name, bytes) in copies {
            let directory = GoldenLog.testdata + "/" + name
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try bytes.write(to: URL(fileURLWithPath: directory + "/" + GoldenLog.segmentName))
        }
    }

    /// The current encoder still writes the golden bytes: a difference is a
    /// format change, which docs/FORMAT.md requires to bump the version.
    @Test func currentEncoderWritesTheGoldenBytes() throws {
        // The golden files are version 1 segments (the read path of version
        // 1 is what the other tests here exercise); version 2 changed only
        // the header's version field, so its frames must be the same bytes.
        let goldenV1 = try Data(contentsOf: URL(fileURLWithPath: GoldenLog.testdata + "/good/" + GoldenLog.segmentName))
        #expect(goldenV1[8] == 1, "testdata/wal holds version 1 segments")
        let golden = Data(SegmentHeader(firstSequence: 1).encoded()) + goldenV1.dropFirst(SegmentHeader.byteCount)
        let (bytes, offsets, digest) = try GoldenLog.generate()
        #expect(offsets == GoldenLog.frameOffsets)
        #expect(digest == GoldenLog.digest)
        let firstDifference = zip(golden, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(golden.count, bytes.count)
        #expect(bytes == golden, """
            the log bytes differ from testdata/wal/good (size \(bytes.count) vs \(golden.count), first difference at \
            offset \(firstDifference)): a format change must bump the version in docs/FORMAT.md and regenerate the \
            golden files (CAIRN_REGENERATE_GOLDEN=1, see testdata/wal/README.md)
            """)
    }

    @Test func goodLogReplaysEveryRecord() throws {
        let directory = try GoldenLog.copy("good")
        let store = try GoldenLog.open(directory.path)
        defer { try? store.close() }
        #expect(store.recovery.recordsReplayed == GoldenLog.recordCount)
        #expect(store.recovery.lastSequence == UInt64(GoldenLog.recordCount))
        #expect(store.recovery.bytesDropped == 0)
        #expect(store.recovery.keysLoaded == 7)
        #expect(store.engine.digest() == GoldenLog.digest)
        let engine = store.engine
        #expect(engine.execute("GET", "greeting") == .bulk(Array("hello, world".utf8)))
        #expect(engine.execute("GET", "counter") == .bulk(Array("16".utf8)))
        #expect(engine.execute("GET", "a") == .bulk(Array("1".utf8)))
        #expect(engine.execute("HGET", "user:1", "name") == .bulk(Array("ada".utf8)))
        #expect(engine.execute("HGET", "user:1", "age") == .bulk(Array("36".utf8)))
        #expect(engine.execute("PEXPIRETIME", "session") == .integer(4_102_444_800_000))
        #expect(engine.execute("GET", "other") == .null, "database 1's key is not in database 0")
        var session = Session()
        _ = engine.execute(GoldenLog.argv(["SELECT", "1"]), session: &session)
        #expect(engine.execute(GoldenLog.argv(["GET", "other"]), session: &session).reply == .bulk(Array("db1-value".utf8)))
        #expect(engine.execute(GoldenLog.argv(["HGET", "h", "f"]), session: &session).reply == .bulk(Array("v".utf8)))
        #expect(engine.execute(GoldenLog.argv(["PEXPIRETIME", "h"]), session: &session).reply == .integer(4_102_444_800_000))
    }

    @Test func tornTailIsCutAndEarlierRecordsKept() throws {
        let directory = try GoldenLog.copy("torn-tail")
        let lastStart = GoldenLog.frameOffsets[GoldenLog.recordCount - 1]
        let store = try GoldenLog.open(directory.path)
        #expect(store.recovery.recordsReplayed == GoldenLog.recordCount - 1)
        #expect(store.recovery.lastSequence == UInt64(GoldenLog.recordCount - 1))
        #expect(store.recovery.bytesDropped == GoldenLog.tornCut - lastStart)
        #expect(store.recovery.truncatedAtOffset == lastStart)
        #expect(store.engine.execute("GET", "greeting") == .bulk(Array("hello, world".utf8)))
        try store.close()
        let size = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + GoldenLog.segmentName)).count
        #expect(size == lastStart, "the torn frame was cut off")
        // New writes continue the numbering where the torn record was.
        let reopened = try GoldenLog.open(directory.path)
        var session = Session()
        _ = try reopened.execute(GoldenLog.argv(["SET", "after", "cut"]), session: &session)
        #expect(reopened.writer.lastSequence == UInt64(GoldenLog.recordCount))
        try reopened.close()
    }

    /// Trailing zeros (preallocated space) end the log cleanly: every
    /// record is replayed, nothing counts as dropped, the zeros stay (the
    /// writer overwrites them) and the next record goes right after the last.
    @Test func zeroTailOpensWithEveryRecord() throws {
        let directory = try GoldenLog.copy("zero-tail")
        let store = try GoldenLog.open(directory.path)
        #expect(store.recovery.recordsReplayed == GoldenLog.recordCount)
        #expect(store.recovery.bytesDropped == 0)
        #expect(store.recovery.truncatedAtOffset == nil)
        #expect(store.engine.digest() == GoldenLog.digest)
        var session = Session()
        _ = try store.execute(GoldenLog.argv(["SET", "after", "zeros"]), session: &session)
        try store.close()
        let reopened = try GoldenLog.open(directory.path)
        #expect(reopened.recovery.recordsReplayed == GoldenLog.recordCount + 1)
        #expect(reopened.engine.execute("GET", "after") == .bulk(Array("zeros".utf8)))
        try reopened.close()
    }

    @Test func flippedByteBeforeLaterRecordsIsRefused() throws {
        let directory = try GoldenLog.copy("flipped-byte")
        let segment = directory.path + "/" + GoldenLog.segmentName
        let frame = GoldenLog.frameOffsets[4]
        #expect {
            _ = try GoldenLog.open(directory.path)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, let offset, let reason) = error else { return false }
            // Record 6 (durable-through 5) is the evidence that record 5 had been synced.
            return file == segment && offset == frame && error.description.contains("offset \(frame)")
                && reason.contains("checksum mismatch") && reason.contains("record 6")
                && reason.contains("offset \(GoldenLog.frameOffsets[5])")
        }
    }

    @Test func damagedMagicIsRefused() throws {
        let directory = try GoldenLog.copy("bad-header")
        let segment = directory.path + "/" + GoldenLog.segmentName
        #expect {
            _ = try GoldenLog.open(directory.path)
        } throws: { error in
            guard let error = error as? StorageError, case .corruption(let file, let offset, let reason) = error else { return false }
            return file == segment && offset == 0 && error.description.contains(segment)
                && reason.contains("not a Cairn log segment")
        }
    }
}
