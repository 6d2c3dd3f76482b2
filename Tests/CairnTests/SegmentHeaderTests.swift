import Testing
@testable import Cairn

/// The segment header (docs/FORMAT.md, "Segment header"): exact bytes, and a
/// precise error for each way it can be wrong.
@Suite struct SegmentHeaderTests {
    /// The worked example of docs/FORMAT.md, byte for byte.
    @Test func documentedExampleHeader() {
        let bytes = SegmentHeader(firstSequence: 1).encoded()
        #expect(Hex.bytes(bytes) == "434149524e57414c"
            + "02000000" + "00000000" + "0100000000000000" + "00000000" + "40f05bb3")
    }

    @Test func roundTrip() throws {
        for first: UInt64 in [1, 2, 1 << 40, UInt64.max] {
            let bytes = SegmentHeader(firstSequence: first).encoded()
            #expect(bytes.count == SegmentHeader.byteCount)
            let header = try SegmentHeader(decoding: bytes + [9, 9, 9])
            #expect(header == SegmentHeader(firstSequence: first))
            #expect(header.formatVersion == 2)
            #expect(header.flags == 0)
        }
    }

    @Test func preciseErrors() {
        let good = SegmentHeader(firstSequence: 7).encoded()
        #expect(throws: SegmentHeaderError.truncated(availableBytes: 31)) { try SegmentHeader(decoding: Array(good.prefix(31))) }
        #expect(throws: SegmentHeaderError.truncated(availableBytes: 0)) { try SegmentHeader(decoding: []) }
        #expect(throws: SegmentHeaderError.badMagic(found: Array("REDIS000".utf8))) {
            try SegmentHeader(decoding: Array("REDIS000".utf8) + good[8...])
        }
        #expect(throws: SegmentHeaderError.badMagic(found: Bytes(repeating: 0, count: 8))) {
            try SegmentHeader(decoding: Bytes(repeating: 0, count: 32))
        }
        #expect(throws: SegmentHeaderError.unsupportedVersion(3)) { try SegmentHeader(decoding: rewritten(good, at: 8, UInt32(3))) }
        #expect(throws: SegmentHeaderError.unsupportedVersion(0)) { try SegmentHeader(decoding: rewritten(good, at: 8, UInt32(0))) }
        // Version 1 (no part frames yet) is still read.
        #expect((try? SegmentHeader(decoding: rewritten(good, at: 8, UInt32(1))))?.formatVersion == 1)
        var flipped = good
        flipped[20] ^= 1
        #expect(throws: SegmentHeaderError.checksumMismatch(
            stored: CRC32C.mask(CRC32C.checksum(Array(good.prefix(28)))),
            computed: CRC32C.mask(CRC32C.checksum(Array(flipped.prefix(28)))))) {
            try SegmentHeader(decoding: flipped)
        }
        #expect(throws: SegmentHeaderError.unsupportedFlags(4)) { try SegmentHeader(decoding: rewritten(good, at: 12, UInt32(4))) }
        #expect(throws: SegmentHeaderError.reservedNotZero) { try SegmentHeader(decoding: rewritten(good, at: 24, UInt32(1))) }
        #expect(throws: SegmentHeaderError.zeroFirstSequence) { try SegmentHeader(decoding: rewritten(good, at: 16, UInt64(0))) }
    }

    /// Every single-bit flip is refused: by the magic, the version or the
    /// checksum check.
    @Test func everySingleBitFlipIsRefused() {
        let good = SegmentHeader(firstSequence: 123_456).encoded()
        for bit in 0..<(good.count * 8) {
            var damaged = good
            damaged[bit / 8] ^= 1 << (bit % 8)
            #expect(throws: SegmentHeaderError.self, "bit \(bit)") { try SegmentHeader(decoding: damaged) }
        }
    }

    @Test func errorsNameWhatIsWrong() {
        #expect(SegmentHeaderError.unsupportedVersion(9).description
            == "unsupported segment format version 9 (this build reads versions 1 to 2)")
        #expect(SegmentHeaderError.checksumMismatch(stored: 1, computed: 0xABCDEF01).description
            == "segment header checksum mismatch: stored 0x00000001, computed 0xabcdef01")
    }

    /// `bytes` with `value` written at `offset` and the checksum recomputed,
    /// so only the field under test is wrong.
    private func rewritten<T: FixedWidthInteger>(_ bytes: Bytes, at offset: Int, _ value: T) -> Bytes {
        var copy = bytes
        copy.storeLittleEndian(value, at: offset)
        copy.storeLittleEndian(CRC32C.mask(CRC32C.checksum(Array(copy.prefix(28)))), at: 28)
        return copy
    }
}
