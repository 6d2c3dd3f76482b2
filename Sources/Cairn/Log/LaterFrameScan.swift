/// The torn-tail proof (docs/FORMAT.md, "When a frame is bad"). When the
/// reader meets a bad or incomplete frame where record E was expected, the
/// bytes are either a torn tail (the write of E, and of nothing after it,
/// was cut short: truncate) or corruption (something after the bad frame was
/// written and must not be silently dropped: refuse to open). The difference
/// is whether a valid frame numbered E or later, written after E was synced
/// (its durable-through is at least E), starts anywhere after it.
extension RecordFrame {
    /// The first valid frame that starts at an index `>= start` of `bytes`,
    /// is numbered `expectedSequence` or later and carries a durable-through
    /// of at least `expectedSequence`, or nil when there is none: the proof
    /// of a torn tail.
    ///
    /// A later frame whose durable-through is below `expectedSequence` was
    /// written in the same unsynced window as E (a group commit, or
    /// `everysec`): the disk may have kept it and lost E, so it proves
    /// nothing was acknowledged past the bad frame and is not evidence.
    ///
    /// Every offset is tried, not only plausible frame boundaries, because a
    /// bad length field says nothing about where the next frame starts.
    /// Frames numbered below `expectedSequence` do not count: they are older
    /// records left in a recycled segment. Frames numbered higher than the
    /// rest of `bytes` could hold after `expectedSequence` do not count
    /// either, which keeps the scan cheap over arbitrary bytes (a checksum is
    /// computed only where the 8 sequence bytes fall in that narrow window).
    /// A frame numbered above `expectedSequence` does count (when its
    /// durable-through says E was synced): when frame E is damaged in place,
    /// E+1 is the evidence that comes after it.
    ///
    /// ```swift
    /// // decoder said .corrupt at offset 4096 of segment `bytes` (file offset 0),
    /// // where record 77 was expected:
    /// if let later = RecordFrame.laterValidFrame(in: bytes, from: 4096 + 1, expectedSequence: 77) {
    ///     // corruption: record \(later.sequence) at \(later.frameOffset) follows the bad frame
    /// } else {
    ///     // torn tail: truncate at 4096
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - bytes: the region to search, typically the rest of the segment.
    ///   - start: the first index of `bytes` where a frame may start (one
    ///     past the bad frame's first byte).
    ///   - baseOffset: the stream offset of `bytes[0]`, for the returned
    ///     record's `frameOffset`.
    ///   - expectedSequence: the sequence number the bad frame should have had.
    public static func laterValidFrame(
        in bytes: Bytes, from start: Int = 0, baseOffset: Int = 0, expectedSequence: UInt64,
        maximumPayloadBytes: Int = defaultMaximumPayloadBytes
    ) -> DecodedRecord? {
        firstValidFrame(in: bytes, from: start, baseOffset: baseOffset,
                        sequences: sequenceWindow(from: expectedSequence, bytesLeft: bytes.count - start),
                               durableThroughAtLeast: expectedSequence, maximumPayloadBytes: maximumPayloadBytes)
    }

    /// The first valid frame at an index `>= start` numbered
    /// `expectedSequence` or later, whatever its durable-through: where
    /// salvage reads on after damage.
    static func nextValidFrame(in bytes: Bytes, from start: Int, expectedSequence: UInt64,
                               maximumPayloadBytes: Int = defaultMaximumPayloadBytes) -> DecodedRecord? {
        firstValidFrame(in: bytes, from: start, baseOffset: 0,
                        sequences: sequenceWindow(from: expectedSequence, bytesLeft: bytes.count - start),
                        durableThroughAtLeast: 0, maximumPayloadBytes: maximumPayloadBytes)
    }

    /// The valid frames numbered `expectedSequence` or later that start at
    /// an index `>= start`, whatever their durable-through, taken in order
    /// (each search resumes after the frame found): what a torn tail cut
    /// off, for the recovery report. The count and the highest number.
    static func intactFrames(in bytes: Bytes, from start: Int, expectedSequence: UInt64,
                             maximumPayloadBytes: Int = defaultMaximumPayloadBytes) -> (count: Int, highestSequence: UInt64?) {
        var count = 0
        var highest: UInt64?
        var index = start
        // The window starts past the last frame found: numbers grow along a batch.
        var lowest = expectedSequence
        while lowest < UInt64.max {
            guard let frame = firstValidFrame(in: bytes, from: index, baseOffset: 0,
                                              sequences: sequenceWindow(from: lowest, bytesLeft: bytes.count - index),
                                              durableThroughAtLeast: 0, maximumPayloadBytes: maximumPayloadBytes)
            else { break }
            count += 1
            highest = frame.sequence
            lowest = frame.sequence + 1
            index = frame.frameOffset + frame.frameByteCount
        }
        return (count, highest)
    }

    /// The numbers a frame found in `bytesLeft` bytes can have, counting
    /// from `lowest`: no more frames than the bytes could hold.
    private static func sequenceWindow(from lowest: UInt64, bytesLeft: Int) -> ClosedRange<UInt64> {
        let room = max(0, bytesLeft) / minimumFrameByteCount
        let (last, overflow) = lowest.addingReportingOverflow(UInt64(room))
        return lowest...(overflow ? UInt64.max : last)
    }

    /// The first valid frame starting at an index `>= start` of `bytes`
    /// whose sequence number is in `sequences` and whose durable-through is
    /// at least `durableThroughAtLeast`.
    static func firstValidFrame(
        in bytes: Bytes, from start: Int, baseOffset: Int, sequences: ClosedRange<UInt64>,
        durableThroughAtLeast: UInt64, maximumPayloadBytes: Int
    ) -> DecodedRecord? {
        bytes.withUnsafeBytes { buffer -> DecodedRecord? in
            var index = max(0, start)
            while index + headerByteCount <= buffer.count {
                defer { index += 1 }
                // Cheapest filters first: the sequence window rejects almost
                // every offset of arbitrary bytes before any checksum work.
                let sequence = buffer.loadLittleEndian(at: index + 8, as: UInt64.self)
                guard sequences.contains(sequence) else { continue }
                let header = readHeader(buffer, at: index)
                guard headerDefect(header, maximumPayloadBytes: maximumPayloadBytes) == nil,
                      header.payloadByteCount <= buffer.count - index - headerByteCount else { continue }
                guard header.durableThrough >= durableThroughAtLeast else { continue }
                if case .record(let record) = decodeBody(buffer, at: index, header, frameOffset: baseOffset + index) {
                    return record
                }
            }
            return nil
        }
    }
}
