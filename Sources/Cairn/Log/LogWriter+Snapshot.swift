/// The log's side of a rewrite (docs/ARCHITECTURE.md, "Snapshots and
/// background rewrite"): a segment boundary right after the snapshot's
/// record, and the MANIFEST that makes the snapshot the log's new base.
extension LogWriter {
    /// How a requested rotation stands.
    public enum RotationState: Sendable, Equatable {
        case pending
        case done
        case failed(StorageError)
    }

    /// Asks the flusher to start a new segment at record `boundary`, once
    /// every record before it is written (the next flush; wake the log
    /// thread). Called on the command thread when a snapshot of the state
    /// after record `boundary - 1` starts, before any later record exists.
    public func requestRotation(at boundary: UInt64) {
        shared.withLock { shared in
            shared.rotation = boundary
            shared.rotationError = nil
        }
    }

    /// Gives up a requested rotation that has not happened (a failed rewrite).
    public func cancelRotation(at boundary: UInt64) {
        shared.withLock { shared in
            if shared.rotation == boundary { shared.rotation = nil }
        }
    }

    /// Whether the segment starting at `boundary` exists and is listed.
    public func rotationState(at boundary: UInt64) -> RotationState {
        if let error = shared.withLock({ $0.rotationError }) { return .failed(error) }
        let name = DataDirectory.segmentName(firstSequence: boundary)
        return output.withLock { $0.liveSegments.contains(name) } ? .done : .pending
    }

    /// Makes `snapshot` (the state after record `boundary - 1`, its file
    /// synced, its name durable in the directory) the log's base: publishes
    /// a MANIFEST naming it and the segments from `boundary` on. Returns
    /// the files the MANIFEST no longer names (the segments before
    /// `boundary`, the previous snapshot), which the caller deletes now
    /// that the MANIFEST is durable. When publishing fails the old MANIFEST
    /// is put back (best effort) and the error thrown; the old files stay
    /// in use.
    func installSnapshot(_ snapshot: String, boundary: UInt64) throws(StorageError) -> [String] {
        let name = DataDirectory.segmentName(firstSequence: boundary)
        return try output.withLock { (output) throws(StorageError) -> [String] in
            guard let index = output.liveSegments.firstIndex(of: name) else {
                throw .corruption(file: DataDirectory.join(directoryPath, name), offset: 0,
                                  reason: "the rewrite's segment is not in the log")
            }
            let kept = Array(output.liveSegments[index...])
            do throws(StorageError) {
                try publishManifest(snapshot: snapshot, segments: kept)
            } catch {
                try? publishManifest(snapshot: output.snapshot, segments: output.liveSegments)
                throw error
            }
            var obsolete = Array(output.liveSegments[..<index])
            if let old = output.snapshot, old != snapshot { obsolete.append(old) }
            output.liveSegments = kept
            output.segmentByteCounts.removeFirst(index)
            output.snapshot = snapshot
            return obsolete
        }
    }

    /// The snapshot the MANIFEST names now.
    public var snapshotName: String? { output.withLock { $0.snapshot } }

    /// Bytes of log records in the live segments (headers included, the
    /// preallocated space after the last record not).
    public var logByteCount: Int64 {
        output.withLock { output in
            var total = output.segmentByteCounts.reduce(0, +)
            if let current = output.segment, let last = output.segmentByteCounts.last { total += current.endOffset - last }
            return total
        }
    }
}
