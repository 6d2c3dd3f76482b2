import Testing
@testable import Cairn

/// Record frames (docs/FORMAT.md, "Record frame"): round trips, the
/// incremental decoder at every split, and what it makes of damaged,
/// truncated, zeroed and hostile bytes.
///
/// Replay a failure with `CAIRN_SEED=<seed> swift test --filter RecordFrameTests`.
@Suite struct RecordFrameTests {
    typealias Support = LogTestSupport

    static func bytes(_ text: String) -> Bytes { Array(text.utf8) }

    /// The worked example of docs/FORMAT.md, byte for byte.
    @Test func documentedExampleFrame() throws {
        let effects = [Effect(database: 0, argv: [Self.bytes("SET"), Self.bytes("k"), Self.bytes("v")])]
        let frame = try RecordFrame.encode(effects, sequence: 1, durableThrough: 0, timestampMilliseconds: 1_700_000_000_000)
        let expected = "1d000000" + "e7796ab0" + "0100000000000000" + "0000000000000000" + "0068e5cf8b010000"
            + "0000" + Hex.bytes(Self.bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"))
        #expect(Hex.bytes(frame) == expected)
    }

    @Test func randomRecordsRoundTrip() throws {
        let seed = Support.seed(0x5EC0_0001)
        var random = RandomSource(seed: seed)
        let stream = try Support.stream(records: 200, firstSequence: 41, using: &random)
        let (records, last) = Support.decode(stream.bytes, startOffset: SegmentHeader.byteCount)
        #expect(last == .needMoreBytes, "seed \(seed)")
        #expect(records.map(\.effects) == stream.records, "seed \(seed); rerun with CAIRN_SEED=\(seed)")
        #expect(records.map(\.sequence) == Array(41..<241), "seed \(seed)")
        #expect(records.map(\.timestampMilliseconds) == (0..<200).map { 1_700_000_000_000 + Int64($0) })
        #expect(records.map(\.frameOffset) == stream.offsets.map { $0 + SegmentHeader.byteCount }, "seed \(seed)")
        #expect(records.last?.nextFrameOffset == stream.bytes.count + SegmentHeader.byteCount)
        // In 777-byte reads, as from a file: the same records (and the
        // decoder's buffer compaction is exercised on the way).
        let chunked = Support.decode(stream.bytes, cuts: Array(stride(from: 0, to: stream.bytes.count, by: 777)))
        #expect(chunked.records == Support.decode(stream.bytes).records, "seed \(seed)")
        #expect(chunked.last == .needMoreBytes)
    }

    @Test func multiEffectRecordAcrossDatabasesWithBinaryArguments() throws {
        let effects = [
            Effect(database: 0, argv: [Self.bytes("SET"), [0, 0, 13, 10], []]),
            Effect(database: 15, argv: [Self.bytes("DEL"), Self.bytes("\r\n$3\r\n")]),
            Effect(database: 7, argv: [Self.bytes("PING")]),
            Effect(database: 0, argv: [Self.bytes("HSET"), [], [], Bytes(repeating: 0, count: 1 << 20)]),
        ]
        let frame = try RecordFrame.encode(effects, sequence: UInt64.max, durableThrough: 77, timestampMilliseconds: -5)
        let (records, _) = Support.decode(frame)
        #expect(records.count == 1)
        #expect(records.first?.effects == effects)
        #expect(records.first?.sequence == UInt64.max)
        #expect(records.first?.timestampMilliseconds == -5)
        #expect(records.first?.durableThrough == 77)
        #expect(records.first?.frameByteCount == frame.count)
    }

    /// The decoder can stop at any byte and resume: one split anywhere, and
    /// one byte at a time, give the same records as the whole stream.
    @Test func splittingTheStreamAtEveryOffsetGivesTheSameRecords() throws {
        let seed = Support.seed(0x5EC0_0002)
        var random = RandomSource(seed: seed)
        var stream: Bytes = []
        var expected: [[Effect]] = []
        for sequence in 1...6 as ClosedRange<UInt64> {
            // Short arguments keep this O(n^2) loop fast.
            let argument = Bytes((0..<Int.random(in: 0...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
            var effects = [Effect(database: Int(sequence), argv: [Self.bytes("SET"), argument])]
            if sequence % 2 == 0 { effects.append(Effect(database: 3, argv: [Self.bytes("DEL"), [0, 13, 10]])) }
            try RecordFrame.append(effects, sequence: sequence, durableThrough: sequence - 1, timestampMilliseconds: 1, to: &stream)
            expected.append(effects)
        }
        for cut in 0...stream.count {
            let (records, last) = Support.decode(stream, cuts: [cut])
            guard records.map(\.effects) == expected, last == .needMoreBytes else {
                Issue.record("seed \(seed): split at \(cut) gives \(records.count) records, then \(last); rerun with CAIRN_SEED=\(seed)")
                return
            }
        }
        let (oneByOne, last) = Support.decode(stream, cuts: Array(0..<stream.count))
        #expect(oneByOne.map(\.effects) == expected, "seed \(seed)")
        #expect(last == .needMoreBytes)
    }

    /// Every single-bit flip anywhere in a frame is caught: the frame is
    /// reported bad (or incomplete, when the flip grew its length past the
    /// stream's end), never returned as a record.
    @Test func everySingleBitFlipIsDetected() throws {
        let effects = [Effect(database: 2, argv: [Self.bytes("SET"), Self.bytes("key"), [0, 1, 13, 10, 255]])]
        let frame = try RecordFrame.encode(effects, sequence: 9, durableThrough: 8, timestampMilliseconds: 1_700_000_000_123)
        let next = try RecordFrame.encode(effects, sequence: 10, durableThrough: 9, timestampMilliseconds: 1_700_000_000_124)
        for bit in 0..<(frame.count * 8) {
            var damaged = frame
            damaged[bit / 8] ^= 1 << (bit % 8)
            let alone = Support.decode(damaged)
            let followed = Support.decode(damaged + next)
            #expect(alone.records.isEmpty, "bit \(bit): a damaged frame decoded as a record")
            #expect(followed.records.isEmpty, "bit \(bit): a damaged frame decoded as a record")
            if case .corrupt(let corruption) = followed.last {
                #expect(corruption.frameOffset == 0)
            }
            // The record after the damaged one proves corruption, not a torn tail.
            let later = RecordFrame.laterValidFrame(in: damaged + next, from: 1, expectedSequence: 9)
            #expect(later?.sequence == 10 && later?.frameOffset == frame.count, "bit \(bit)")
        }
    }

    /// A write cut short anywhere in the last record: the records before it
    /// come out, then "need more bytes" (a torn tail), and nothing after the
    /// cut can pass for a record.
    @Test func truncationOfTheLastRecordIsATornTail() throws {
        let seed = Support.seed(0x5EC0_0003)
        var random = RandomSource(seed: seed)
        let stream = try Support.stream(records: 4, using: &random)
        let lastStart = stream.offsets[3]
        for end in lastStart..<stream.bytes.count {
            let cut = Array(stream.bytes[..<end])
            let (records, last) = Support.decode(cut)
            guard records.map(\.effects) == Array(stream.records.prefix(3)), last == .needMoreBytes else {
                Issue.record("seed \(seed): cut at \(end) gives \(records.count) records, then \(last)")
                return
            }
            #expect(RecordFrame.laterValidFrame(in: cut, from: lastStart + 1, expectedSequence: 4) == nil,
                    "seed \(seed): cut at \(end)")
        }
    }

    /// Preallocated space reads as zero-filled, never as a record, whatever
    /// its length and wherever it starts.
    @Test func zerosAreNeverARecord() throws {
        for count in 0...100 {
            let (records, last) = Support.decode(Bytes(repeating: 0, count: count), startOffset: 32)
            #expect(records.isEmpty)
            #expect(last == (count < 32 ? .needMoreBytes : .corrupt(FrameCorruption(frameOffset: 32, reason: .zeroFilled))))
        }
        let frame = try RecordFrame.encode([Effect(database: 0, argv: [Self.bytes("PING")])], sequence: 1, durableThrough: 0, timestampMilliseconds: 0)
        let (records, last) = Support.decode(frame + Bytes(repeating: 0, count: 4096))
        #expect(records.count == 1)
        #expect(last == .corrupt(FrameCorruption(frameOffset: frame.count, reason: .zeroFilled)))
        // Even checksummed, a zero-length payload is not a record.
        #expect(Support.decode(Support.frame(payload: [])).last
            == .corrupt(FrameCorruption(frameOffset: 0, reason: .zeroEffects)))
        #expect(RecordFrame.laterValidFrame(in: Bytes(repeating: 0, count: 8192), expectedSequence: 0) == nil)
        #expect(RecordFrame.laterValidFrame(in: Bytes(repeating: 0, count: 8192), expectedSequence: 1) == nil)
    }

    /// A declared length is a claim, not a budget: beyond the maximum it is
    /// refused as soon as the 32 header bytes are in, without waiting for
    /// (or buffering) the bytes it claims.
    @Test func hugeDeclaredLengthIsRefusedWithoutWaitingForIt() {
        var header: Bytes = []
        header.appendLittleEndian(UInt32.max)
        header.appendLittleEndian(UInt32(0x1234_5678))
        header.appendLittleEndian(UInt64(1))
        header.appendLittleEndian(UInt64(0))
        header.appendLittleEndian(Int64(0))
        var decoder = RecordDecoder()
        decoder.append(header)
        #expect(decoder.next() == .corrupt(FrameCorruption(
            frameOffset: 0, reason: .lengthBeyondLimit(declared: RecordFrame.lengthFieldLimit, limit: RecordFrame.defaultMaximumPayloadBytes))))
        #expect(decoder.bufferedByteCount == 32)

