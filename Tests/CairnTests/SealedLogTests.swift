import Foundation
import Testing
@testable import Cairn
import CairnTestSupport

/// The sealed log (docs/FORMAT.md, "MANIFEST"), on real files: a clean close
/// and every rotation record in the MANIFEST how far the log is durable, so
/// damage or deletion below that point refuses to open instead of reading
/// as a torn tail; a torn tail past it is dropped and reported record by
/// record, or refused under `aof-load-truncated no`.
@Suite struct SealedLogTests {
    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }
    static let segment = "00000000000000000001.wal"

    static func open(_ directory: TemporaryDataDirectory, policy: FsyncPolicy = .always, segmentSizeLimit: Int = 64 << 20,
                     acceptsTornTail: Bool = true) throws -> DurableEngine {
        // A sync interval no test reaches: under everysec nothing is synced
        // between the writes, so no later frame proves an earlier one durable.
        try DurableEngine.open(directory: directory.path, fileIO: directory.io, policy: policy,
                               configuration: EngineConfiguration(clock: ManualClock(), randomSeed: 1),
                               log: LogConfiguration(segmentSizeLimit: segmentSizeLimit, syncInterval: .seconds(3600),
                                                     acceptsTornTail: acceptsTornTail))
    }

    static func write(_ store: DurableEngine, keys: Range<Int>) throws {
        var session = Session()
        for index in keys { _ = try store.execute(argv("SET", "key:\(index)", "value \(index)"), session: &session) }
    }

    static func bytes(_ path: String) throws -> Bytes { Bytes(try Data(contentsOf: URL(fileURLWithPath: path))) }
    static func store(_ bytes: Bytes, _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// The frames of a segment file, in order.
    static func frames(_ bytes: Bytes) -> [DecodedRecord] {
        LogTestSupport.decode(Array(bytes[SegmentHeader.byteCount...]), startOffset: SegmentHeader.byteCount).records
    }

    static func corruption(_ body: () throws -> Void) -> (file: String, offset: Int, reason: String)? {
        do {
            try body()
        } catch let error as StorageError {
            if case .corruption(let file, let offset, let reason) = error { return (file, offset, reason) }
        } catch {}
        return nil
    }

    /// Issue 12, 3a: one byte flipped in the middle of a cleanly closed log
    /// whose records were never synced one by one (everysec, no) used to
    /// open as a torn tail with half the keys; the seal makes it corruption
    /// naming the file, the damaged record's offset and the lost range.
    @Test(arguments: [FsyncPolicy.everySecond, .no])
    func aFlippedByteBelowTheSealIsRefused(policy: FsyncPolicy) throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory, policy: policy)
        try Self.write(store, keys: 0..<200)
        try store.close()
        let path = directory.path + "/" + Self.segment
        var bytes = try Self.bytes(path)
        let frames = Self.frames(bytes)
        #expect(frames.count == 200)
        #expect(frames[150].durableThrough == 0, "no frame proves another durable: without the seal this reads as a torn tail")
        let damaged = frames[100]
        bytes[damaged.frameOffset + damaged.frameByteCount - 3] ^= 0x20
        try Self.store(bytes, path)

        let refusal = Self.corruption { _ = try Self.open(directory, policy: policy) }
        let found = try #require(refusal, "a flipped byte below the seal must refuse to open")
        #expect(found.file == path)
        #expect(found.offset == damaged.frameOffset)
        #expect(found.reason.contains("records 101...200"), "\(found.reason)")
        #expect(found.reason.contains("durable through record 200"), "\(found.reason)")
        #expect(try Self.bytes(path) == bytes, "a refused open changes no byte")
    }

    /// Issue 12, 3b: the only segment deleted, or truncated to nothing or to
    /// its header, used to open empty without a word.
    @Test(arguments: ["delete", "empty", "header only"])
    func theOnlySegmentLostIsRefused(damage: String) throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        try Self.write(store, keys: 0..<50)
        try store.close()
        let path = directory.path + "/" + Self.segment
        switch damage {
        case "delete": try FileManager.default.removeItem(atPath: path)
        case "empty": try Self.store([], path)
        default: try Self.store(Array(try Self.bytes(path)[..<SegmentHeader.byteCount]), path)
        }
        let found = try #require(Self.corruption { _ = try Self.open(directory) }, "\(damage): opened with the log gone")
        #expect(found.file == path)
        if damage == "header only" { #expect(found.reason.contains("records 1...50"), "\(found.reason)") }
    }

    /// Issue 12, 3c: the last of several segments deleted used to open with
    /// the keys of the earlier ones only.
    @Test func theLastOfSeveralSegmentsDeletedIsRefused() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory, segmentSizeLimit: 2048)
        try Self.write(store, keys: 0..<150)
        try store.close()
        let segments = try directory.io.listDirectory(directory.path).filter { $0.hasSuffix(".wal") }.sorted()
        #expect(segments.count >= 2)
        let last = directory.path + "/" + segments.last!
        try FileManager.default.removeItem(atPath: last)
        let found = try #require(Self.corruption { _ = try Self.open(directory) })
        #expect(found.file == last && found.reason.contains("missing"), "\(found.reason)")
    }

    /// Every rotation seals the log up to the segment it closed, and a
    /// reopen seals everything it recovered.
    @Test func rotationsAndRecoverySeal() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory, segmentSizeLimit: 2048)
        try Self.write(store, keys: 0..<100)
        let live = try #require(try Manifest.read(inDirectory: directory.path, fileIO: directory.io))
        #expect(live.segments.count >= 2)
        let lastFirst = try #require(DataDirectory.firstSequence(ofSegmentNamed: live.segments.last!))
        #expect(live.durableThrough == lastFirst - 1, "the MANIFEST of the last rotation seals what came before")
        try store.close()
        #expect(try Manifest.read(inDirectory: directory.path, fileIO: directory.io)?.durableThrough == 100)
        let reopened = try Self.open(directory, segmentSizeLimit: 2048)
        #expect(reopened.recovery.sealedThrough == 100 && reopened.recovery.lastSequence == 100)
        try reopened.close()
    }

    /// Records past the seal that were never synced (one cut short, two
    /// intact but of the same unsynced batch) are a torn tail: dropped and
    /// reported with their numbers, or refused with aof-load-truncated no.
    @Test func aTornTailPastTheSealIsReportedOrRefused() throws {
        let directory = TemporaryDataDirectory()
        let store = try Self.open(directory)
        try Self.write(store, keys: 0..<10)
        let dataEnd = Int(store.writer.segmentEndOffsetForTesting)
        try store.close()
        let path = directory.path + "/" + Self.segment
        let good = Array(try Self.bytes(path)[..<dataEnd])  // then preallocated zeros
        // Records 11-13 as one unsynced batch (durable-through 10), 11 damaged.
        var tail: Bytes = []
        for sequence in 11...13 as ClosedRange<UInt64> {
            try RecordFrame.append([Effect(database: 0, argv: Self.argv("SET", "late:\(sequence)", "x"))],
                                   sequence: sequence, durableThrough: 10, timestampMilliseconds: 0, to: &tail)
        }
        tail[40] ^= 0x01
        try Self.store(good + tail, path)

        #expect {
            _ = try Self.open(directory, acceptsTornTail: false)
        } throws: { error in
            guard case .tornTailRefused(let file, let offset, let reason)? = error as? StorageError else { return false }
            return file == path && offset == good.count && reason.contains("records 11...13")
        }
        #expect(try Self.bytes(path) == good + tail, "a refused open changes no byte")

        let reopened = try Self.open(directory)
        let report = reopened.recovery
        #expect(report.lastSequence == 10)
        #expect(report.bytesDropped == tail.count && report.truncatedAtOffset == good.count)
        #expect(report.droppedSequences == 11...13 && report.intactRecordsDropped == 2)
        let summary = try #require(report.tornTailSummary)
        #expect(summary.contains("records 11...13") && summary.contains("2 intact") && summary.contains(path), "\(summary)")
        #expect(reopened.engine.execute("EXISTS", "late:12") == .integer(0))
        try reopened.close()
        #expect(try Self.bytes(path) == good, "the tail was cut")
    }
}
