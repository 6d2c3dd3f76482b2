/// BITFIELD and BITFIELD_RO (Redis's `bitfieldGeneric` in `bitops.c`):
/// signed and unsigned integers of 1 to 64 bits (unsigned: 63) at any bit
/// offset of a string, read, set and incremented with WRAP, SAT or FAIL
/// overflow handling.
enum BitfieldCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("bitfield", arity: -2, flags: [.write, .denyOOM], keys: (1, 1, 1), group: "bitmap") {
            context throws(CommandError) in try bitfield(&context, readOnly: false)
        },
        CommandSpec("bitfield_ro", arity: -2, flags: [.readonly, .fast], keys: (1, 1, 1), group: "bitmap") {
            context throws(CommandError) in try bitfield(&context, readOnly: true)
        },
    ]

    static let typeError = CommandError.err(
        "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")

    enum Overflow { case wrap, sat, fail }

    /// A field's type: `i1`..`i64` or `u1`..`u63`.
    struct FieldType {
        var signed: Bool
        var bits: Int

        /// `getBitfieldTypeFromArgument`: a lowercase `i` or `u`, then the
        /// width as `string2ll` reads it up to the first NUL byte (Redis
        /// calls `strlen`).
        init(_ argument: Bytes) throws(CommandError) {
            switch argument.first {
            case UInt8(ascii: "i"): signed = true
            case UInt8(ascii: "u"): signed = false
            default: throw typeError
            }
            let digits = argument.dropFirst().prefix { $0 != 0 }
            guard let width = Numbers.parseInteger(digits), width >= 1, width <= (signed ? 64 : 63) else {
                throw typeError
            }
            bits = Int(width)
        }
    }

    enum Action {
        case get
        /// Stores the value; replies the old one.
        case set(Int64)
        /// Adds the increment; replies the new value.
        case incrementBy(Int64)
    }

    struct Operation {
        var action: Action
        var type: FieldType
        var offset: UInt64
        var overflow: Overflow

        var isWrite: Bool {
            if case .get = action { return false }
            return true
        }
    }

    /// Parses every subcommand before touching the key, so a bad argument
    /// anywhere leaves the string as it was. Writes are logged as the
    /// command itself when they changed something: replay runs the same
    /// operations on the same bytes (FAIL's outcome included) and gets the
    /// same result.
    static func bitfield(_ context: inout CommandContext, readOnly: Bool) throws(CommandError) -> Reply {
        let operations = try parse(context)
        let key = context.key(1)
        let writes = operations.filter(\.isWrite)
        if writes.isEmpty {
            let string = try context.string(key) ?? ByteString()
            return .array(string.withUnsafeBytes { bytes in
                operations.map { .integer(get($0, bytes)) }
            })
        }
        if readOnly { throw .err("BITFIELD_RO only supports the GET subcommand") }

        // Grow the string to the farthest bit written (lookupStringForBitCommand).
        let highestBit = writes.map { $0.offset + UInt64($0.type.bits) - 1 }.max() ?? 0
        let minimumCount = Int(highestBit >> 3) + 1
        if try context.stringExists(key) {
            let (outcome, grew) = context.modifyString(key, minimumCount: minimumCount) { bytes in
                run(operations, on: bytes)
            }
            if grew || outcome.changed {
                context.keyModified(key)
                context.emitCommand()
            }
            return .array(outcome.replies)
        }
        var string = ByteString()
        let outcome = string.withMutableBytes(minimumCount: minimumCount) { bytes in
            run(operations, on: bytes)
        }
        // Redis creates the key even when every write FAILs; log it so
        // replay creates it too.
        context.set(key, .string(string))
        context.emitCommand()
        return .array(outcome.replies)
    }

    /// The subcommands in order, with the OVERFLOW mode in force for each.
    static func parse(_ context: CommandContext) throws(CommandError) -> [Operation] {
        var operations: [Operation] = []
        var overflow = Overflow.wrap
        var index = 2
        let argv = context.argv
        while index < argv.count {
            let remaining = argv.count - index - 1
            let name = argv[index]
            if name.equalsIgnoringCase("overflow") && remaining >= 1 {
                let mode = argv[index + 1]
                if mode.equalsIgnoringCase("wrap") {
                    overflow = .wrap
                } else if mode.equalsIgnoringCase("sat") {
                    overflow = .sat
                } else if mode.equalsIgnoringCase("fail") {
                    overflow = .fail
                } else {
                    throw .err("Invalid OVERFLOW type specified")
                }
                index += 2
                continue
            }
            let isGet = name.equalsIgnoringCase("get") && remaining >= 2
            let isSet = name.equalsIgnoringCase("set") && remaining >= 3
            let isIncrement = name.equalsIgnoringCase("incrby") && remaining >= 3
            guard isGet || isSet || isIncrement else { throw .syntax }
            let type = try FieldType(argv[index + 1])
            let offset = try Bitmap.offset(argv[index + 2], fieldBits: type.bits)
            let action: Action
            if isGet {
                action = .get
            } else {
                let value = try context.integer(index + 3)
                action = isSet ? .set(value) : .incrementBy(value)
            }
            operations.append(Operation(action: action, type: type, offset: offset, overflow: overflow))
            index += isGet ? 3 : 4
        }
        return operations
    }

    /// A GET: the field's value, bits past the end reading as zero.
    static func get(_ operation: Operation, _ bytes: UnsafeRawBufferPointer) -> Int64 {
        let type = operation.type
        if type.signed { return Bitmap.signedField(bytes, offset: operation.offset, bits: type.bits) }
        return Int64(bitPattern: Bitmap.unsignedField(bytes, offset: operation.offset, bits: type.bits))
    }

    /// Runs the operations in order on bytes already grown to cover every
    /// write; a GET sees the writes before it. `changed` is Redis's
    /// `changes`: some write stored a value different from the old one.
    static func run(_ operations: [Operation], on bytes: UnsafeMutableRawBufferPointer) -> (replies: [Reply], changed: Bool) {
        var replies: [Reply] = []
        replies.reserveCapacity(operations.count)
        var changed = false
        for operation in operations {
            let (reply, stored) = apply(operation, bytes)
            replies.append(reply.map(Reply.integer) ?? .null)
            changed = changed || stored
        }
        return (replies, changed)
    }

    /// One operation (`bitfieldGeneric`'s loop body): the reply (nil when
    /// OVERFLOW FAIL refused the write) and whether the field changed.
    static func apply(_ operation: Operation, _ bytes: UnsafeMutableRawBufferPointer) -> (reply: Int64?, changed: Bool) {
        let type = operation.type
        let readable = UnsafeRawBufferPointer(bytes)
        let old: Int64, new: Int64, reply: Int64
        let overflowed: Bool
        switch (operation.action, type.signed) {
        case (.get, _):
            return (get(operation, readable), false)
        case (.incrementBy(let increment), true):
            old = Bitmap.signedField(readable, offset: operation.offset, bits: type.bits)
            let check = checkSigned(old, increment, bits: type.bits, operation.overflow)
            overflowed = check.direction != 0
            new = overflowed ? check.limit : old &+ increment
            reply = new
        case (.set(let value), true):
            old = Bitmap.signedField(readable, offset: operation.offset, bits: type.bits)
            let check = checkSigned(value, 0, bits: type.bits, operation.overflow)
            overflowed = check.direction != 0
            new = overflowed ? check.limit : value
            reply = old
        case (.incrementBy(let increment), false):
            let current = Bitmap.unsignedField(readable, offset: operation.offset, bits: type.bits)
            let check = checkUnsigned(current, increment, bits: type.bits, operation.overflow)
            overflowed = check.direction != 0
            // Unsigned fields are at most 63 bits wide, so they fit an Int64.
            old = Int64(bitPattern: current)
            new = Int64(bitPattern: overflowed ? check.limit : current &+ UInt64(bitPattern: increment))
            reply = new
        case (.set(let value), false):
            let current = Bitmap.unsignedField(readable, offset: operation.offset, bits: type.bits)
            let check = checkUnsigned(UInt64(bitPattern: value), 0, bits: type.bits, operation.overflow)
            overflowed = check.direction != 0
            old = Int64(bitPattern: current)
            new = overflowed ? Int64(bitPattern: check.limit) : value
            reply = old
        }
        if overflowed && operation.overflow == .fail { return (nil, false) }
        Bitmap.setField(bytes, offset: operation.offset, bits: type.bits, value: UInt64(bitPattern: new))
        return (reply, old != new)
    }

    // MARK: Overflow

    /// `checkUnsignedBitfieldOverflow`: whether `value + increment` leaves
    /// the `bits`-wide unsigned range (1: above, -1: below, 0: fits) and
    /// the value to store instead: the low bits under WRAP, the nearest
    /// bound under SAT. `value` may itself be out of range (SET of a
    /// negative number is a huge unsigned one: SAT stores the maximum).
    static func checkUnsigned(_ value: UInt64, _ increment: Int64, bits: Int,
                              _ mode: Overflow) -> (direction: Int, limit: UInt64) {
        let max: UInt64 = bits == 64 ? .max : (1 << bits) - 1
        let maxIncrement = Int64(bitPattern: max &- value)
        let minIncrement = Int64(bitPattern: 0 &- value)
        let wrapped = (value &+ UInt64(bitPattern: increment)) & ~(UInt64.max << bits)
        if value > max || (increment > 0 && increment > maxIncrement) {
            return (1, mode == .wrap ? wrapped : max)
        }
        if increment < 0 && increment < minIncrement {
            return (-1, mode == .wrap ? wrapped : 0)
        }
        return (0, 0)
    }

    /// `checkSignedBitfieldOverflow`, with C's wrap-around arithmetic kept
    /// where Redis relies on it: WRAP sign-extends the low `bits` bits of
    /// the sum, SAT stores the bound crossed. (A SET of a value far below
    /// the range can count as an overflow upwards, as in Redis:
    /// `OVERFLOW SAT SET i8 0 -9223372036854775808` stores 127.)
    static func checkSigned(_ value: Int64, _ increment: Int64, bits: Int,
                            _ mode: Overflow) -> (direction: Int, limit: Int64) {
        let max: Int64 = bits == 64 ? .max : (1 << (bits - 1)) - 1
        let min = -max - 1
        let maxIncrement = Int64(bitPattern: UInt64(bitPattern: max) &- UInt64(bitPattern: value))
        let minIncrement = min &- value
        var sum = UInt64(bitPattern: value) &+ UInt64(bitPattern: increment)
        if bits < 64 {
            let high = UInt64.max << bits
            sum = sum & (1 << (bits - 1)) != 0 ? sum | high : sum & ~high
        }
        let wrapped = Int64(bitPattern: sum)
        if value > max || (bits != 64 && increment > maxIncrement)
            || (value >= 0 && increment > 0 && increment > maxIncrement) {
            return (1, mode == .wrap ? wrapped : max)
        }
        if value < min || (bits != 64 && increment < minIncrement)
            || (value < 0 && increment < 0 && increment < minIncrement) {
            return (-1, mode == .wrap ? wrapped : min)
        }
        return (0, 0)
    }
}
