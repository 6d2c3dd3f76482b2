/// Reads record frames from a byte stream that arrives in pieces of any
/// size, as swift-nio's `ByteToMessageDecoder`: feed bytes with `append`,
/// then call `next()` until it answers `.needMoreBytes`. It can stop at any
/// byte and resume, and never buffers more than it was given (a declared
/// length is a claim, not a budget: it is checked against the maximum before
/// anything waits for it).
///
/// ```swift
/// var decoder = RecordDecoder(startOffset: SegmentHeader.byteCount)
/// decoder.append(chunk)
/// loop: while true {
///     switch decoder.next() {
///     case .record(let record): apply(record.effects)
///     case .needMoreBytes: break loop          // read more, or at end of file: torn tail?
///     case .corrupt(let corruption): throw corruption   // then prove torn tail vs corruption
///     }
/// }
/// ```
///
/// A verdict of `.corrupt` is sticky: the decoder never reads past a bad
/// frame, because nothing after it can be trusted to start on a frame
/// boundary. Whether the bad frame is a torn tail or corruption is for
/// `RecordFrame.laterValidFrame` to decide. Sequence continuity (each record
/// numbered one more than the last) is the reader's check, not the decoder's.
public struct RecordDecoder: Sendable {
    private enum State: Sendable {
        /// At a frame boundary; the next 32 bytes are a header.
        case awaitingHeader
        /// The header is read and plausible; waiting for the payload.
        case awaitingPayload(RecordFrame.Header)
        /// A bad frame was found; every later call repeats the verdict.
        case failed(FrameCorruption)
    }

    /// Largest payload accepted; a longer declared length is corruption.
    public let maximumPayloadBytes: Int
    /// The stream offset of the next frame: after the last record returned.
    public private(set) var nextFrameOffset: Int

    private var state = State.awaitingHeader
    private var buffer: Bytes = []
    /// The index in `buffer` of the byte at `nextFrameOffset`.
    private var readIndex = 0

    /// Consumed bytes are dropped from the buffer's front once at least this
    /// many have gathered and they are half of it, so memory stays near the
    /// size of one frame and compaction copies each byte O(1) times.
    private static let compactionThresholdBytes = 64 * 1024

    /// - Parameter startOffset: the stream offset of the first byte appended
    ///   (`SegmentHeader.byteCount` when reading a segment after its header);
    ///   records and corruption verdicts report offsets from it.
    public init(startOffset: Int = 0, maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes) {
        self.nextFrameOffset = startOffset
        self.maximumPayloadBytes = maximumPayloadBytes
    }

    /// Bytes given but not yet returned as records: a partial frame, or the
    /// start of a bad one. Zero at a clean end of stream.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: Bytes) {
        buffer.append(contentsOf: bytes)
    }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// The next record, or `.needMoreBytes`, or why the frame at
    /// `nextFrameOffset` is not a record.
    public mutating func next() -> FrameDecodeResult {
        switch state {
        case .failed(let corruption):
            return .corrupt(corruption)
        case .awaitingHeader:
            guard bufferedByteCount >= RecordFrame.headerByteCount else { return .needMoreBytes }
            let header = buffer.withUnsafeBytes { RecordFrame.readHeader($0, at: readIndex) }
            if let defect = RecordFrame.headerDefect(header, maximumPayloadBytes: maximumPayloadBytes) {
                return fail(defect)
            }
            state = .awaitingPayload(header)
            return readPayload(header)
        case .awaitingPayload(let header):
            return readPayload(header)
        }
    }

    private mutating func readPayload(_ header: RecordFrame.Header) -> FrameDecodeResult {
        guard bufferedByteCount >= RecordFrame.headerByteCount + header.payloadByteCount else { return .needMoreBytes }
        let result = buffer.withUnsafeBytes {
            RecordFrame.decodeBody($0, at: readIndex, header, frameOffset: nextFrameOffset)
        }
        switch result {
        case .record(let record):
            readIndex += record.frameByteCount
            nextFrameOffset += record.frameByteCount
            state = .awaitingHeader
            compact()
        case .corrupt(let corruption):
            state = .failed(corruption)
        case .needMoreBytes:
            break
        }
        return result
    }

    private mutating func fail(_ reason: FrameCorruption.Reason) -> FrameDecodeResult {
        let corruption = FrameCorruption(frameOffset: nextFrameOffset, reason: reason)
        state = .failed(corruption)
        return .corrupt(corruption)
    }

    private mutating func compact() {
        if readIndex == buffer.count {
            // Keep a modest buffer for the next frames, not a huge one.
            buffer.removeAll(keepingCapacity: buffer.capacity <= 4 * RecordDecoder.compactionThresholdBytes)
            readIndex = 0
        } else if readIndex >= RecordDecoder.compactionThresholdBytes, readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}