        // The limit is configurable; one byte over it is refused.
        header.storeLittleEndian(UInt32(1001), at: 0)
        #expect(Support.decode(header, maximumPayloadBytes: 1000).last
            == .corrupt(FrameCorruption(frameOffset: 0, reason: .lengthBeyondLimit(declared: 1001, limit: 1000))))
        // Within the limit, the decoder waits, holding only what it was given.
        header.storeLittleEndian(UInt32(500 << 20), at: 0)
        var waiting = RecordDecoder()
        waiting.append(header)
        #expect(waiting.next() == .needMoreBytes)
        #expect(waiting.bufferedByteCount == 32)
    }

    /// Counts and lengths inside a checksummed payload are claims too.
    @Test func hugeCountsInsideAPayloadAreRefused() {
        let array = Support.frame(payload: [0, 0] + Self.bytes("*2147483647\r\n$3\r\nSET\r\n"))
        #expect(Support.decode(array).last == .corrupt(FrameCorruption(frameOffset: 0, reason: .malformedEffect(payloadOffset: 3, .beyondPayload))))
        let bulk = Support.frame(payload: [0, 0] + Self.bytes("*1\r\n$4294967295\r\nSET\r\n"))
        #expect(Support.decode(bulk).last == .corrupt(FrameCorruption(frameOffset: 0, reason: .malformedEffect(payloadOffset: 7, .beyondPayload))))
        let digits = Support.frame(payload: [0, 0] + Self.bytes("*1\r\n$99999999999999999999\r\nSET\r\n"))
        #expect(Support.decode(digits).last == .corrupt(FrameCorruption(frameOffset: 0, reason: .malformedEffect(payloadOffset: 7, .invalidNumber))))
    }

    /// What a buggy writer could checksum is still refused, with the reason.
    @Test func malformedChecksummedPayloadsAreRefused() {
        func verdict(_ payload: Bytes, sequence: UInt64 = 1, durableThrough: UInt64 = 0) -> FrameCorruption.Reason? {
            let frame = Support.frame(payload: payload, sequence: sequence, durableThrough: durableThrough)
            if case .corrupt(let corruption) = Support.decode(frame).last {
                return corruption.reason
            }
            return nil
        }
        let ping = Self.bytes("*1\r\n$4\r\nPING\r\n")
        #expect(verdict([0, 0] + ping) == nil)
        #expect(verdict([0, 0] + ping, sequence: 0) == .zeroSequence)
        #expect(verdict([0, 0] + ping, sequence: 5, durableThrough: 5)
            == .durableThroughNotBelowSequence(durableThrough: 5, sequence: 5))
        #expect(verdict([16, 0] + ping) == .databaseOutOfRange(database: 16, payloadOffset: 0))
        #expect(verdict([0, 0] + ping + [255, 255] + ping) == .databaseOutOfRange(database: 65535, payloadOffset: 16))
        #expect(verdict([0, 0] + ping + [1]) == .malformedEffect(payloadOffset: 16, .truncated))
        #expect(verdict([0, 0] + Self.bytes("*0\r\n")) == .malformedEffect(payloadOffset: 3, .emptyArgv))
        #expect(verdict([0, 0] + Self.bytes("+OK\r\n")) == .malformedEffect(payloadOffset: 2, .expectedArray))
        #expect(verdict([0, 0] + Self.bytes("*1\r\n:4\r\nPING\r\n")) == .malformedEffect(payloadOffset: 6, .expectedBulkString))
        #expect(verdict([0, 0] + Self.bytes("*1\r\n$04\r\nPING\r\n")) == .malformedEffect(payloadOffset: 7, .invalidNumber))
        #expect(verdict([0, 0] + Self.bytes("*1\r\n$-1\r\n\r\n")) == .malformedEffect(payloadOffset: 7, .invalidNumber))
        #expect(verdict([0, 0] + Self.bytes("*1\r\n$-1\r\n")) == .malformedEffect(payloadOffset: 3, .beyondPayload))
        #expect(verdict([0, 0] + Self.bytes("*1\r\n$4\r\nPING\n\n")) == .malformedEffect(payloadOffset: 14, .missingCRLF))
        #expect(verdict([0, 0] + Self.bytes("*1\n$4\r\nPING\r\n")) == .malformedEffect(payloadOffset: 4, .missingCRLF))
        #expect(verdict([0, 0] + Self.bytes("*1\r\n$4\r\nPING\r")) == .malformedEffect(payloadOffset: 7, .beyondPayload))
        #expect(verdict([0, 0] + ping + [0, 0] + Self.bytes("*1")) == .malformedEffect(payloadOffset: 20, .truncated))
    }

    /// The torn-tail proof: a valid later frame numbered at or after the
    /// expected one is found; zeros, garbage and older recycled frames are not
    /// evidence.
    @Test func laterValidFrameProof() throws {
        let seed = Support.seed(0x5EC0_0004)
        var random = RandomSource(seed: seed)
        var stream = try Support.stream(records: 5, firstSequence: 100, using: &random)
        // Damage record 102 in place: the decoder stops there, and 103 proves corruption.
        stream.bytes[stream.offsets[2] + RecordFrame.headerByteCount] ^= 0x40
        let (records, last) = Support.decode(stream.bytes, startOffset: 32)
        #expect(records.map(\.sequence) == [100, 101], "seed \(seed)")
        guard case .corrupt(let corruption) = last else { Issue.record("seed \(seed): \(last)"); return }
        #expect(corruption.frameOffset == 32 + stream.offsets[2])
        let later = RecordFrame.laterValidFrame(in: stream.bytes, from: stream.offsets[2] + 1, baseOffset: 32, expectedSequence: 102)
        #expect(later?.sequence == 103, "seed \(seed)")
        #expect(later?.frameOffset == 32 + stream.offsets[3])
        #expect(later?.effects == stream.records[3])
        // Only what follows the bad frame is searched.
        let tail = Array(stream.bytes[stream.offsets[2]...])
        #expect(RecordFrame.laterValidFrame(in: tail, from: 1, expectedSequence: 102)?.sequence == 103)

        // Garbage and zeros hold no frame.
        let garbage = Bytes((0..<20_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        #expect(RecordFrame.laterValidFrame(in: garbage, expectedSequence: 1) == nil, "seed \(seed)")
        #expect(RecordFrame.laterValidFrame(in: garbage + Bytes(repeating: 0, count: 4096), expectedSequence: 100) == nil)

        // A recycled segment: older records (lower numbers) are not evidence.
        let old = try Support.stream(records: 5, firstSequence: 50, using: &random)
        #expect(RecordFrame.laterValidFrame(in: old.bytes, from: 1, expectedSequence: 100) == nil, "seed \(seed)")
        // Record 52 there was written before 52 was synced (durable-through 51): not
        // evidence; 53 (durable-through 52) is.
        #expect(RecordFrame.laterValidFrame(in: garbage + old.bytes, expectedSequence: 52)?.sequence == 53)
        // Nor is a frame numbered beyond what could follow in the bytes left.
        let far = try RecordFrame.encode([Effect(database: 0, argv: [Self.bytes("PING")])], sequence: 1_000_000, durableThrough: 999_999, timestampMilliseconds: 0)
        #expect(RecordFrame.laterValidFrame(in: Bytes(repeating: 0, count: 100) + far, expectedSequence: 100) == nil)
        #expect(RecordFrame.laterValidFrame(in: Bytes(repeating: 0, count: 100) + far, expectedSequence: 999_998)?.sequence == 1_000_000)
    }

    @Test func encodingRefusesWhatCannotBeARecord() {
        let ping = Effect(database: 0, argv: [Self.bytes("PING")])
        #expect(throws: RecordEncodingError.durableThroughNotBelowSequence(durableThrough: 3, sequence: 3)) {
            try RecordFrame.encode([ping], sequence: 3, durableThrough: 3, timestampMilliseconds: 0)
        }
        #expect(throws: RecordEncodingError.zeroSequence) { try RecordFrame.encode([ping], sequence: 0, durableThrough: 0, timestampMilliseconds: 0) }
        #expect(throws: RecordEncodingError.noEffects) { try RecordFrame.encode([], sequence: 1, durableThrough: 0, timestampMilliseconds: 0) }
        #expect(throws: RecordEncodingError.databaseOutOfRange(database: 16, effectIndex: 1)) {
            try RecordFrame.encode([ping, Effect(database: 16, argv: [Self.bytes("PING")])], sequence: 1, durableThrough: 0, timestampMilliseconds: 0)
        }
        #expect(throws: RecordEncodingError.emptyArgv(effectIndex: 0)) {
            try RecordFrame.encode([Effect(database: 0, argv: [])], sequence: 1, durableThrough: 0, timestampMilliseconds: 0)
        }
        let big = Effect(database: 0, argv: [Self.bytes("SET"), Bytes(repeating: 1, count: 1000)])
        var batch = Bytes([1, 2, 3])
        #expect(throws: RecordEncodingError.self) {
            try RecordFrame.append([big, Effect(database: 16, argv: [Self.bytes("PING")])], sequence: 1, durableThrough: 0,
                                   timestampMilliseconds: 0, to: &batch, maximumPayloadBytes: 1000)
        }
        #expect(batch == [1, 2, 3])
    }

    /// Out-of-order persistence of one unsynced batch (docs/FORMAT.md,
    /// "durable-through"): record E lost while E+1 of the same batch survived
    /// is a torn tail, because E+1's durable-through is below E; a later frame
    /// written after E was synced (durable-through >= E) proves corruption.
    @Test func durableThroughDecidesWhatALaterFrameProves() throws {
        let seed = Support.seed(0x5EC0_0005)
        var random = RandomSource(seed: seed)
        // Records 10..13 written in one batch after 9 was synced.
        var batch = try Support.stream(records: 4, firstSequence: 10, durableThrough: 9, using: &random)
        // Record 10's sectors never reached the disk: zeros where it was.
        for index in batch.offsets[0]..<batch.offsets[1] { batch.bytes[index] = 0 }
        let (records, last) = Support.decode(batch.bytes, startOffset: 32)
        #expect(records.isEmpty)
        #expect(last == .corrupt(FrameCorruption(frameOffset: 32, reason: .zeroFilled)))
        #expect(RecordFrame.laterValidFrame(in: batch.bytes, from: 1, baseOffset: 32, expectedSequence: 10) == nil,
                "seed \(seed): frames of the same unsynced batch are not evidence")

        // The same bytes followed by record 14 written after 10..13 were
        // synced: 10 had been durable, so losing it is corruption.
        let synced = try RecordFrame.encode([Effect(database: 0, argv: [Self.bytes("PING")])],
                                            sequence: 14, durableThrough: 13, timestampMilliseconds: 0)
        let later = RecordFrame.laterValidFrame(in: batch.bytes + synced, from: 1, baseOffset: 32, expectedSequence: 10)
        #expect(later?.sequence == 14, "seed \(seed)")
        #expect(later?.frameOffset == 32 + batch.bytes.count)
        #expect(later?.durableThrough == 13)
        // A durable-through of exactly E counts.
        let exactly = try RecordFrame.encode([Effect(database: 0, argv: [Self.bytes("PING")])],
                                             sequence: 11, durableThrough: 10, timestampMilliseconds: 0)
        #expect(RecordFrame.laterValidFrame(in: Bytes(repeating: 0, count: 64) + exactly, expectedSequence: 10)?.sequence == 11)
    }
}
