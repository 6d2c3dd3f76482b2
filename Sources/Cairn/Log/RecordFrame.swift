/// One record of the write-ahead log on disk (docs/FORMAT.md, "Record
/// frame"): the effects of one command or one `MULTI/EXEC`, so replay applies
/// all of them or none.
///
/// ```
/// offset size field
///      0    4 payload length N (bits 0-29), part flags (bits 30-31), u32 LE
///      4    4 masked CRC-32C of bytes 0..<4, then bytes 8..<32+N, u32 LE
///      8    8 sequence number, u64 LE (>= 1, +1 per record)
///     16    8 durable-through, u64 LE (highest sequence synced when written)
///     24    8 wall-clock time, Unix ms, i64 LE
///     32    N payload: effects (`RecordPayload`)
/// ```
///
/// A record whose payload is longer than the maximum frame payload is
/// written as several frames, one sequence number each, in one segment:
/// its first part, middle parts and last part (`FramePart`, leveldb's
/// FIRST/MIDDLE/LAST); replay applies it once the last part is read, so
/// all of it or none. Frames follow one another with no padding. The checksum covers the length
/// field too, so a torn or flipped length can never make the reader accept a
/// frame boundary the writer did not write (and skip or misread what follows).
/// `durable-through` lets the torn-tail proof tell a later frame written
/// after record E was synced (evidence of corruption) from one of the same
/// unsynced batch (not evidence: the disk may persist sectors out of order).
///
/// ```swift
/// let effects = [Effect(database: 0, argv: [Array("SET".utf8), Array("k".utf8), Array("v".utf8)])]
/// let log = try RecordFrame.encode(effects, sequence: 1, durableThrough: 0, timestampMilliseconds: 1_700_000_000_000)
/// var decoder = RecordDecoder()
/// decoder.append(log)
/// if case .record(let record) = decoder.next() { assert(record.effects == effects) }
/// ```
public enum RecordFrame {
    /// The fixed part of a frame, before the payload.
    public static let headerByteCount = 32
    /// The largest payload the reader accepts unless told otherwise: one
    /// string at Redis's 512 MB `proto-max-bulk-len` plus 64 KiB for its
    /// command, key and framing. A larger declared length is corruption.
    public static let defaultMaximumPayloadBytes = 512 * 1024 * 1024 + 64 * 1024
    /// The smallest possible frame (a one-argument, empty-string effect);
    /// bounds how many frames the rest of a segment can hold. (A part frame
    /// may be shorter; the bound only narrows the torn-tail proof's window
    /// of sequence numbers, and parts of one record share a batch.)
    static let minimumFrameByteCount = headerByteCount + RecordPayload.minimumEffectByteCount
    /// The length field's bits 30 and 31: which part of a record a frame is.
    static let partFlagsMask: UInt32 = 0xC000_0000
    /// The largest payload one frame can declare (bits 0-29 of the length).
    static let lengthFieldLimit = Int(~partFlagsMask)

    // MARK: Encoding

    /// The frame holding `effects`, numbered `sequence`, carrying
    /// `durableThrough` (the highest sequence number known to be on stable
    /// storage when the frame is written; 0 when none), stamped with
    /// `timestampMilliseconds`.
    public static func encode(
        _ effects: [Effect], sequence: UInt64, durableThrough: UInt64, timestampMilliseconds: Int64,
        maximumPayloadBytes: Int = defaultMaximumPayloadBytes
    ) throws(RecordEncodingError) -> Bytes {
        var frame: Bytes = []
        try append(effects, sequence: sequence, durableThrough: durableThrough,
                   timestampMilliseconds: timestampMilliseconds, to: &frame, maximumPayloadBytes: maximumPayloadBytes)
        return frame
    }

