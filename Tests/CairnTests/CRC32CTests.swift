import Foundation
import Testing
@testable import Cairn

/// CRC-32C against published vectors (RFC 3720 B.4, leveldb's crc32c_test),
/// and the SSE4.2 path against the table path.
///
/// Replay a failure with `CAIRN_SEED=<seed> swift test --filter CRC32CTests`.
@Suite struct CRC32CTests {
    static let seed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["CAIRN_SEED"], let seed = UInt64(text) { return seed }
        return 0xC2C3_2C00
    }()

    @Test func publishedVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(Bytes(repeating: 0x00, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum(Bytes(repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Bytes(0..<32)) == 0x46DD_794E)
        #expect(CRC32C.checksum(Bytes((0..<32).reversed())) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func publishedVectorsOnTheSoftwarePath() {
        func software(_ bytes: Bytes) -> UInt32 { bytes.withUnsafeBytes { CRC32C.extendSoftware(0, $0) } }
        #expect(software(Array("123456789".utf8)) == 0xE306_9283)
        #expect(software(Bytes(repeating: 0x00, count: 32)) == 0x8A91_36AA)
        #expect(software(Bytes(repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(software(Bytes(0..<32)) == 0x46DD_794E)
        #expect(software(Bytes((0..<32).reversed())) == 0x113F_DB5C)
    }

    @Test func extendContinuesAFinishedChecksum() {
        let text = Array("hello world, this is a checksum".utf8)
        for split in 0...text.count {
            let first = CRC32C.checksum(Array(text[..<split]))
            #expect(CRC32C.extend(first, text[split...]) == CRC32C.checksum(text), "split at \(split)")
        }
    }

    /// On x86-64 this holds the SSE4.2 path (8-byte steps after an alignment
    /// prologue) against the table, for every length 0...300 and every start
    /// alignment 0..<8.
    @Test func hardwareAndSoftwarePathsAgree() {
        var random = RandomSource(seed: Self.seed)
        let buffer = Bytes((0..<(300 + 8)).map { _ in UInt8.random(in: 0...255, using: &random) })
        let start = UInt32.random(in: 0...UInt32.max, using: &random)
        buffer.withUnsafeBytes { all in
            for misalignment in 0..<8 {
                for length in 0...300 {
                    let slice = UnsafeRawBufferPointer(rebasing: all[misalignment..<misalignment + length])
                    let fast = CRC32C.extend(start, slice)
                    let slow = CRC32C.extendSoftware(start, slice)
                    guard fast == slow else {
                        Issue.record("seed \(Self.seed): length \(length) at +\(misalignment): \(Hex.word(fast)) != \(Hex.word(slow)); rerun with CAIRN_SEED=\(Self.seed)")
                        return
                    }
                }
            }
        }
    }

    @Test func hardwarePathIsUsedOnX86() {
        #if arch(x86_64)
        // Every x86-64 machine this project runs on has SSE4.2 (2008 onwards).
        #expect(CRC32C.isHardwareAccelerated)
        #endif
    }

    /// leveldb's crc32c_test Mask: masking changes the value, twice too, and
    /// unmasking inverts it.
    @Test func maskRoundTrips() {
        var random = RandomSource(seed: Self.seed)
        let crcs: [UInt32] = [0, 1, 0xFFFF_FFFF, 0xA282_EAD8, CRC32C.checksum(Array("foo".utf8))]
            + (0..<1000).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) }
        for crc in crcs {
            #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc, "seed \(Self.seed): crc \(Hex.word(crc))")
            #expect(CRC32C.unmask(CRC32C.unmask(CRC32C.mask(CRC32C.mask(crc)))) == crc)
        }
        let foo = CRC32C.checksum(Array("foo".utf8))
        #expect(CRC32C.mask(foo) != foo)
        #expect(CRC32C.mask(CRC32C.mask(foo)) != foo)
        #expect(CRC32C.mask(0) == 0xA282_EAD8)
    }
}
