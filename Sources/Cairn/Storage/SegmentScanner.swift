/// One record a segment scan read: every frame verified, a long record's
/// parts joined. `effects` is valid only during the callback (the scan
/// reuses its storage).
public struct ScannedRecord {
    /// The record's sequence numbers: one, or one per part of a long record.
    public let sequences: ClosedRange<UInt64>
    public let timestampMilliseconds: Int64
    /// The highest sequence number synced when the record was written.
    public let durableThrough: UInt64
    /// Where its (first) frame starts in the segment file.
    public let frameOffset: Int
    /// Its frames' bytes, headers included.
    public let byteCount: Int
    public let effects: ArraySlice<Effect>
}

/// How a segment scan ended (docs/FORMAT.md, "Reading a segment, and when a
/// frame is bad").
public enum SegmentEnding: Sendable, Equatable {
    /// Stopped at the record the next segment continues after.
    case reachedLimit
    /// The file ends right after the last record.
    case clean
    /// Only zeros (preallocated space) follow the last record.
    case zeroFilled
    /// A torn tail from `offset` on: records written in the last unsynced
    /// batch and cut short by a crash. Recovery truncates it by itself.
    /// `dropped`: the record cut short up to the highest intact frame found
    /// after it; `intactDropped`: how many intact frames are among them.
    case tornTail(offset: Int, reason: String, dropped: ClosedRange<UInt64>, intactDropped: Int)
    /// Damage recovery refuses to open with.
    case corrupt(offset: Int, reason: String)
}

/// What scanning one segment found.
public struct SegmentScan: Sendable, Equatable {
    public var path: String
    public var byteCount: Int
    /// The first record's number as the header gives it (nil: no valid header).
    public var headerFirstSequence: UInt64?
    /// The header's format version (nil: no valid header).
    public var formatVersion: UInt32?
    /// Records read whole (a long record counts once).
    public var recordCount = 0
    /// The last whole record's sequence number (`after` when none).
    public var lastSequence: UInt64
    /// The offset right after the last whole record: the log's valid end.
    public var validEnd = SegmentHeader.byteCount
    public var firstTimestampMilliseconds: Int64?
    public var lastTimestampMilliseconds: Int64?
    public var ending: SegmentEnding = .clean

    /// What verify reports of its ending: nil when it loses nothing.
    public var finding: ScanFinding? {
        switch ending {
        case .corrupt(let offset, let reason):
            ScanFinding(kind: .corrupt, file: path, offset: offset, reason: reason)
        case .tornTail(let offset, let reason, let dropped, let intact):
            ScanFinding(kind: .tornTail, file: path, offset: offset, reason:
                "\(reason); records \(dropped.lowerBound)...\(dropped.upperBound) would be dropped (\(intact) intact, none synced)")
        case .reachedLimit, .clean, .zeroFilled:
            nil
        }
    }
}

/// The one read-only reader of log segments: recovery replays through it,
/// `cairn-dump verify` and `log` read through it. It checks the header,
/// every frame's checksum and number, joins long records, and at the end
/// tells a torn tail (what a crash in the last unsynced batch leaves) from
/// corruption (anything else), with the evidence.
public enum SegmentScanner {
    /// Scans `bytes`, the whole segment file at `path`, whose name says it
    /// starts at `nameFirstSequence`, for records numbered `after + 1` on.
    ///
    /// - `until`: the last record this segment must hold (the next segment
    ///   starts after it); nil for the last segment, where a torn tail may be.
    /// - `sealedThrough`: the MANIFEST's claim that the log was durable
    ///   through this record; a last segment ending before it lost synced data.
    /// - `record`: called with each whole record in order; what it throws
    ///   ends the scan.
    public static func scan(
        _ bytes: Bytes, path: String, nameFirstSequence: UInt64, after: UInt64, until: UInt64?,
        sealedThrough: UInt64 = 0, maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes,
        record: (ScannedRecord) throws(StorageError) -> Void = { _ in }
    ) throws(StorageError) -> SegmentScan {
        var scan = SegmentScan(path: path, byteCount: bytes.count, lastSequence: after)
        let header: SegmentHeader
        do throws(SegmentHeaderError) {
            header = try SegmentHeader(decoding: bytes)
        } catch {
            scan.validEnd = 0
            scan.ending = .corrupt(offset: 0, reason: error.description)
            return scan
        }
        scan.headerFirstSequence = header.firstSequence
        scan.formatVersion = header.formatVersion
        guard header.firstSequence == nameFirstSequence else {
            scan.ending = .corrupt(offset: 16, reason:
                "the header's first sequence number is \(header.firstSequence), the file name says \(nameFirstSequence)")
            return scan
        }
        guard header.firstSequence == after + 1 else {
            scan.ending = .corrupt(offset: 16, reason:
                "the segment starts at record \(header.firstSequence), but the previous segment ends at record \(after)")
            return scan
        }
        let stop = try read(bytes, until: until, maximumPayloadBytes: maximumPayloadBytes, into: &scan, record: record)
        scan.ending = ending(of: bytes, scan: scan, stop: stop, until: until, sealedThrough: sealedThrough,
                             maximumPayloadBytes: maximumPayloadBytes)
        return scan
    }

