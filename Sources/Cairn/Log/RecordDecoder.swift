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
    /// The stream offset where the next record starts: after the last
    /// record returned (a long record's first part while its parts are
    /// still coming; where a torn tail would be cut).
    public var nextFrameOffset: Int { assembler.firstPartOffset ?? readOffset }

    private var state = State.awaitingHeader
    private var buffer: Bytes = []
    /// The index in `buffer` of the byte at `readOffset`.
    private var readIndex = 0
    /// The stream offset of the next frame to read.
    private var readOffset: Int
    /// The parts of a long record read so far.
    private var assembler = RecordAssembler()

    /// Consumed bytes are dropped from the buffer's front once at least this
    /// many have gathered and they are half of it, so memory stays near the
    /// size of one frame and compaction copies each byte O(1) times.
    private static let compactionThresholdBytes = 64 * 1024

    /// - Parameter startOffset: the stream offset of the first byte appended
    ///   (`SegmentHeader.byteCount` when reading a segment after its header);
    ///   records and corruption verdicts report offsets from it.
    public init(startOffset: Int = 0, maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes) {
        self.readOffset = startOffset
        self.maximumPayloadBytes = maximumPayloadBytes
    }

    /// Bytes given but not yet returned as records: a partial frame, the
    /// parts of a long record so far, or the start of a bad frame. Zero at a
    /// clean end of stream.
    public var bufferedByteCount: Int { unreadByteCount + (readOffset - nextFrameOffset) }

    private var unreadByteCount: Int { buffer.count - readIndex }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: Bytes) {
        buffer.append(contentsOf: bytes)
    }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// The next record (a long record once its last part is read), or
    /// `.needMoreBytes`, or why the frame at the read position is not one.
    public mutating func next() -> FrameDecodeResult {
        while true {
            let result: FrameDecodeResult
            switch state {
            case .failed(let corruption):
                return .corrupt(corruption)
            case .awaitingHeader:
                guard unreadByteCount >= RecordFrame.headerByteCount else { return .needMoreBytes }
                let header = buffer.withUnsafeBytes { RecordFrame.readHeader($0, at: readIndex) }
                if let defect = RecordFrame.headerDefect(header, maximumPayloadBytes: maximumPayloadBytes) {
                    return fail(defect)
                }
                state = .awaitingPayload(header)
                result = readPayload(header)
            case .awaitingPayload(let header):
                result = readPayload(header)
            }
            if case .record(let frame) = result, frame.part != .whole { continue }  // a part taken; read on
            return result
        }
    }

    private mutating func readPayload(_ header: RecordFrame.Header) -> FrameDecodeResult {
        guard unreadByteCount >= RecordFrame.headerByteCount + header.payloadByteCount else { return .needMoreBytes }
        var effects = EffectBuffer()
        let frameOffset = readOffset
        let index = readIndex
        let recordStart = nextFrameOffset  // this frame, or the first part of the record it continues
        let verdict = buffer.withUnsafeBytes { bytes -> Result<RecordFrame.VerifiedFrame, FrameCorruption> in
            switch RecordFrame.decodeBody(bytes, at: index, header, frameOffset: frameOffset, into: &effects) {
            case .record(let frame):
                let start = index + RecordFrame.headerByteCount
                let payload = UnsafeRawBufferPointer(rebasing: bytes[start..<start + header.payloadByteCount])
                if let corruption = assembler.take(frame, payload: payload, into: &effects) { return .failure(corruption) }
                return .success(frame)
            case .corrupt(let corruption): return .failure(corruption)
            case .needMoreBytes: preconditionFailure("the whole frame is buffered")
            }
        }
        switch verdict {
        case .success(let frame):
            readIndex += frame.frameByteCount
            readOffset += frame.frameByteCount
            state = .awaitingHeader
            compact()
            guard assembler.firstPartOffset == nil else { return .record(frame.record([])) }
            let record = frame.record(effects.effects)
            return .record(DecodedRecord(sequence: record.sequence, durableThrough: record.durableThrough,
                                         timestampMilliseconds: record.timestampMilliseconds, effects: record.effects,
                                         frameOffset: recordStart, frameByteCount: readOffset - recordStart))
        case .failure(let corruption):
            state = .failed(corruption)
            return .corrupt(corruption)
        }
    }

    private mutating func fail(_ reason: FrameCorruption.Reason) -> FrameDecodeResult {
        let corruption = FrameCorruption(frameOffset: readOffset, reason: reason)
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

/// Joins the parts of a long record (docs/FORMAT.md, "Long records"): a
/// first part, middle parts, a last part, numbered one after another, in
/// one segment. Only the joined payload is effects. `RecordDecoder` and
/// recovery share it, so both accept the same part sequences.
struct RecordAssembler {
    /// The joined payload so far.
    private(set) var payload: Bytes = []
    /// The first part's offset, while parts are pending.
    private(set) var firstPartOffset: Int?

    /// Takes a verified frame whose payload is `bytes`. For a whole frame,
    /// `effects` already holds its effects; for a last part they are
    /// decoded from the joined payload into `effects`; for a first or
    /// middle part `effects` is left empty (nothing to apply yet). A part
    /// out of order, or a joined payload that is not effects, is corruption
    /// (at the frame, or at the first part for the joined payload).
    mutating func take(_ frame: RecordFrame.VerifiedFrame, payload bytes: UnsafeRawBufferPointer,
                       into effects: inout EffectBuffer) -> FrameCorruption? {
        let part = frame.header.part
        switch (part, firstPartOffset) {
        case (.whole, nil):
            return nil
        case (.first, nil):
            firstPartOffset = frame.frameOffset
            payload = Bytes(bytes)
            return nil
        case (.middle, .some):
            payload.append(contentsOf: bytes)
            return nil
        case (.last, .some(let first)):
            payload.append(contentsOf: bytes)
            defer { reset() }
            let defect = payload.withUnsafeBytes { RecordPayload.decode($0, into: &effects) }
            return defect.map { FrameCorruption(frameOffset: first, reason: $0) }
        default:
            defer { reset() }
            return FrameCorruption(frameOffset: frame.frameOffset, reason: .partOutOfOrder(part, afterPart: firstPartOffset != nil))
        }
    }

    /// Drops the parts read so far.
    mutating func reset() {
        payload = []
        firstPartOffset = nil
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
    /// `.whole` for a frame that is a record; for a long record split into
    /// parts, `RecordDecoder` returns the joined record as `.whole` with the
    /// last part's number and the first part's offset.
    public var part: FramePart = .whole

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
        /// A part of a long record where it cannot be: a middle or last part
        /// with no first part before it, or a whole record or first part
        /// while a long record's parts are pending (`afterPart`).
        case partOutOfOrder(FramePart, afterPart: Bool)
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
        case .partOutOfOrder(let part, let afterPart):
            return afterPart ? "a \(part) frame inside a long record whose last part is missing"
                : "a \(part) part of a long record with no first part before it"
        }
    }
}
