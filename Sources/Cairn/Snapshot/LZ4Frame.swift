import CLZ4

/// A failure of liblz4, with its own error name.
public struct LZ4Error: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let reason: String
    public var description: String { "lz4 \(operation) failed: \(reason)" }
}

/// Standard LZ4 frames (readable by `lz4 -d`) with block and content
/// checksums: the snapshot body's format. The only code that touches liblz4.
public enum LZ4Frame {
    /// Compresses `input` into one frame.
    public static func compress(_ input: Bytes) throws(LZ4Error) -> Bytes {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.contentSize = UInt64(input.count)
        let bound = LZ4F_compressFrameBound(input.count, &preferences)
        var output = Bytes(repeating: 0, count: bound)
        let written = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                LZ4F_compressFrame(destination.baseAddress, bound, source.baseAddress, input.count, &preferences)
            }
        }
        if LZ4F_isError(written) != 0 { throw LZ4Error(operation: "compress", reason: errorName(written)) }
        output.removeSubrange(written...)
        return output
    }

    /// Decompresses every frame in `input`, checking every checksum; refuses
    /// to produce more than `limitBytes`.
    public static func decompress(_ input: Bytes, limitBytes: Int = 1 << 32) throws(LZ4Error) -> Bytes {
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        if LZ4F_isError(created) != 0 { throw LZ4Error(operation: "decompress", reason: errorName(created)) }
        defer { LZ4F_freeDecompressionContext(context) }
        var output: Bytes = []
        var chunk = Bytes(repeating: 0, count: 64 * 1024)
        var consumedTotal = 0
        var hint = 1
        while consumedTotal < input.count {
            var sourceSize = input.count - consumedTotal
            var destinationSize = chunk.count
            hint = input.withUnsafeBytes { source in
                chunk.withUnsafeMutableBytes { destination in
                    LZ4F_decompress(context, destination.baseAddress, &destinationSize,
                                    source.baseAddress! + consumedTotal, &sourceSize, nil)
                }
            }
            if LZ4F_isError(hint) != 0 { throw LZ4Error(operation: "decompress", reason: errorName(hint)) }
            consumedTotal += sourceSize
            output.append(contentsOf: chunk[0..<destinationSize])
            if output.count > limitBytes { throw LZ4Error(operation: "decompress", reason: "output exceeds \(limitBytes) bytes") }
            if sourceSize == 0 && destinationSize == 0 { break }
        }
        if hint != 0 { throw LZ4Error(operation: "decompress", reason: "truncated frame") }
        return output
    }

    static func errorName(_ code: Int) -> String {
        String(cString: LZ4F_getErrorName(code))
    }
}

/// How a streamed frame is cut into blocks (the frame descriptor's BD and
/// B.Indep fields).
struct LZ4FrameLayout: Sendable, Equatable {
    enum BlockSize: Sendable, Equatable {
        case kibibytes256, mebibyte1, mebibytes4

        var bytes: Int {
            switch self {
            case .kibibytes256: 256 << 10
            case .mebibyte1: 1 << 20
            case .mebibytes4: 4 << 20
            }
        }

        fileprivate var identifier: LZ4F_blockSizeID_t {
            switch self {
            case .kibibytes256: LZ4F_max256KB
            case .mebibyte1: LZ4F_max1MB
            case .mebibytes4: LZ4F_max4MB
            }
        }
    }

    var blockSize: BlockSize
    /// Linked blocks may refer to the 64 KiB before them (better ratio);
    /// independent blocks compress alone.
    var linkedBlocks: Bool
}

/// One LZ4 frame written a piece at a time (`LZ4F_compressBegin`, `_Update`,
/// `_End`), with block and content checksums and fast compression (level 0).
/// Each call returns the frame bytes it completed; `update` may return none
/// while it fills a block. Used from one thread at a time.
final class LZ4FrameEncoder {
    private var context: OpaquePointer?
    private var preferences = LZ4F_preferences_t()
    private var output: Bytes = []