    /// Scans one segment file on its own (`cairn-dump verify FILE`, `log`):
    /// from the record its name (or, for another name, its header) says it
    /// starts at, as the last segment of a log (a torn tail is possible).
    public static func scanFile(
        _ path: String, fileIO: any FileIO = PosixFileIO(),
        record: (ScannedRecord) throws(StorageError) -> Void = { _ in }
    ) throws(StorageError) -> SegmentScan {
        let bytes = try storageIO { () throws(IOError) in try fileIO.readFile(path) }
        let name = String(path.split(separator: "/").last ?? "")
        let first = max(1, DataDirectory.firstSequence(ofSegmentNamed: name)
            ?? (try? SegmentHeader(decoding: bytes))?.firstSequence ?? 1)
        return try scan(bytes, path: path, nameFirstSequence: first, after: first - 1, until: nil, record: record)
    }

    /// Scans `bytes` (a whole segment file at `path`) from the frame at
    /// `offset` on, for records numbered `after + 1` on, as the last segment
    /// of a log, without checking its header: how salvage reads on past
    /// damage, from the next valid frame it found.
    static func scanRest(
        _ bytes: Bytes, path: String, from offset: Int, after: UInt64,
        maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes,
        record: (ScannedRecord) throws(StorageError) -> Void
    ) throws(StorageError) -> SegmentScan {
        var scan = SegmentScan(path: path, byteCount: bytes.count, lastSequence: after)
        scan.validEnd = offset
        let stop = try read(bytes, until: nil, maximumPayloadBytes: maximumPayloadBytes, into: &scan, record: record)
        scan.ending = ending(of: bytes, scan: scan, stop: stop, until: nil, sealedThrough: 0,
                             maximumPayloadBytes: maximumPayloadBytes)
        return scan
    }

    /// Where and why reading stopped.
    private struct Stop {
        /// The segment ended exactly after a record.
        var isClean = false
        /// A valid record numbered past the expected one.
        var isGap = false
        var reason = ""
    }