    /// Appends the frames holding `effects` to `frames` (a group-commit
    /// batch collects several): one frame numbered `sequence`, or, when the
    /// payload is longer than `maximumPayloadBytes`, one per part, numbered
    /// from `sequence` on. Returns how many frames (sequence numbers) it
    /// took. On error `frames` is unchanged.
    @discardableResult
    public static func append(
        _ effects: [Effect], sequence: UInt64, durableThrough: UInt64, timestampMilliseconds: Int64,
        to frames: inout Bytes, maximumPayloadBytes: Int = defaultMaximumPayloadBytes
    ) throws(RecordEncodingError) -> Int {
        guard sequence >= 1 else { throw .zeroSequence }
        guard durableThrough < sequence else { throw .durableThroughNotBelowSequence(durableThrough: durableThrough, sequence: sequence) }
        guard !effects.isEmpty else { throw .noEffects }
        var payloadByteCount = 0
        for (index, effect) in effects.enumerated() {
            guard RecordPayload.databases.contains(effect.database) else {
                throw .databaseOutOfRange(database: effect.database, effectIndex: index)
            }
            guard !effect.argv.isEmpty else { throw .emptyArgv(effectIndex: index) }
            payloadByteCount += RecordPayload.encodedByteCount(effect)
        }
        // No frame carries more than the limit (nor more than bits 0-29 hold).
        let limit = max(1, min(maximumPayloadBytes, lengthFieldLimit))
        let count = max(1, (payloadByteCount + limit - 1) / limit)
        if count == 1 {
            let start = frames.count
            frames.reserveCapacity(start + headerByteCount + payloadByteCount)
            appendHeader(payloadByteCount: payloadByteCount, part: .whole, sequence: sequence,
                         durableThrough: durableThrough, timestampMilliseconds: timestampMilliseconds, to: &frames)
            for effect in effects { RecordPayload.append(effect, to: &frames) }
            assert(frames.count - start == headerByteCount + payloadByteCount, "payload size computed wrongly")
            sealFrame(at: start, in: &frames)
            return 1
        }
        // A long record: encode the payload once, then cut it into parts.
        var payload: Bytes = []
        payload.reserveCapacity(payloadByteCount)
        for effect in effects { RecordPayload.append(effect, to: &payload) }
        frames.reserveCapacity(frames.count + count * headerByteCount + payloadByteCount)
        for index in 0..<count {
            let range = index * limit..<min(payloadByteCount, (index + 1) * limit)
            let part: FramePart = index == 0 ? .first : index == count - 1 ? .last : .middle
            let start = frames.count
            appendHeader(payloadByteCount: range.count, part: part, sequence: sequence + UInt64(index),
                         durableThrough: durableThrough, timestampMilliseconds: timestampMilliseconds, to: &frames)
            frames.append(contentsOf: payload[range])
            sealFrame(at: start, in: &frames)
        }
        return count
    }

    private static func appendHeader(payloadByteCount: Int, part: FramePart, sequence: UInt64, durableThrough: UInt64,
                                     timestampMilliseconds: Int64, to frames: inout Bytes) {
        frames.appendLittleEndian(UInt32(payloadByteCount) | part.lengthFieldFlags)
        frames.appendLittleEndian(UInt32(0))  // checksum, patched by sealFrame
        frames.appendLittleEndian(sequence)
        frames.appendLittleEndian(durableThrough)
        frames.appendLittleEndian(timestampMilliseconds)
    }

    /// Stores the checksum of the complete frame that starts at `start`.
    private static func sealFrame(at start: Int, in frames: inout Bytes) {
        let payloadByteCount = frames.count - start - headerByteCount
        let checksum = frames.withUnsafeBytes { maskedChecksum($0, frameAt: start, payloadByteCount: payloadByteCount) }
        frames.storeLittleEndian(checksum, at: start + 4)
    }

    // MARK: Reading

    /// A frame's fixed fields, read but not yet verified.
    struct Header: Sendable {
        let payloadByteCount: Int
        let part: FramePart
        let storedChecksum: UInt32
        let sequence: UInt64
        let durableThrough: UInt64
        let timestampMilliseconds: Int64
    }