/// What `RecordDecoder.next()` found.
public enum FrameDecodeResult: Sendable, Equatable {
    /// A frame whose checksum, sequence number and payload are all valid.
    case record(DecodedRecord)
    /// The frame at the current offset is not complete yet. At the end of a
    /// segment this is a torn tail candidate, proved like `.corrupt`.
    case needMoreBytes
    /// The frame at the current offset is not a valid record.
    case corrupt(FrameCorruption)
}

/// A verified record and where its frame lies in the stream.
public struct DecodedRecord: Sendable, Equatable {
    public let sequence: UInt64
    /// The highest sequence number the writer knew to be on stable storage
    /// when it wrote this frame (always below `sequence`; 0 when none). The
    /// torn-tail proof counts this frame as evidence against a bad frame E
    /// only when it is at least E.
    public let durableThrough: UInt64
    /// The wall-clock time the writer stamped (informational: replay never
    /// reads the clock).
    public let timestampMilliseconds: Int64
    /// One or more effects, applied together.
    public let effects: [Effect]
    /// The stream offset of the frame's first byte.
    public let frameOffset: Int
    /// Header and payload.
    public let frameByteCount: Int

    /// The offset just after this frame, where the next one starts.
    public var nextFrameOffset: Int { frameOffset + frameByteCount }
}

/// A frame that is not a record: where it starts and why. The reader adds
/// the file name and decides torn tail vs corruption.
public struct FrameCorruption: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream offset of the bad frame's first byte (where a torn tail
    /// would be truncated).
    public let frameOffset: Int
    public let reason: Reason

    public enum Reason: Sendable, Equatable {
        /// The 32 header bytes are all zero: preallocated or never-written
        /// space, the usual end of a preallocated segment.
        case zeroFilled
        /// The length field claims more than the maximum payload.
        case lengthBeyondLimit(declared: Int, limit: Int)
        /// The stored and computed masked CRC-32C differ.
        case checksumMismatch(stored: UInt32, computed: UInt32)
        /// A checksummed frame numbered 0 (sequence numbers start at 1).
        case zeroSequence
        /// A checksummed frame whose durable-through is not below its own
        /// sequence number (a frame cannot be durable before it is written).
        case durableThroughNotBelowSequence(durableThrough: UInt64, sequence: UInt64)
        /// A checksummed frame with an empty payload.
        case zeroEffects
        /// A checksummed effect naming a database outside 0-15.
        case databaseOutOfRange(database: Int, payloadOffset: Int)
        /// A checksummed payload that is not well-formed effects; the
        /// offset is from the payload's first byte.
        case malformedEffect(payloadOffset: Int, MalformedEffect)
    }

    public var description: String {
        "bad frame at offset \(frameOffset): " + reasonDescription
    }

    private var reasonDescription: String {
        switch reason {
        case .zeroFilled:
            return "zero-filled header (preallocated or unwritten space)"
        case .lengthBeyondLimit(let declared, let limit):
            return "declared payload length \(declared) exceeds the maximum \(limit)"
        case .checksumMismatch(let stored, let computed):
            return "checksum mismatch: stored \(Hex.word(stored)), computed \(Hex.word(computed))"
        case .zeroSequence:
            return "sequence number 0 in a checksummed frame"
        case .durableThroughNotBelowSequence(let durable, let sequence):
            return "durable-through \(durable) is not below the frame's sequence number \(sequence)"
        case .zeroEffects:
            return "checksummed frame with an empty payload"
        case .databaseOutOfRange(let database, let offset):
            return "effect at payload offset \(offset) names database \(database), outside 0-15"
        case .malformedEffect(let offset, let defect):
            return "malformed effect at payload offset \(offset): \(defect)"
        }
    }
}
