/// A record's payload (docs/FORMAT.md, "Payload"): one or more effects, each
/// its database number as u16 LE followed by its argv as a RESP multibulk,
/// byte for byte what Redis writes to an AOF (`*N\r\n$len\r\n<arg>\r\n...`).
/// Exporting a log to an AOF is therefore a copy of the multibulks with a
/// `SELECT` wherever the database changes.
///
/// The decoder only ever sees bytes the frame checksum vouched for, so a
/// malformed payload means a writer bug or a checksum collision, never a
/// torn write; it is still checked strictly (canonical decimals, every CRLF)
/// so one payload has one meaning.
public enum RecordPayload {
    /// Databases a payload may name: SELECT 0-15, as Redis.
    static let databases = 0...15
    /// The smallest effect: database (2) + `*1\r\n` (4) + `$0\r\n\r\n` (6).
    static let minimumEffectByteCount = 12
    /// The smallest bulk string: `$0\r\n\r\n`. Bounds how many elements a
    /// declared array count may claim.
    static let minimumBulkByteCount = 6

    // MARK: Encoding

    /// The exact size of `effect`'s encoding.
    static func encodedByteCount(_ effect: Effect) -> Int {
        var total = 2 + 1 + decimalDigitCount(effect.argv.count) + 2
        for argument in effect.argv {
            total += 1 + decimalDigitCount(argument.count) + 2 + argument.count + 2
        }
        return total
    }

    /// Appends `effect`'s encoding; the caller has checked its database and
    /// that its argv is not empty.
    static func append(_ effect: Effect, to bytes: inout Bytes) {
        bytes.appendLittleEndian(UInt16(effect.database))
        appendCommand(effect.argv, to: &bytes)
    }

    /// A command as a RESP array of bulk strings, as a client sends it (and
    /// as Redis's AOF holds it): the log's effects and cairn-dump's exports.
    public static func appendCommand(_ argv: [Bytes], to bytes: inout Bytes) {
        bytes.append(UInt8(ascii: "*"))
        appendDecimal(argv.count, to: &bytes)
        bytes.append(contentsOf: crlf)
        for argument in argv {
            bytes.append(UInt8(ascii: "$"))
            appendDecimal(argument.count, to: &bytes)
            bytes.append(contentsOf: crlf)
            bytes.append(contentsOf: argument)
            bytes.append(contentsOf: crlf)
        }
    }

    private static let crlf: [UInt8] = [13, 10]

    private static func decimalDigitCount(_ value: Int) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }

    private static func appendDecimal(_ value: Int, to bytes: inout Bytes) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    // MARK: Decoding

    enum Decoded {
        case effects([Effect])
        case defect(FrameCorruption.Reason)
    }

    /// The effects in `payload`, or why it is not a payload. Allocates no
    /// more than the payload's own size: every count and length is checked
    /// against the bytes that remain before anything is reserved.
    static func decode(_ payload: UnsafeRawBufferPointer) -> Decoded {
        var buffer = EffectBuffer()
        if let defect = decode(payload, into: &buffer) { return .defect(defect) }
        return .effects(buffer.effects)
    }

    /// Decodes `payload` into `buffer`, reusing its storage (recovery decodes
    /// millions of records into one buffer without allocating per argument);
    /// nil when it is a valid payload. On a defect the buffer's content is
    /// unspecified.
    static func decode(_ payload: UnsafeRawBufferPointer, into buffer: inout EffectBuffer) -> FrameCorruption.Reason? {
        guard !payload.isEmpty else { return .zeroEffects }
        var cursor = PayloadCursor(bytes: payload)
        buffer.count = 0
        while !cursor.isAtEnd {
            let start = cursor.index
            guard cursor.remaining >= 2 else { return .malformedEffect(payloadOffset: start, .truncated) }
            let database = Int(payload.loadLittleEndian(at: start, as: UInt16.self))
            guard databases.contains(database) else {
                return .databaseOutOfRange(database: database, payloadOffset: start)
            }
            cursor.index += 2
            if buffer.count == buffer.slots.count { buffer.slots.append(Effect(database: 0, argv: [])) }
            do throws(PayloadCursor.Failure) {
                buffer.slots[buffer.count].database = database
                try cursor.readMultibulk(into: &buffer.slots[buffer.count].argv)
            } catch {
                return .malformedEffect(payloadOffset: error.offset, error.defect)
            }
            buffer.count += 1
        }
        return nil
    }
}