    /// The header at `index`; the caller has checked 32 bytes are there.
    static func readHeader(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Header {
        let lengthField = bytes.loadLittleEndian(at: index, as: UInt32.self)
        return Header(
            payloadByteCount: Int(lengthField & ~partFlagsMask),
            part: FramePart(lengthField: lengthField),
            storedChecksum: bytes.loadLittleEndian(at: index + 4, as: UInt32.self),
            sequence: bytes.loadLittleEndian(at: index + 8, as: UInt64.self),
            durableThrough: bytes.loadLittleEndian(at: index + 16, as: UInt64.self),
            timestampMilliseconds: bytes.loadLittleEndian(at: index + 24, as: Int64.self))
    }

    /// What is wrong with a header before its payload is even read: zeroed
    /// space, or a length no valid frame can have (so the reader does not
    /// wait for, or buffer, bytes that cannot belong to a record).
    static func headerDefect(_ header: Header, maximumPayloadBytes: Int) -> FrameCorruption.Reason? {
        if header.payloadByteCount == 0, header.part == .whole, header.storedChecksum == 0, header.sequence == 0,
           header.durableThrough == 0, header.timestampMilliseconds == 0 {
            return .zeroFilled
        }
        if header.payloadByteCount > maximumPayloadBytes {
            return .lengthBeyondLimit(declared: header.payloadByteCount, limit: maximumPayloadBytes)
        }
        return nil
    }

    /// A verified frame's fields; its effects went into an `EffectBuffer`.
    struct VerifiedFrame {
        let header: Header
        let frameOffset: Int

        var frameByteCount: Int { headerByteCount + header.payloadByteCount }
        var nextFrameOffset: Int { frameOffset + frameByteCount }

        func record(_ effects: [Effect]) -> DecodedRecord {
            DecodedRecord(sequence: header.sequence, durableThrough: header.durableThrough,
                          timestampMilliseconds: header.timestampMilliseconds, effects: effects,
                          frameOffset: frameOffset, frameByteCount: frameByteCount, part: header.part)
        }
    }

    /// What a frame is, its effects decoded into a reused buffer.
    enum Verdict {
        case record(VerifiedFrame)
        case needMoreBytes
        case corrupt(FrameCorruption)
    }

    /// Verifies and decodes the frame at `index` whose header is `header`;
    /// the caller has checked the whole frame is in `bytes`.
    static func decodeBody(_ bytes: UnsafeRawBufferPointer, at index: Int, _ header: Header,
                           frameOffset: Int) -> FrameDecodeResult {
        var effects = EffectBuffer()
        return result(decodeBody(bytes, at: index, header, frameOffset: frameOffset, into: &effects), effects)
    }

    /// `decodeBody`, decoding the effects into `effects` (reusing its storage).
    static func decodeBody(_ bytes: UnsafeRawBufferPointer, at index: Int, _ header: Header,
                           frameOffset: Int, into effects: inout EffectBuffer) -> Verdict {
        let computed = maskedChecksum(bytes, frameAt: index, payloadByteCount: header.payloadByteCount)
        guard computed == header.storedChecksum else {
            return .corrupt(FrameCorruption(
                frameOffset: frameOffset, reason: .checksumMismatch(stored: header.storedChecksum, computed: computed)))
        }
        guard header.sequence >= 1 else { return .corrupt(FrameCorruption(frameOffset: frameOffset, reason: .zeroSequence)) }
        guard header.durableThrough < header.sequence else {
            return .corrupt(FrameCorruption(frameOffset: frameOffset, reason: .durableThroughNotBelowSequence(
                durableThrough: header.durableThrough, sequence: header.sequence)))
        }
        let payloadStart = index + headerByteCount
        let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<payloadStart + header.payloadByteCount])
        if header.part != .whole {
            // A part's bytes are effects only once joined to the others
            // (`RecordAssembler`); alone it must just be non-empty.
            effects.count = 0
            guard !payload.isEmpty else { return .corrupt(FrameCorruption(frameOffset: frameOffset, reason: .zeroEffects)) }
        } else if let reason = RecordPayload.decode(payload, into: &effects) {
            return .corrupt(FrameCorruption(frameOffset: frameOffset, reason: reason))
        }
        return .record(VerifiedFrame(header: header, frameOffset: frameOffset))
    }

    /// Decodes the frame starting at `index` of `bytes` as a complete
    /// buffer: `.needMoreBytes` means the frame runs past the end. Its
    /// effects go into `effects`, reusing its storage (the recovery path).
    static func decodeFrame(_ bytes: UnsafeRawBufferPointer, at index: Int, frameOffset: Int,
                            maximumPayloadBytes: Int, into effects: inout EffectBuffer) -> Verdict {
        guard bytes.count - index >= headerByteCount else { return .needMoreBytes }
        let header = readHeader(bytes, at: index)
        if let reason = headerDefect(header, maximumPayloadBytes: maximumPayloadBytes) {
            return .corrupt(FrameCorruption(frameOffset: frameOffset, reason: reason))
        }
        guard bytes.count - index - headerByteCount >= header.payloadByteCount else { return .needMoreBytes }
        return decodeBody(bytes, at: index, header, frameOffset: frameOffset, into: &effects)
    }

    /// The public result for a verdict whose effects are in `effects`.
    private static func result(_ verdict: Verdict, _ effects: EffectBuffer) -> FrameDecodeResult {
        switch verdict {
        case .record(let frame): .record(frame.record(effects.effects))
        case .needMoreBytes: .needMoreBytes
        case .corrupt(let corruption): .corrupt(corruption)
        }
    }

    /// The masked CRC-32C the frame at `index` must carry: over the length
    /// field, then sequence number, durable-through, timestamp and payload (everything but
    /// the checksum field itself).
    static func maskedChecksum(_ bytes: UnsafeRawBufferPointer, frameAt index: Int, payloadByteCount: Int) -> UInt32 {
        let length = UnsafeRawBufferPointer(rebasing: bytes[index..<index + 4])
        let rest = UnsafeRawBufferPointer(rebasing: bytes[index + 8..<index + headerByteCount + payloadByteCount])
        return CRC32C.mask(CRC32C.extend(CRC32C.extend(0, length), rest))
    }
}

