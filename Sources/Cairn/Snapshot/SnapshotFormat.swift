/// The fixed parts of a snapshot file (`*.snap`, docs/FORMAT.md
/// "Snapshots"): a 36-byte header, the body (one LZ4 frame of records), a
/// 36-byte trailer.
///
/// ```
/// | header (36) | LZ4 frame: records of SnapshotRecords | trailer (36) |
/// ```
enum SnapshotFormat {
    /// ASCII `CAIRNSNP`.
    static let magic: Bytes = Array("CAIRNSNP".utf8)
    static let version: UInt32 = 1
    static let headerBytes = 36
    /// ASCII `CAIRNEND`: without it at the end, the file was cut short.
    static let trailerMagic: Bytes = Array("CAIRNEND".utf8)
    static let trailerBytes = 36

    /// Independent 256 KiB blocks. Measured (release, 1M string keys with
    /// 100-byte values + 100k ten-field hashes, 140 MB of records): 15.65 MB
    /// of file against 15.74 MB linked 256 KiB, 15.71 / 15.72 MB for 1 MiB
    /// independent / linked, 15.73 MB for 4 MiB linked, with the same write
    /// (~0.16 s) and read times within noise. Linking buys nothing on
    /// records this varied; independent blocks keep the reader's buffers
    /// small and let a repair tool decode on after a damaged block.
    static let bodyLayout = LZ4FrameLayout(blockSize: .kibibytes256, linkedBlocks: false)

    /// How much of the file the reader reads at a time.
    static let readChunkBytes = 1 << 20
}

/// The fixed facts in a snapshot's header.
///
/// Layout (little-endian): magic (8), version u32, flags u32 (0), sequence
/// u64, created Unix ms i64, masked CRC-32C of bytes 0..<32 u32.
struct SnapshotHeader: Sendable, Equatable {
    /// The last log record the snapshot includes (the state after record `sequence`).
    var sequence: UInt64
    /// When the snapshot was taken, Unix milliseconds.
    var createdMilliseconds: Int64

    var encoded: Bytes {
        var bytes = SnapshotFormat.magic
        bytes.reserveCapacity(SnapshotFormat.headerBytes)
        bytes.appendLittleEndian(SnapshotFormat.version)
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(sequence)
        bytes.appendLittleEndian(createdMilliseconds)
        bytes.appendLittleEndian(CRC32C.mask(CRC32C.checksum(bytes)))
        return bytes
    }

    /// The header in the first bytes of `bytes` (at least `headerBytes`),
    /// checked in the order a future version keeps meaningful: magic,
    /// version (another version may put its checksum elsewhere), checksum, flags.
    static func decode(_ bytes: Bytes, file: String) throws(StorageError) -> SnapshotHeader {
        func corrupt(_ offset: Int, _ reason: String) -> StorageError {
            .corruption(file: file, offset: offset, reason: reason)
        }
        guard bytes.count >= SnapshotFormat.headerBytes else {
            throw corrupt(0, "snapshot header is \(bytes.count) bytes, expected \(SnapshotFormat.headerBytes)")
        }
        guard bytes[0..<8].elementsEqual(SnapshotFormat.magic) else { throw corrupt(0, "not a Cairn snapshot (bad magic)") }
        let version = UInt32(bytes.littleEndianValue(at: 8, count: 4))
        guard version == SnapshotFormat.version else {
            throw corrupt(8, "unsupported snapshot version \(version) (this Cairn reads \(SnapshotFormat.version))")
        }
        let stored = UInt32(bytes.littleEndianValue(at: 32, count: 4))
        let computed = CRC32C.mask(CRC32C.extend(0, bytes[0..<32]))
        guard stored == computed else {
            throw corrupt(0, "snapshot header checksum mismatch (stored \(Hex.word(stored)), computed \(Hex.word(computed)))")
        }
        let flags = UInt32(bytes.littleEndianValue(at: 12, count: 4))
        guard flags == 0 else { throw corrupt(12, "unknown snapshot header flags \(Hex.word(flags))") }
        return SnapshotHeader(sequence: bytes.littleEndianValue(at: 16, count: 8),
                              createdMilliseconds: Int64(bitPattern: bytes.littleEndianValue(at: 24, count: 8)))
    }
}

/// The last 36 bytes of a snapshot: trailer magic (8), key count u64, last
/// sequence u64 (the header's), body length u64 (the LZ4 frame's bytes),
/// masked CRC-32C of every file byte before this field u32.
struct SnapshotTrailer: Equatable {
    var keyCount: UInt64
    var sequence: UInt64
    var bodyBytes: UInt64

    /// The trailer's bytes; `fileChecksum` is the unmasked CRC-32C of every
    /// file byte before the trailer.
    func encoded(fileChecksum: UInt32) -> Bytes {
        var bytes = SnapshotFormat.trailerMagic
        bytes.reserveCapacity(SnapshotFormat.trailerBytes)
        bytes.appendLittleEndian(keyCount)
        bytes.appendLittleEndian(sequence)
        bytes.appendLittleEndian(bodyBytes)
        bytes.appendLittleEndian(CRC32C.mask(CRC32C.extend(fileChecksum, bytes)))
        return bytes
    }

    /// The trailer in `bytes` (exactly `trailerBytes`, read at file offset
    /// `offset`). Its checksum is the reader's to check, once it has read
    /// the rest of the file: returned as `storedChecksum`.
    static func decode(_ bytes: Bytes, file: String, offset: Int) throws(StorageError)
        -> (trailer: SnapshotTrailer, storedChecksum: UInt32) {
        precondition(bytes.count == SnapshotFormat.trailerBytes, "the reader reads the whole trailer")
        guard bytes[0..<8].elementsEqual(SnapshotFormat.trailerMagic) else {
            throw .corruption(file: file, offset: offset,
                              reason: "no snapshot trailer (the file is truncated or was never finished)")
        }
        let trailer = SnapshotTrailer(keyCount: bytes.littleEndianValue(at: 8, count: 8),
                                      sequence: bytes.littleEndianValue(at: 16, count: 8),
                                      bodyBytes: bytes.littleEndianValue(at: 24, count: 8))
        return (trailer, UInt32(bytes.littleEndianValue(at: 32, count: 4)))
    }
}
