/// The bitmap commands (Redis's `bitops.c`): SETBIT GETBIT BITCOUNT BITPOS
/// BITOP. BITFIELD and BITFIELD_RO live in `Bitfield.swift`.
///
/// A string in the integer encoding is read as its decimal text, as Redis
/// does (`SET k 1` then `GETBIT k 2` reads the `'1'` byte, 0x31).
enum BitCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("setbit", arity: 4, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "bitmap", handler: setbit),
        CommandSpec("getbit", arity: 3, flags: [.readonly, .fast], keys: (1, 1, 1), group: "bitmap", handler: getbit),
        CommandSpec("bitcount", arity: -2, flags: [.readonly], keys: (1, 1, 1), group: "bitmap", handler: bitcount),
        CommandSpec("bitpos", arity: -3, flags: [.readonly], keys: (1, 1, 1), group: "bitmap", handler: bitpos),
        CommandSpec("bitop", arity: -4, flags: [.write, .denyOOM], keys: (2, -1, 1), group: "bitmap", handler: bitop),
    ] + BitfieldCommands.specs

    static let bitValueError = CommandError.err("bit is not an integer or out of range")

    // MARK: SETBIT / GETBIT

    /// `SETBIT key offset 0|1`: replies the bit's old value. Logged as
    /// itself only when the key was created, grew, or the bit changed
    /// (Redis's `dirty` test), so a no-op SETBIT writes nothing.
    @Sendable static func setbit(_ context: inout CommandContext) throws(CommandError) -> Reply {
        let offset = try Bitmap.offset(context.argv[2])
        let value = try context.integer(3, error: bitValueError)
        guard value & ~1 == 0 else { throw bitValueError }
        let on = value == 1
        let key = context.key(1)
        let byteIndex = Int(offset >> 3)
        let mask = UInt8(0x80) >> UInt8(offset & 7)

        guard try context.stringExists(key) else {
            var bitmap = ByteString()
            bitmap.withMutableBytes(minimumCount: byteIndex + 1) { bytes in
                if on { bytes[byteIndex] = mask }
            }
            context.set(key, .string(bitmap))
            context.emitCommand()
            return .integer(0)
        }
        let (wasOn, grew) = context.modifyString(key, minimumCount: byteIndex + 1) { bytes in
            let wasOn = bytes[byteIndex] & mask != 0
            if on { bytes[byteIndex] |= mask } else { bytes[byteIndex] &= ~mask }
            return wasOn
        }
        if grew || wasOn != on {
            context.keyModified(key)
            context.emitCommand()
        }
        return .integer(wasOn ? 1 : 0)
    }

    /// `GETBIT key offset`: bits past the end (and of missing keys) are 0.
    @Sendable static func getbit(_ context: inout CommandContext) throws(CommandError) -> Reply {
        let offset = try Bitmap.offset(context.argv[2])
        guard let string = try context.string(context.key(1)) else { return .integer(0) }
        let byteIndex = Int(offset >> 3)
        let isSet = string.withUnsafeBytes { bytes in
            byteIndex < bytes.count && bytes[byteIndex] & (UInt8(0x80) >> UInt8(offset & 7)) != 0
        }
        return .integer(isSet ? 1 : 0)
    }

    // MARK: BITCOUNT / BITPOS

    /// A `start end [BYTE|BIT]` range made concrete (the clamping both
    /// BITCOUNT and BITPOS do): byte indexes `start...end`, and in BIT mode
    /// masks of the bits of the first and last byte that lie outside it.
    struct ByteRange {
        var start: Int64
        var end: Int64
        var firstByteOutsideMask: UInt8 = 0
        var lastByteOutsideMask: UInt8 = 0

        /// Converts negative indexes, clamps to the string, and in BIT mode
        /// turns bit indexes into byte indexes plus edge masks.
        init(start: Int64, end: Int64, length: Int64, isBit: Bool) {
            let total = isBit ? length << 3 : length
            var start = start < 0 ? total + start : start
            var end = end < 0 ? total + end : end
            if start < 0 { start = 0 }
            if end < 0 { end = 0 }
            if end >= total { end = total - 1 }
            if isBit && start <= end {
                firstByteOutsideMask = ~UInt8(truncatingIfNeeded: (1 << (8 - (start & 7))) - 1)
                lastByteOutsideMask = UInt8(truncatingIfNeeded: (1 << (7 - (end & 7))) - 1)
                start >>= 3
                end >>= 3
            }
            self.start = start
            self.end = end
        }
    }

    /// Parses BIT or BYTE (any case); anything else is a syntax error.
    static func isBitMode(_ argument: Bytes) throws(CommandError) -> Bool {
        if argument.equalsIgnoringCase("bit") { return true }
        if argument.equalsIgnoringCase("byte") { return false }
        throw .syntax
    }

    /// `BITCOUNT key [start end [BYTE|BIT]]`. As Redis, a missing key
    /// answers 0 before the range is parsed, and `start` and `end` both
    /// negative with `start > end` answers 0 before the mode is.
    @Sendable static func bitcount(_ context: inout CommandContext) throws(CommandError) -> Reply {
        guard let string = try context.string(context.key(1)) else { return .integer(0) }
        let count = context.argumentCount
        guard count == 2 || count == 4 || count == 5 else { throw .syntax }
        var range = ByteRange(start: 0, end: Int64(string.count) - 1, length: Int64(string.count), isBit: false)
        if count > 2 {
            let start = try context.integer(2)
            let end = try context.integer(3)
            if start < 0 && end < 0 && start > end { return .integer(0) }
            let isBit = count == 5 ? try isBitMode(context.argv[4]) : false
            range = ByteRange(start: start, end: end, length: Int64(string.count), isBit: isBit)
        }
        guard range.start <= range.end else { return .integer(0) }
        let total = string.withUnsafeBytes { bytes -> Int64 in
            let first = Int(range.start), last = Int(range.end)
            var total = Bitmap.popcount(UnsafeRawBufferPointer(rebasing: bytes[first...last]))
            total -= Int64((bytes[first] & range.firstByteOutsideMask).nonzeroBitCount)
            total -= Int64((bytes[last] & range.lastByteOutsideMask).nonzeroBitCount)
            return total
        }
        return .integer(total)
    }

    /// `BITPOS key bit [start [end [BYTE|BIT]]]`: the first 0 or 1 in the
    /// range. A missing key is all zeros (0 for bit 0, -1 for bit 1); with
    /// no `end`, the string counts as zero-padded on the right, so the first
    /// 0 of an all-ones string is just past it; with an `end`, it is -1.
    @Sendable static func bitpos(_ context: inout CommandContext) throws(CommandError) -> Reply {
        let bitArgument = try context.integer(2)
        guard bitArgument == 0 || bitArgument == 1 else { throw .err("The bit argument must be 1 or 0.") }
        let bit = bitArgument == 1
        guard let string = try context.string(context.key(1)) else { return .integer(bit ? -1 : 0) }
        let count = context.argumentCount
        let length = Int64(string.count)
        var range = ByteRange(start: 0, end: length - 1, length: length, isBit: false)
        var endGiven = false
        switch count {
        case 3:
            break
        case 4, 5, 6:
            let start = try context.integer(3)
            let isBit = count == 6 ? try isBitMode(context.argv[5]) : false
            var end = isBit ? (length << 3) + 7 : length - 1
            if count >= 5 {
                end = try context.integer(4)
                endGiven = true
            }
            range = ByteRange(start: start, end: end, length: length, isBit: isBit)
        default:
            throw .syntax
        }
        guard range.start <= range.end else { return .integer(-1) }
        let position = string.withUnsafeBytes { bytes in
            firstBit(bit, in: bytes, range: range, endGiven: endGiven)
        }
        return .integer(position)
    }

    /// `bitposCommand`'s search, step for step: the first byte under its
    /// mask, the whole bytes, then the last byte under its mask.
    static func firstBit(_ bit: Bool, in bytes: UnsafeRawBufferPointer, range: ByteRange, endGiven: Bool) -> Int64 {
        var start = Int(range.start)
        let end = Int(range.end)
        var remaining = end - start + 1
        var position: Int64
        let firstMask = range.firstByteOutsideMask, lastMask = range.lastByteOutsideMask
        search: do {
            if firstMask != 0 {
                var byte = bit ? bytes[start] & ~firstMask : bytes[start] | firstMask
                if lastMask != 0 && remaining == 1 {
                    byte = bit ? byte & ~lastMask : byte | lastMask
                }
                position = Bitmap.firstBit(bit, inByte: byte)
                if remaining == 1 || (position != -1 && position != 8) { break search }
                start += 1
                remaining -= 1
            }
            let whole = remaining - (lastMask != 0 ? 1 : 0)
            if whole > 0 {
                position = Bitmap.firstBit(bit, in: UnsafeRawBufferPointer(rebasing: bytes[start..<start + whole]))
                if remaining == whole || (position != -1 && position != Int64(whole) << 3) { break search }
                start += whole
                remaining -= whole
            }
            let byte = bit ? bytes[end] & ~lastMask : bytes[end] | lastMask
            position = Bitmap.firstBit(bit, inByte: byte)
        }
        // With an explicit end the right of the range is not zero padding:
        // no 0 found inside it is -1.
        if endGiven && !bit && position == Int64(remaining) << 3 { return -1 }
        return position == -1 ? -1 : position + Int64(start) << 3
    }

    // MARK: BITOP

    enum Operation { case and, or, xor, not }

    /// `BITOP AND|OR|XOR|NOT destkey key [key ...]`: stores the result at
    /// `destkey` (dropping its TTL, as `setKey`) and replies its length; a
    /// missing source is an empty string, shorter sources are zero-padded.
    /// When every source is empty the result is empty and `destkey` is
    /// deleted. Logged as itself: replay recomputes the same bytes from the
    /// same sources (expired sources' DELs come first), which keeps a
    /// 512 MB result out of the log.
    @Sendable static func bitop(_ context: inout CommandContext) throws(CommandError) -> Reply {
        let name = context.argv[1]
        let operation: Operation
        if name.equalsIgnoringCase("and") {
            operation = .and
        } else if name.equalsIgnoringCase("or") {
            operation = .or
        } else if name.equalsIgnoringCase("xor") {
            operation = .xor
        } else if name.equalsIgnoringCase("not") {
            operation = .not
        } else {
            throw .syntax
        }
        if operation == .not && context.argumentCount != 4 {
            throw .err("BITOP NOT must be called with a single source key.")
        }
        var sources: [ByteString] = []
        for index in 3..<context.argumentCount {
            sources.append(try context.string(context.key(index)) ?? ByteString())
        }
        let destination = context.key(2)
        let length = sources.map(\.count).max() ?? 0
        if length == 0 {
            if context.delete(destination) { context.emitCommand() }
            return .integer(0)
        }
        var result = ByteString()
        result.withMutableBytes(minimumCount: length) { output in
            combine(sources, operation, into: output)
        }
        context.set(destination, .string(result))
        context.emitCommand()
        return .integer(Int64(length))
    }

    /// Computes BITOP into `output` (zeroed, as long as the longest source),
    /// eight bytes at a time where it can.
    static func combine(_ sources: [ByteString], _ operation: Operation, into output: UnsafeMutableRawBufferPointer) {
        sources[0].withUnsafeBytes { first in
            output.copyMemory(from: first)
        }
        if operation == .not {
            apply(output, count: output.count) { ~$0 } byte: { ~$0 }
            return
        }
        for source in sources.dropFirst() {
            source.withUnsafeBytes { bytes in
                switch operation {
                case .and:
                    apply(output, count: bytes.count, from: bytes) { $0 & $1 } byte: { $0 & $1 }
                    // Past a shorter source, AND sees zeros.
                    for index in bytes.count..<output.count { output[index] = 0 }
                case .or:
                    apply(output, count: bytes.count, from: bytes) { $0 | $1 } byte: { $0 | $1 }
                case .xor:
                    apply(output, count: bytes.count, from: bytes) { $0 ^ $1 } byte: { $0 ^ $1 }
                case .not:
                    break
                }
            }
        }
    }

    /// `output[i] = op(output[i], source[i])` for the first `count` bytes.
    private static func apply(_ output: UnsafeMutableRawBufferPointer, count: Int, from source: UnsafeRawBufferPointer,
                              word: (UInt64, UInt64) -> UInt64, byte: (UInt8, UInt8) -> UInt8) {
        var index = 0
        while index + 8 <= count {
            let combined = word(output.loadUnaligned(fromByteOffset: index, as: UInt64.self),
                                source.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            output.storeBytes(of: combined, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            output[index] = byte(output[index], source[index])
            index += 1
        }
    }

    /// `output[i] = op(output[i])` for the first `count` bytes.
    private static func apply(_ output: UnsafeMutableRawBufferPointer, count: Int,
                              word: (UInt64) -> UInt64, byte: (UInt8) -> UInt8) {
        var index = 0
        while index + 8 <= count {
            output.storeBytes(of: word(output.loadUnaligned(fromByteOffset: index, as: UInt64.self)),
                              toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            output[index] = byte(output[index])
            index += 1
        }
    }
}
