import Foundation

/// What opening a data directory found and did.
public struct RecoveryReport: Sendable, Equatable {
    public var segmentsRead = 0
    public var recordsReplayed = 0
    /// Keys in all databases after replay.
    public var keysLoaded = 0
    /// Bytes of a torn tail cut off the last segment (or of a last segment
    /// whose creation was cut short, removed).
    public var bytesDropped = 0
    /// Where the torn tail was cut, if one was.
    public var truncatedFile: String?
    public var truncatedAtOffset: Int?
    /// The last record's sequence number (0: an empty log).
    public var lastSequence: UInt64 = 0
    public var milliseconds: Double = 0
    /// Segment files the MANIFEST does not list (left alone, not replayed).
    public var unlistedSegments = 0
}

/// Rebuilds an engine from the log (docs/FORMAT.md, "Reading a segment, and
/// when a frame is bad"): every segment in order, sequence numbers
/// continuous across them, each record replayed whole. At the end of the
/// last segment a torn tail is cut off (and the cut synced); any other
/// damage refuses to open, naming file, offset and reason.
enum Recovery {
    static func run(directory: DataDirectory, engine: Engine, configuration: LogConfiguration)
        throws(StorageError) -> (report: RecoveryReport, resume: LogWriter.Resume) {
        let started = ContinuousClock.now
        let fileIO = directory.fileIO
        var report = RecoveryReport()
        var resume = LogWriter.Resume(lastSequence: 0, segmentPath: nil, segmentFirstSequence: 0,
                                      segmentEndOffset: 0, segmentRecordCount: 0)
        var (segments, manifestStale) = try liveSegments(directory, report: &report)
        if let first = segments.first, first.firstSequence != 1 {
            // Interim rule (no snapshots yet): the log starts at record 1.
            throw .corruption(file: first.path, offset: 0,
                              reason: "the log starts at record \(first.firstSequence); records 1...\(first.firstSequence - 1) are missing")
        }
        var lastSequence: UInt64 = 0
        let prefetcher = SegmentPrefetcher(paths: segments.map(\.path), fileIO: fileIO)
        defer { prefetcher.cancel() }
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            let bytes = try prefetcher.next()
            report.segmentsRead += 1
            let header: SegmentHeader
            do throws(SegmentHeaderError) {
                header = try SegmentHeader(decoding: bytes)
            } catch {
                if isLast, bytes.count <= SegmentHeader.byteCount, bytes.allSatisfy({ $0 == 0 }) {
                    // Its creation was cut short before the header was
                    // durable, so no record can be in it: remove it. (Records
                    // go in only after the header is synced, so a longer
                    // zeroed file lost synced data: corruption.)
                    try storageIO { () throws(IOError) in try fileIO.unlink(segment.path) }
                    try storageIO { () throws(IOError) in try fileIO.syncDirectory(directory.path) }
                    report.bytesDropped += bytes.count
                    report.truncatedFile = segment.path
                    report.truncatedAtOffset = 0
                    segments.removeLast()
                    manifestStale = true
                    break
                }
                throw .corruption(file: segment.path, offset: 0, reason: error.description)
            }
            guard header.firstSequence == segment.firstSequence else {
                throw .corruption(file: segment.path, offset: 16, reason:
                    "the header's first sequence number is \(header.firstSequence), the file name says \(segment.firstSequence)")
            }
            guard header.firstSequence == lastSequence + 1 else {
                throw .corruption(file: segment.path, offset: 16, reason:
                    "the segment starts at record \(header.firstSequence), but the previous segment ends at record \(lastSequence)")
            }
            let stopAt: UInt64? = isLast ? nil : segments[index + 1].firstSequence - 1
            let end = try replay(bytes, path: segment.path, until: stopAt, after: lastSequence,
                                 engine: engine, configuration: configuration)
            report.recordsReplayed += end.recordCount
            lastSequence = end.lastSequence
            if let stopAt, lastSequence != stopAt {
                throw .corruption(file: segment.path, offset: end.offset, reason:
                    "\(end.stop); the next segment starts at record \(stopAt + 1), so records \(lastSequence + 1)...\(stopAt) are missing")
            }
            guard isLast else { continue }
            var endOffset = end.offset
            if end.isClean {
                endOffset = bytes.count
            } else if let later = RecordFrame.laterValidFrame(
                in: bytes, from: end.offset + 1, expectedSequence: lastSequence + 1,
                maximumPayloadBytes: configuration.maximumPayloadBytes) {
                throw .corruption(file: segment.path, offset: end.offset, reason:
                    "\(end.stop), yet record \(later.sequence) (written after record \(later.durableThrough) was durable) follows at offset \(later.frameOffset)")
            } else if end.isGap {
                throw .corruption(file: segment.path, offset: end.offset, reason: end.stop)
            }
            try cutAndSync(segment.path, at: endOffset, fileIO: fileIO)
            if endOffset < bytes.count {
                report.bytesDropped += bytes.count - endOffset
                report.truncatedFile = segment.path
                report.truncatedAtOffset = endOffset
            }
            resume.segmentPath = segment.path
            resume.segmentFirstSequence = segment.firstSequence
            resume.segmentEndOffset = Int64(endOffset)
            resume.segmentRecordCount = Int(lastSequence + 1 - segment.firstSequence)
        }
        resume.segmentNames = segments.map { DataDirectory.segmentName(firstSequence: $0.firstSequence) }
        if manifestStale {
            try Manifest(snapshot: nil, segments: resume.segmentNames).publish(inDirectory: directory.path, fileIO: fileIO)
        }
        resume.lastSequence = lastSequence
        report.lastSequence = lastSequence
        report.keysLoaded = engine.keyspace.databases.reduce(0) { $0 + $1.main.count }
        let elapsed = ContinuousClock.now - started
        report.milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return (report, resume)
    }

    /// The segments the MANIFEST lists, in its order, and whether it must be
    /// republished: the last listed segment may be missing (the writer lists
    /// a segment before creating it; a crash came in between), any other
    /// missing one is corruption. Segment files it does not list are left
    /// alone and counted: they hold no record anyone was told about. No
    /// MANIFEST: a new directory, unless segments are there.
    private static func liveSegments(_ directory: DataDirectory, report: inout RecoveryReport)
        throws(StorageError) -> (segments: [DataDirectory.Segment], manifestStale: Bool) {
        let onDisk = try directory.segments()
        guard let manifest = try Manifest.read(inDirectory: directory.path, fileIO: directory.fileIO) else {
            guard onDisk.isEmpty else {
                throw .corruption(file: DataDirectory.join(directory.path, Manifest.fileName), offset: 0, reason:
                    "the MANIFEST is missing, but the directory holds \(onDisk.count) log segment(s), from \(onDisk[0].path)")
            }
            return ([], false)
        }
        var listed = manifest.segments.map { name in
            DataDirectory.Segment(path: DataDirectory.join(directory.path, name),
                                  firstSequence: DataDirectory.firstSequence(ofSegmentNamed: name) ?? 0)
        }
        var stale = false
        for (index, segment) in listed.enumerated() where !directory.fileIO.fileExists(segment.path) {
            guard index == listed.count - 1 else {
                throw .corruption(file: segment.path, offset: 0, reason: "the segment is listed in the MANIFEST but missing")
            }
            listed.removeLast()
            stale = true
        }
        report.unlistedSegments = onDisk.filter { !listed.contains($0) }.count
        return (listed, stale)
    }

    /// Where replay of one segment stopped.
    private struct End {
        var offset: Int
        var lastSequence: UInt64
        var recordCount = 0
        /// The segment ended exactly after a record.
        var isClean = false
        /// A valid record numbered past the expected one.
        var isGap = false
        var stop = ""
    }

    /// Replays the segment's records numbered `after + 1` on, until record
    /// `until` (if given) or the first frame that is not the expected record.
    private static func replay(_ bytes: Bytes, path: String, until: UInt64?, after: UInt64,
                               engine: Engine, configuration: LogConfiguration) throws(StorageError) -> End {
        // The whole segment is in memory, so frames are decoded in place
        // (`RecordFrame.decodeFrame`, the verdicts `RecordDecoder` gives)
        // rather than copied into a streaming decoder's buffer.
        var end = End(offset: SegmentHeader.byteCount, lastSequence: after)
        // One buffer for every record's effects: decoding reuses its arrays.
        var effects = EffectBuffer()
        while until.map({ end.lastSequence < $0 }) ?? true {
            let expected = end.lastSequence + 1
            let verdict = bytes.withUnsafeBytes {
                RecordFrame.decodeFrame($0, at: end.offset, frameOffset: end.offset,
                                        maximumPayloadBytes: configuration.maximumPayloadBytes, into: &effects)
            }
            switch verdict {
            case .record(let frame):
                let record = frame.header
                guard record.sequence == expected else {
                    end.isGap = record.sequence > expected
                    end.stop = record.sequence > expected
                        ? "record \(record.sequence) where record \(expected) was expected (a gap)"
                        : "an older record \(record.sequence) where record \(expected) was expected"
                    return end
                }
                do throws(ReplayError) {
                    try engine.replay(effects.current)
                } catch {
                    throw .replayFailed(file: path, offset: frame.frameOffset, message: error.description)
                }
                end.lastSequence = record.sequence
                end.recordCount += 1
                end.offset = frame.nextFrameOffset
            case .needMoreBytes:
                let remaining = bytes.count - end.offset
                end.isClean = remaining == 0
                end.stop = end.isClean ? "the segment ends before record \(expected)"
                    : "record \(expected) is incomplete (\(remaining) bytes at the end of the file)"
                return end
            case .corrupt(let corruption):
                end.stop = "\(corruption) where record \(expected) was expected"
                return end
            }
        }
        return end
    }

    /// Cuts the last segment at `offset` (a no-op cut when it already ends
    /// there) and syncs it: the records kept may so far be only in the page
    /// cache (after a process crash), and the writer reports them durable.
    private static func cutAndSync(_ path: String, at offset: Int, fileIO: any FileIO) throws(StorageError) {
        let handle = try storageIO { () throws(IOError) in try fileIO.open(path, .readWrite, options: []) }
        defer { try? fileIO.close(handle) }
        try storageIO { () throws(IOError) in
            if try fileIO.size(handle) != Int64(offset) { try fileIO.truncate(handle, to: Int64(offset)) }
            try fileIO.fdatasync(handle)
        }
    }
}
