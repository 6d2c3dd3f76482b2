import CCRC32C

/// CRC-32C (Castagnoli), the checksum of every segment header and record
/// frame (docs/FORMAT.md), with leveldb's conventions: `extend` continues a
/// finished CRC, and stored checksums are *masked*.
///
/// Computed by the CCRC32C C target: the SSE4.2 `crc32` instruction when the
/// CPU has it, else a table.
///
/// ```swift
/// let crc = CRC32C.checksum(Array("123456789".utf8))        // 0xE3069283
/// let same = CRC32C.extend(CRC32C.checksum(Array("1234".utf8)), Array("56789".utf8))
/// let stored = CRC32C.mask(crc)                              // what goes on disk
/// ```
public enum CRC32C {
    /// Whether `extend` runs on the CPU's CRC-32C instruction.
    static var isHardwareAccelerated: Bool { cairn_crc32c_hardware_available() != 0 }

    /// The CRC of the bytes `crc` covers followed by `bytes`.
    static func extend(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        cairn_crc32c_extend(crc, bytes.baseAddress, bytes.count)
    }

    /// The CRC of the bytes `crc` covers followed by `bytes`.
    static func extend(_ crc: UInt32, _ bytes: Bytes) -> UInt32 {
        bytes.withUnsafeBytes { extend(crc, $0) }
    }

    /// The CRC of the bytes `crc` covers followed by `bytes`.
    static func extend(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { extend(crc, $0) }
    }

    /// The CRC of `bytes` alone.
    public static func checksum(_ bytes: Bytes) -> UInt32 {
        extend(0, bytes)
    }

    /// `extend` forced onto the table path, for tests that hold the two
    /// paths against each other.
    static func extendSoftware(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        cairn_crc32c_extend_software(crc, bytes.baseAddress, bytes.count)
    }

    private static let maskDelta: UInt32 = 0xa282_ead8

    /// leveldb's `crc32c::Mask`: the checksum as stored. Computing the CRC of
    /// a string that contains embedded CRCs is problematic (a CRC of data
    /// followed by its own CRC is a constant), so stored CRCs are rotated and
    /// offset first.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// leveldb's `crc32c::Unmask`, the inverse of `mask`.
    static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }
}
