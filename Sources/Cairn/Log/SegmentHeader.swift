/// The 32 bytes at the start of every log segment (docs/FORMAT.md, "Segment
/// header"): what the file is, which format its frames use, and the sequence
/// number its first record must carry.
///
/// ```
/// offset size field
///      0    8 magic "CAIRNWAL"
///      8    4 format version, u32 LE (2; 1 is read too)
///     12    4 flags, u32 LE (0; no flag is defined)
///     16    8 first sequence number, u64 LE (>= 1)
///     24    4 reserved, zero
///     28    4 masked CRC-32C of bytes 0..<28, u32 LE
/// ```
///
/// ```swift
/// let bytes = SegmentHeader(firstSequence: 1001).encoded()   // 32 bytes
/// let header = try SegmentHeader(decoding: bytes)
/// assert(header.firstSequence == 1001)
/// ```
public struct SegmentHeader: Sendable, Equatable {
    /// The header's size; the first record frame starts right after it.
    public static let byteCount = 32
    /// "CAIRNWAL": a file that does not start with it is not a Cairn segment.
    public static let magic: Bytes = Array("CAIRNWAL".utf8)
    /// The version this code writes. Version 2 added long records split
    /// into part frames (the length field's bits 30-31); a version 1 segment
    /// is read by the same rules (its writer never set those bits).
    public static let currentFormatVersion: UInt32 = 2
    /// The versions this code reads.
    public static let readableFormatVersions: ClosedRange<UInt32> = 1...2

    /// Bytes 0..<12 (magic and version) mean the same in every version, so a
    /// reader can always tell "not ours" from "ours, but newer".
    static let checksumOffset = 28

    public let formatVersion: UInt32
    public let flags: UInt32
    /// The sequence number of the segment's first record; the reader checks
    /// it continues the previous segment.
    public let firstSequence: UInt64

    /// A header for a new segment in the current format.
    public init(firstSequence: UInt64) {
        precondition(firstSequence >= 1, "sequence numbers start at 1")
        self.formatVersion = SegmentHeader.currentFormatVersion
        self.flags = 0
        self.firstSequence = firstSequence
    }

    /// The 32 bytes to write at offset 0 of the segment.
    public func encoded() -> Bytes {
        var bytes = SegmentHeader.magic
        bytes.reserveCapacity(SegmentHeader.byteCount)
        bytes.appendLittleEndian(formatVersion)
        bytes.appendLittleEndian(flags)
        bytes.appendLittleEndian(firstSequence)
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(CRC32C.mask(CRC32C.checksum(bytes)))
        return bytes
    }

    /// Reads the header from the first 32 of `bytes` (more may follow).
    ///
    /// Checks, in this order: length, magic, version (before the checksum:
    /// another version may put its checksum elsewhere), checksum, then the
    /// version-1 rules (no flags, zero reserved bytes, first sequence >= 1).
    public init(decoding bytes: Bytes) throws(SegmentHeaderError) {
        let decoded = bytes.withUnsafeBytes { SegmentHeader.decode($0) }
        self = try decoded.get()
    }

    private init(formatVersion: UInt32, flags: UInt32, firstSequence: UInt64) {
        self.formatVersion = formatVersion
        self.flags = flags
        self.firstSequence = firstSequence
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<SegmentHeader, SegmentHeaderError> {
        guard bytes.count >= byteCount else { return .failure(.truncated(availableBytes: bytes.count)) }
        let found = Bytes(bytes[0..<magic.count])
        guard found == magic else { return .failure(.badMagic(found: found)) }
        let version = bytes.loadLittleEndian(at: 8, as: UInt32.self)
        guard readableFormatVersions.contains(version) else { return .failure(.unsupportedVersion(version)) }
        let stored = bytes.loadLittleEndian(at: checksumOffset, as: UInt32.self)
        let computed = CRC32C.mask(CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: bytes[0..<checksumOffset])))
        guard stored == computed else { return .failure(.checksumMismatch(stored: stored, computed: computed)) }
        let flags = bytes.loadLittleEndian(at: 12, as: UInt32.self)
        guard flags == 0 else { return .failure(.unsupportedFlags(flags)) }
        guard bytes.loadLittleEndian(at: 24, as: UInt32.self) == 0 else { return .failure(.reservedNotZero) }
        let first = bytes.loadLittleEndian(at: 16, as: UInt64.self)
        guard first >= 1 else { return .failure(.zeroFirstSequence) }
        return .success(SegmentHeader(formatVersion: version, flags: flags, firstSequence: first))
    }
}

/// Why a segment header was refused. The reader adds the file name.
public enum SegmentHeaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than 32 bytes: a segment cut short while it was being created.
    case truncated(availableBytes: Int)
    /// The first 8 bytes are not "CAIRNWAL": not a Cairn segment.
    case badMagic(found: Bytes)
    /// A format this code does not read (a newer Cairn wrote it).
    case unsupportedVersion(UInt32)
    /// The header's bytes are not the ones written (both values masked).
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// A flag version 1 does not define.
    case unsupportedFlags(UInt32)
    /// Bytes 24..<28 are not zero.
    case reservedNotZero
    /// A first sequence number of 0; sequence numbers start at 1.
    case zeroFirstSequence

    public var description: String {
        switch self {
        case .truncated(let count):
            return "segment header truncated: \(count) of \(SegmentHeader.byteCount) bytes"
        case .badMagic(let found):
            return "not a Cairn log segment: magic is \(Hex.bytes(found)), expected \(Hex.bytes(SegmentHeader.magic)) (\"CAIRNWAL\")"
        case .unsupportedVersion(let version):
            return "unsupported segment format version \(version) (this build reads versions \(SegmentHeader.readableFormatVersions.lowerBound) to \(SegmentHeader.readableFormatVersions.upperBound))"
        case .checksumMismatch(let stored, let computed):
            return "segment header checksum mismatch: stored \(Hex.word(stored)), computed \(Hex.word(computed))"
        case .unsupportedFlags(let flags):
            return "segment header has unsupported flags \(Hex.word(flags))"
        case .reservedNotZero:
            return "segment header reserved bytes 24..<28 are not zero"
        case .zeroFirstSequence:
            return "segment header first sequence number is 0"
        }
    }
}