    /// Reads the records after `scan.lastSequence` until record `until` (if
    /// given) or the first frame that is not the expected one. A long
    /// record's parts are joined and passed on at its last part; when the
    /// data stops inside one, `validEnd` stays at its first part (where a
    /// torn tail is cut).
    private static func read(
        _ bytes: Bytes, until: UInt64?, maximumPayloadBytes: Int, into scan: inout SegmentScan,
        record: (ScannedRecord) throws(StorageError) -> Void
    ) throws(StorageError) -> Stop {
        // The whole segment is in memory, so frames are decoded in place
        // (`RecordFrame.decodeFrame`, the verdicts `RecordDecoder` gives)
        // rather than copied into a streaming decoder's buffer.
        var stop = Stop()
        // One buffer for every record's effects: decoding reuses its arrays.
        var effects = EffectBuffer()
        var assembler = RecordAssembler()
        var readOffset = scan.validEnd
        var frameSequence = scan.lastSequence
        var recordFirstSequence = frameSequence + 1
        while until.map({ frameSequence < $0 }) ?? true {
            let expected = frameSequence + 1
            let verdict = bytes.withUnsafeBytes {
                RecordFrame.decodeFrame($0, at: readOffset, frameOffset: readOffset,
                                        maximumPayloadBytes: maximumPayloadBytes, into: &effects)
            }
            switch verdict {
            case .record(let frame):
                let header = frame.header
                guard header.sequence == expected else {
                    stop.isGap = header.sequence > expected
                    stop.reason = header.sequence > expected
                        ? "record \(header.sequence) where record \(expected) was expected (a gap)"
                        : "an older record \(header.sequence) where record \(expected) was expected"
                    return stop
                }
                let misplaced = bytes.withUnsafeBytes { buffer -> FrameCorruption? in
                    let start = readOffset + RecordFrame.headerByteCount
                    let payload = UnsafeRawBufferPointer(rebasing: buffer[start..<start + header.payloadByteCount])
                    return assembler.take(frame, payload: payload, into: &effects)
                }
                if let misplaced {
                    stop.reason = "\(misplaced) where record \(expected) was expected"
                    return stop
                }
                frameSequence = header.sequence
                readOffset = frame.nextFrameOffset
                if header.part == .first || header.part == .middle { continue }  // passed on with its last part
                try record(ScannedRecord(
                    sequences: recordFirstSequence...header.sequence, timestampMilliseconds: header.timestampMilliseconds,
                    durableThrough: header.durableThrough, frameOffset: scan.validEnd,
                    byteCount: readOffset - scan.validEnd, effects: effects.current))
                if scan.firstTimestampMilliseconds == nil { scan.firstTimestampMilliseconds = header.timestampMilliseconds }
                scan.lastTimestampMilliseconds = header.timestampMilliseconds
                scan.lastSequence = header.sequence
                scan.recordCount += 1
                scan.validEnd = readOffset
                recordFirstSequence = header.sequence + 1
            case .needMoreBytes:
                stop.isClean = bytes.count == readOffset && assembler.firstPartOffset == nil
                stop.reason = stop.isClean ? "the segment ends before record \(expected)"
                    : "record \(expected) is incomplete (\(bytes.count - scan.validEnd) bytes at the end of the file)"
                return stop
            case .corrupt(let corruption):
                stop.reason = "\(corruption) where record \(expected) was expected"
                return stop
            }
        }
        if assembler.firstPartOffset != nil {
            stop.reason = "the segment ends inside a long record (records \(scan.lastSequence + 1)...\(frameSequence) are its first parts)"
        }
        return stop
    }

    /// The verdict on what follows the last whole record.
    private static func ending(of bytes: Bytes, scan: SegmentScan, stop: Stop, until: UInt64?,
                               sealedThrough: UInt64, maximumPayloadBytes: Int) -> SegmentEnding {
        let end = scan.validEnd
        if let until {
            guard scan.lastSequence == until else {
                return .corrupt(offset: end, reason:
                    "\(stop.reason); the next segment starts at record \(until + 1), so records \(scan.lastSequence + 1)...\(until) are missing")
            }
            return .reachedLimit
        }
        let expected = scan.lastSequence + 1
        // Zeros after the last record (preallocated space) are no loss.
        let restIsZero = stop.isClean || isZero(bytes, from: end)
        if !restIsZero {
            if let later = RecordFrame.laterValidFrame(in: bytes, from: end + 1, expectedSequence: expected,
                                                       maximumPayloadBytes: maximumPayloadBytes) {
                return .corrupt(offset: end, reason:
                    "\(stop.reason), yet record \(later.sequence) (written after record \(later.durableThrough) was durable) follows at offset \(later.frameOffset)")
            } else if stop.isGap {
                return .corrupt(offset: end, reason: stop.reason)
            }
        }
        if scan.lastSequence < sealedThrough {
            return .corrupt(offset: end, reason:
                "\(stop.reason), but the MANIFEST seals the log as durable through record \(sealedThrough): records \(expected)...\(sealedThrough) were synced and are lost")
        }
        if restIsZero { return stop.isClean ? .clean : .zeroFilled }
        let intact = RecordFrame.intactFrames(in: bytes, from: end, expectedSequence: expected,
                                              maximumPayloadBytes: maximumPayloadBytes)
        return .tornTail(offset: end, reason: stop.reason,
                         dropped: expected...max(expected, intact.highestSequence ?? expected), intactDropped: intact.count)
    }

    /// Every byte of `bytes` from `start` on is zero (preallocated or never
    /// written space: no record, no loss).
    static func isZero(_ bytes: Bytes, from start: Int) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var index = start
            // Eight bytes at a time: recovery runs this over preallocated segments.
            while index + 8 <= buffer.count {
                if buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { return false }
                index += 8
            }
            while index < buffer.count {
                if buffer[index] != 0 { return false }
                index += 1
            }
            return true
        }
    }
}