/// Why `RecordFrame.encode` refused: the effects cannot be a valid record.
/// These are engine bugs or limits, checked before any byte is written.
public enum RecordEncodingError: Error, Sendable, Equatable {
    /// Sequence numbers start at 1.
    case zeroSequence
    /// A record holds at least one effect.
    case noEffects
    /// An effect names a database outside 0-15.
    case databaseOutOfRange(database: Int, effectIndex: Int)
    /// An effect has no command name.
    case emptyArgv(effectIndex: Int)
    /// A frame cannot claim its own record (or a later one) was already
    /// durable when it was written.
    case durableThroughNotBelowSequence(durableThrough: UInt64, sequence: UInt64)
}

/// Which part of a record a frame holds (the length field's bits 30-31):
/// a whole record, or the first, a middle or the last part of one split
/// across frames because it is longer than one frame may be.
public enum FramePart: Sendable, Equatable {
    case whole, first, middle, last

    /// Bit 31: more parts follow. Bit 30: parts came before.
    init(lengthField: UInt32) {
        switch (lengthField & 0x8000_0000 != 0, lengthField & 0x4000_0000 != 0) {
        case (false, false): self = .whole
        case (true, false): self = .first
        case (true, true): self = .middle
        case (false, true): self = .last
        }
    }

    var lengthFieldFlags: UInt32 {
        switch self {
        case .whole: 0
        case .first: 0x8000_0000
        case .middle: 0xC000_0000
        case .last: 0x4000_0000
        }
    }
}
