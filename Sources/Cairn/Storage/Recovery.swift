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
    /// The records a torn tail held, from the first one cut short to the
    /// highest numbered intact frame found in the dropped bytes (none was
    /// synced: their frames were written in the unsynced batch of the first).
    public var droppedSequences: ClosedRange<UInt64>?
    /// Intact frames among the dropped bytes (written in the same unsynced
    /// batch as the record that was cut short, so dropped with it).
    public var intactRecordsDropped = 0
    /// How far the MANIFEST said the log was durable (its seal; 0: no claim).
    public var sealedThrough: UInt64 = 0
    /// The last record's sequence number (0: an empty log).
    public var lastSequence: UInt64 = 0
    public var milliseconds: Double = 0
    /// Segment files the MANIFEST does not list (left alone, not replayed).
    public var unlistedSegments = 0
    /// The snapshot the log starts after (nil: none; the log starts at record 1).
    public var snapshotName: String?
    /// The record the snapshot holds the state after.
    public var snapshotSequence: UInt64 = 0
    public var snapshotKeys: UInt64 = 0
    public var snapshotBytes: Int64 = 0
    /// Files a rewrite left that no MANIFEST names (an older snapshot or
    /// segments it replaced, a snapshot it never published), removed.
    public var obsoleteFilesRemoved = 0

    /// One line on what a torn tail cost, for the startup log; nil when
    /// nothing was dropped.
    public var tornTailSummary: String? {
        guard bytesDropped > 0, let file = truncatedFile, let offset = truncatedAtOffset else { return nil }
        var text = "torn tail dropped: \(bytesDropped) bytes from offset \(offset) of \(file)"
        if let range = droppedSequences {
            text += range.count == 1 ? ", record \(range.lowerBound)" : ", records \(range.lowerBound)...\(range.upperBound)"
            text += " (\(intactRecordsDropped) intact, written in the same unsynced batch as record \(range.lowerBound), which was cut short)"
            text += "; none of them had been synced"
        }
        return text
    }
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
        // One listing serves both the segments and the leftovers of a rewrite.
        let names = try directory.fileNames()
        var (segments, manifest, manifestStale) = try liveSegments(directory, names: names, report: &report)
        if manifest == nil {
            // A new directory gets its MANIFEST before its first segment, so
            // a directory holding segments always has one (missing: lost).
            let empty = Manifest(segments: [])
            try empty.publish(inDirectory: directory.path, fileIO: fileIO)
            manifest = empty
        }
        let sealed = manifest?.durableThrough ?? 0
        report.sealedThrough = sealed
        var lastSequence: UInt64 = 0
        if let name = manifest?.snapshot {
            lastSequence = try loadSnapshot(name, directory: directory.path, fileIO: fileIO, engine: engine, report: &report)
        }
        try removeObsoleteFiles(directory, names: names, keeping: manifest?.snapshot,
                                before: lastSequence + 1, listed: segments, report: &report)
        if let first = segments.first, let reason = LogLayout.logStartDefect(first, after: lastSequence) {
            throw .corruption(file: first.path, offset: 0, reason: reason)
        }
        var segmentEnds: [Int64] = []
        let prefetcher = SegmentPrefetcher(paths: segments.map(\.path), fileIO: fileIO)
        defer { prefetcher.cancel() }
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            let bytes = try prefetcher.next()
            report.segmentsRead += 1
            if isLast, manifest?.listsSegmentsBeforeCreation == true,
               bytes.count <= SegmentHeader.byteCount, bytes.allSatisfy({ $0 == 0 }) {
                // A version 1 MANIFEST listed the segment before it was
                // created: its creation was cut short before the header
                // was durable, so no record can be in it: remove it.
                // (Records go in only after the header is synced, so a
                // longer zeroed file lost synced data: corruption.) A
                // version 2 MANIFEST lists only created segments.
                try storageIO { () throws(IOError) in try fileIO.unlink(segment.path) }
                try storageIO { () throws(IOError) in try fileIO.syncDirectory(directory.path) }
                report.bytesDropped += bytes.count
                report.truncatedFile = segment.path
                report.truncatedAtOffset = 0
                segments.removeLast()
                manifestStale = true
                break
            }
            let stopAt: UInt64? = isLast ? nil : segments[index + 1].firstSequence - 1
            let scan = try SegmentScanner.scan(
                bytes, path: segment.path, nameFirstSequence: segment.firstSequence, after: lastSequence,
                until: stopAt, sealedThrough: sealed, maximumPayloadBytes: configuration.maximumPayloadBytes
            ) { record throws(StorageError) in
                do throws(ReplayError) {
                    try engine.replay(record.effects)
                } catch {
                    throw .replayFailed(file: segment.path, offset: record.frameOffset, message: error.description)
                }
            }
            report.recordsReplayed += scan.recordCount
            lastSequence = scan.lastSequence
            var endOffset = scan.validEnd
            var cut = true
            switch scan.ending {
            case .corrupt(let offset, let reason):
                throw .corruption(file: segment.path, offset: offset, reason: reason)
            case .reachedLimit:
                break
            case .clean:
                endOffset = bytes.count
                cut = false
            case .zeroFilled:
                cut = false
            case .tornTail(let offset, let reason, let dropped, let intact):
                report.bytesDropped += bytes.count - offset
                report.truncatedFile = segment.path
                report.truncatedAtOffset = offset
                report.droppedSequences = dropped
                report.intactRecordsDropped = intact
                guard configuration.acceptsTornTail else {
                    throw .tornTailRefused(file: segment.path, offset: offset, reason:
                        "\(reason); \(report.tornTailSummary ?? "")")
                }
            }
            segmentEnds.append(Int64(endOffset))
            guard isLast else { continue }
            try cutAndSync(segment.path, at: cut ? endOffset : nil, fileIO: fileIO)
            resume.segmentPath = segment.path
            resume.segmentFirstSequence = segment.firstSequence
            resume.segmentEndOffset = Int64(endOffset)
            resume.segmentRecordCount = Int(lastSequence + 1 - segment.firstSequence)
        }
        resume.segmentByteCounts = segmentEnds
        if segments.isEmpty, let reason = LogLayout.unheldSealDefect(sealed, after: lastSequence) {
            throw .corruption(file: DataDirectory.join(directory.path, Manifest.fileName), offset: 0, reason: reason)
        }
        resume.segmentNames = segments.map { DataDirectory.segmentName(firstSequence: $0.firstSequence) }
        resume.snapshotName = manifest?.snapshot
        // Every record kept is durable now (the last segment was synced):
        // seal them, so a later loss of any reads as corruption.
        if let manifest, manifestStale || manifest.version != Manifest.currentVersion || manifest.durableThrough != lastSequence {
            try Manifest(snapshot: manifest.snapshot, durableThrough: lastSequence, segments: resume.segmentNames)
                .publish(inDirectory: directory.path, fileIO: fileIO)
        }
        resume.lastSequence = lastSequence
        report.lastSequence = lastSequence
        report.keysLoaded = engine.keyCount
        let elapsed = ContinuousClock.now - started
        report.milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return (report, resume)
    }

    /// The segments the MANIFEST lists, in its order, and whether it must be
    /// republished (`LogLayout.listedSegments`); a missing one is
    /// corruption. Segment files it does not list are left
    /// alone and counted: they hold no record anyone was told about. No
    /// MANIFEST: a new directory, unless segments are there.
    private static func liveSegments(_ directory: DataDirectory, names: [String], report: inout RecoveryReport)
        throws(StorageError) -> (segments: [DataDirectory.Segment], manifest: Manifest?, manifestStale: Bool) {
        let onDisk = directory.segments(among: names)
        guard let manifest = try Manifest.read(inDirectory: directory.path, fileIO: directory.fileIO) else {
            if let defect = LogLayout.missingManifestDefect(directory.path, onDisk: onDisk) {
                throw .corruption(file: defect.file, offset: 0, reason: defect.reason)
            }
            return ([], nil, false)
        }
        let listed = LogLayout.listedSegments(manifest, directory: directory.path, fileIO: directory.fileIO)
        if let defect = listed.defect { throw .corruption(file: defect.file, offset: 0, reason: defect.reason) }
        report.unlistedSegments = onDisk.filter { !listed.segments.contains($0) }.count
        return (listed.segments, manifest, listed.stale)
    }

    /// Removes what a rewrite left behind that the MANIFEST does not name:
    /// other snapshots, files being written (`.tmp`, MANIFEST.tmp), and unlisted segments
    /// of records the snapshot already holds (`names`: the directory's
    /// listing). Counts them in `report`; the unlisted segments it removes
    /// no longer count as unlisted.
    private static func removeObsoleteFiles(_ directory: DataDirectory, names: [String], keeping snapshot: String?,
                                            before first: UInt64, listed: [DataDirectory.Segment],
                                            report: inout RecoveryReport) throws(StorageError) {
        let fileIO = directory.fileIO
        var removed = 0
        for name in names {
            let obsolete: Bool
            if name == Manifest.temporaryName {
                obsolete = true  // a publish cut short: the MANIFEST it would have replaced is in force
            } else if name.hasSuffix(DataDirectory.snapshotSuffix) || name.hasSuffix(DataDirectory.snapshotSuffix + DataDirectory.temporarySuffix) {
                obsolete = name != snapshot
            } else if let segmentFirst = DataDirectory.firstSequence(ofSegmentNamed: name) {
                obsolete = segmentFirst < first && !listed.contains { $0.firstSequence == segmentFirst }
                if obsolete { report.unlistedSegments -= 1 }
            } else {
                obsolete = false
            }
            guard obsolete else { continue }
            do throws(IOError) {
                try fileIO.unlink(DataDirectory.join(directory.path, name))
            } catch where error.errno == .noSuchFile {
                // Gone since the listing: a MANIFEST published during this
                // open replaced the MANIFEST.tmp a cut-short publish left.
                continue
            } catch {
                throw .io(error)
            }
            removed += 1
        }
        if removed > 0 { try storageIO { () throws(IOError) in try fileIO.syncDirectory(directory.path) } }
        report.obsoleteFilesRemoved = removed
    }

    /// Cuts the last segment at `offset` (none: keep its length, zeros
    /// after the last record) and syncs it: the records kept may so far be
    /// only in the page cache (after a process crash), and the writer
    /// reports them durable. The cut erases the torn tail's bytes, so none
    /// of its intact frames can be read back after new records overwrite the
    /// start of it.
    private static func cutAndSync(_ path: String, at offset: Int?, fileIO: any FileIO) throws(StorageError) {
        let handle = try storageIO { () throws(IOError) in try fileIO.open(path, .readWrite, options: []) }
        defer { try? fileIO.close(handle) }
        try storageIO { () throws(IOError) in
            if let offset, try fileIO.size(handle) != Int64(offset) { try fileIO.truncate(handle, to: Int64(offset)) }
            try fileIO.fdatasync(handle)
        }
    }
}