    init(layout: LZ4FrameLayout) {
        let created = LZ4F_createCompressionContext(&context, UInt32(LZ4F_VERSION))
        // Fails only when out of memory.
        precondition(LZ4F_isError(created) == 0, "LZ4F_createCompressionContext: \(LZ4Frame.errorName(created))")
        preferences.frameInfo.blockSizeID = layout.blockSize.identifier
        preferences.frameInfo.blockMode = layout.linkedBlocks ? LZ4F_blockLinked : LZ4F_blockIndependent
        preferences.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
    }

    deinit { LZ4F_freeCompressionContext(context) }

    /// The frame header (magic and descriptor).
    func begin() -> Bytes {
        run(bound: Int(LZ4F_HEADER_SIZE_MAX)) { destination, capacity in
            LZ4F_compressBegin(context, destination, capacity, &preferences)
        }
    }

    /// The blocks `input` completes.
    func update(_ input: UnsafeRawBufferPointer) -> Bytes {
        run(bound: LZ4F_compressBound(input.count, &preferences)) { destination, capacity in
            LZ4F_compressUpdate(context, destination, capacity, input.baseAddress, input.count, nil)
        }
    }

    /// The last block, the end mark and the content checksum.
    func end() -> Bytes {
        run(bound: LZ4F_compressBound(0, &preferences)) { destination, capacity in
            LZ4F_compressEnd(context, destination, capacity, nil)
        }
    }

    /// Runs one liblz4 call into `output`, sized to liblz4's own bound, so
    /// the only errors left are Cairn bugs (a call out of order).
    private func run(bound: Int, _ call: (UnsafeMutableRawPointer?, Int) -> Int) -> Bytes {
        if output.count < bound { output = Bytes(repeating: 0, count: bound) }
        let written = output.withUnsafeMutableBytes { call($0.baseAddress, bound) }
        precondition(LZ4F_isError(written) == 0, "LZ4F compression: \(LZ4Frame.errorName(written))")
        return Array(output[0..<written])
    }
}

/// LZ4 frames read a piece at a time (`LZ4F_decompress` with one context),
/// every block and content checksum checked by liblz4. Used from one thread
/// at a time.
final class LZ4FrameDecoder {
    private var context: OpaquePointer?

    init() {
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        precondition(LZ4F_isError(created) == 0, "LZ4F_createDecompressionContext: \(LZ4Frame.errorName(created))")
    }

    deinit { LZ4F_freeDecompressionContext(context) }

    /// The number of input bytes to give the next call for it to finish the
    /// next block (liblz4's hint): the frame header's first bytes at the
    /// start, 0 once a frame has ended with a valid content checksum.
    private(set) var expectedInputBytes = Int(LZ4F_HEADER_SIZE_MIN)

    /// The length of a frame header whose FLG byte is `descriptorFlags`:
    /// magic (4), FLG, BD, the content size (8) if FLG bit 3, the
    /// dictionary ID (4) if FLG bit 0, the header checksum (1).
    static func headerBytes(descriptorFlags: UInt8) -> Int {
        7 + (descriptorFlags & 0x08 != 0 ? 8 : 0) + (descriptorFlags & 0x01 != 0 ? 4 : 0)
    }

    /// Decodes from `input` into `output`; returns how many input bytes it
    /// consumed and how many output bytes it produced. Call again with the
    /// rest when it did not consume everything (the output was full).
    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(LZ4Error) -> (consumed: Int, produced: Int) {
        var sourceSize = input.count
        var destinationSize = output.count
        let hint = LZ4F_decompress(context, output.baseAddress, &destinationSize, input.baseAddress, &sourceSize, nil)
        if LZ4F_isError(hint) != 0 { throw LZ4Error(operation: "decompress", reason: LZ4Frame.errorName(hint)) }
        expectedInputBytes = hint
        return (sourceSize, destinationSize)
    }
}
