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

    private static func errorName(_ code: Int) -> String {
        String(cString: LZ4F_getErrorName(code))
    }
}