/// Decoded effects in reusable storage: `slots[..<count]` are the current
/// record's. Slots past `count` keep their arrays for the next record.
struct EffectBuffer {
    var slots: [Effect] = []
    var count = 0

    var current: ArraySlice<Effect> { slots[..<count] }
    var effects: [Effect] { count == slots.count ? slots : Array(slots[..<count]) }
}

/// What is wrong inside an effect's RESP multibulk.
public enum MalformedEffect: Sendable, Equatable {
    /// The payload ends inside the effect.
    case truncated
    /// The multibulk does not start with `*`.
    case expectedArray
    /// An argument does not start with `$`.
    case expectedBulkString
    /// A count or length is not a canonical decimal (digits only, no
    /// leading zero, at most 10 digits).
    case invalidNumber
    /// `*0`: an effect must have a command name.
    case emptyArgv
    /// A count or length claims more than the rest of the payload holds.
    case beyondPayload
    /// A `\r\n` is missing where the syntax needs one.
    case missingCRLF
}

/// Reads RESP multibulks from a payload, with the offset of the first
/// problem. Offsets are relative to the payload's first byte.
private struct PayloadCursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    struct Failure: Error {
        let offset: Int
        let defect: MalformedEffect
    }

    var isAtEnd: Bool { index == bytes.count }
    var remaining: Int { bytes.count - index }

    /// Reads one multibulk into `argv`, reusing its arrays' capacity.
    mutating func readMultibulk(into argv: inout [Bytes]) throws(Failure) {
        try expect(UInt8(ascii: "*"), else: .expectedArray)
        let countOffset = index
        let count = try readDecimal()
        guard count > 0 else { throw Failure(offset: countOffset, defect: .emptyArgv) }
        // A claim, not a budget: each element needs at least 6 bytes.
        guard count <= remaining / RecordPayload.minimumBulkByteCount else {
            throw Failure(offset: countOffset, defect: .beyondPayload)
        }
        if argv.count > count { argv.removeLast(argv.count - count) }
        argv.reserveCapacity(count)
        for position in 0..<count {
            try expect(UInt8(ascii: "$"), else: .expectedBulkString)
            let lengthOffset = index
            let length = try readDecimal()
            guard length <= remaining - 2 else { throw Failure(offset: lengthOffset, defect: .beyondPayload) }
            // Typed, so appending is one memcpy rather than a byte loop.
            let argument = UnsafeBufferPointer(
                start: bytes.baseAddress.map { ($0 + index).assumingMemoryBound(to: UInt8.self) }, count: length)
            if position < argv.count {
                argv[position].removeAll(keepingCapacity: true)
                argv[position].append(contentsOf: argument)
            } else {
                argv.append(Bytes(argument))
            }
            index += length
            try expectCRLF()
        }
    }

    @inline(__always)
    private mutating func expect(_ byte: UInt8, else defect: MalformedEffect) throws(Failure) {
        guard index < bytes.count else { throw Failure(offset: index, defect: .truncated) }
        guard bytes[index] == byte else { throw Failure(offset: index, defect: defect) }
        index += 1
    }

    @inline(__always)
    private mutating func expectCRLF() throws(Failure) {
        guard remaining >= 2 else { throw Failure(offset: index, defect: .truncated) }
        guard bytes[index] == 13, bytes[index + 1] == 10 else { throw Failure(offset: index, defect: .missingCRLF) }
        index += 2
    }

    /// A canonical non-negative decimal followed by CRLF.
    @inline(__always)
    private mutating func readDecimal() throws(Failure) -> Int {
        let start = index
        var value = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            guard index - start < 10 else { throw Failure(offset: start, defect: .invalidNumber) }
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        let digits = index - start
        if index == bytes.count { throw Failure(offset: index, defect: .truncated) }
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else {
            throw Failure(offset: start, defect: .invalidNumber)
        }
        try expectCRLF()
        return value
    }
}
