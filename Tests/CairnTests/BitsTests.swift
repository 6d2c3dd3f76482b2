import Testing
@testable import Cairn

/// Shorthands for the bitmap tests: byte arguments and direct keyspace access.
extension TestEngine {
    /// Runs a command whose arguments are text, except `value` bytes at the end.
    @discardableResult
    func run(_ arguments: [String], bytes value: Bytes) -> Reply {
        run(arguments.map { Bytes(ascii: $0) } + [value])
    }

    /// The stored string at `key` in database 0, as bytes.
    func storedBytes(_ key: String) -> Bytes? {
        guard case .string(let string)? = engine.keyspace.databases[0].main[ByteString(Bytes(ascii: key))] else { return nil }
        return string.bytes
    }

    /// Stores `value` in the integer encoding, as Redis's `SET k 12345` does, and logs it.
    func setIntegerEncoded(_ key: String, _ value: Int64) {
        run("SET", key, String(value))
        engine.keyspace.overwrite(0, ByteString(Bytes(ascii: key)), .string(ByteString(integer: value)))
    }

    /// The address of the heap buffer holding `key`'s bytes (nil if inline),
    /// to tell an in-place write from a copy. Keeps no reference.
    func heapBufferAddress(_ key: String) -> UnsafeMutableRawPointer? {
        guard case .string(let string)? = engine.keyspace.databases[0].main[ByteString(Bytes(ascii: key))],
              case .heap(let heap) = string.storage else { return nil }
        return Unmanaged.passUnretained(heap).toOpaque()
    }
}

@Suite struct BitsTests {
    static let offsetError = Reply.err("ERR bit offset is not an integer or out of range")
    static let bitError = Reply.err("ERR bit is not an integer or out of range")

    // MARK: SETBIT / GETBIT

    @Test func setbitCreatesGrowsAndRepliesTheOldBit() {
        let t = TestEngine()
        #expect(t.run("SETBIT", "k", "7", "1") == .integer(0))
        #expect(t.storedBytes("k") == [0x01])
        #expect(t.lastEffects == [["SETBIT", "k", "7", "1"]])
        #expect(t.run("SETBIT", "k", "0", "1") == .integer(0))
        #expect(t.storedBytes("k") == [0x81])
        #expect(t.run("SETBIT", "k", "7", "0") == .integer(1))
        #expect(t.storedBytes("k") == [0x80])
        #expect(t.run("SETBIT", "k", "17", "1") == .integer(0))
        #expect(t.storedBytes("k") == [0x80, 0x00, 0x40])
        #expect(t.run("GETBIT", "k", "0") == .integer(1))
        #expect(t.run("GETBIT", "k", "1") == .integer(0))
        #expect(t.run("GETBIT", "k", "17") == .integer(1))
        #expect(t.run("GETBIT", "k", "100000") == .integer(0))
        #expect(t.run("GETBIT", "missing", "3") == .integer(0))
        #expect(t.lastEffects == [])
        t.expectReplayMatches()
    }

    @Test func setbitThatChangesNothingLogsNothing() {
        let t = TestEngine()
        t.run("SETBIT", "k", "3", "1")
        #expect(t.run("SETBIT", "k", "3", "1") == .integer(1))
        #expect(t.lastEffects == [])
        #expect(t.run("SETBIT", "k", "2", "0") == .integer(0))
        #expect(t.lastEffects == [])
        // Clearing a bit past the end still grows the string: a change.
        #expect(t.run("SETBIT", "k", "15", "0") == .integer(0))
        #expect(t.lastEffects == [["SETBIT", "k", "15", "0"]])
        #expect(t.storedBytes("k") == [0x10, 0x00])
        // Clearing a bit of a missing key creates a zero byte.
        #expect(t.run("SETBIT", "new", "0", "0") == .integer(0))
        #expect(t.storedBytes("new") == [0x00])
        #expect(t.lastEffects == [["SETBIT", "new", "0", "0"]])
        t.expectReplayMatches()
    }

    @Test func setbitAndGetbitArgumentErrors() {
        let t = TestEngine()
        #expect(t.run("SETBIT", "k", "4294967296", "1") == Self.offsetError, "2^32 bits is 512 MB")
        #expect(t.run("SETBIT", "k", "-1", "1") == Self.offsetError)
        #expect(t.run("SETBIT", "k", "abc", "1") == Self.offsetError)
        #expect(t.run("SETBIT", "k", "#1", "1") == Self.offsetError, "# offsets are BITFIELD's only")
        #expect(t.run("SETBIT", "k", "1.5", "1") == Self.offsetError)
        #expect(t.run("SETBIT", "k", "9223372036854775808", "1") == Self.offsetError)
        #expect(t.run("SETBIT", "k", "1", "2") == Self.bitError)
        #expect(t.run("SETBIT", "k", "1", "-1") == Self.bitError)
        #expect(t.run("SETBIT", "k", "1", "x") == Self.bitError)
        #expect(t.run("SETBIT", "k", "1", "") == Self.bitError)
        #expect(t.run("SETBIT", "k", "x", "x") == Self.offsetError, "the offset is checked first")
        #expect(t.run("GETBIT", "k", "4294967296") == Self.offsetError)
        #expect(t.run("GETBIT", "k", "-1") == Self.offsetError)
        #expect(t.run("GETBIT", "k", "4294967295") == .integer(0), "the last addressable bit")
        #expect(t.run("SETBIT", "k", "1") == arityError("setbit"))
        #expect(t.run("SETBIT", "k", "1", "1", "1") == arityError("setbit"))
        #expect(t.run("GETBIT", "k") == arityError("getbit"))
        #expect(t.engine.keyCount(database: 0) == 0, "errors write nothing")
        #expect(t.allEffects.isEmpty)
    }

    @Test func wrongTypeForEveryBitCommand() {
        let t = TestEngine()
        t.engine.keyspace.set(0, ByteString("h"), .hash(HashObject()))
        #expect(t.run("SETBIT", "h", "1", "1") == wrongType)
        #expect(t.run("GETBIT", "h", "1") == wrongType)
        #expect(t.run("BITCOUNT", "h") == wrongType)
        #expect(t.run("BITCOUNT", "h", "x", "y") == wrongType, "the type is checked before the range")
        #expect(t.run("BITPOS", "h", "1") == wrongType)
        #expect(t.run("BITPOS", "h", "2") == .err("ERR The bit argument must be 1 or 0."), "the bit is checked first")
        #expect(t.run("BITOP", "AND", "d", "h") == wrongType)
        #expect(t.run("BITOP", "OR", "d", "missing", "h") == wrongType)
        #expect(t.run("BITFIELD", "h", "GET", "u8", "0") == wrongType)
        #expect(t.run("BITFIELD", "h", "SET", "u8", "0", "1") == wrongType)
        #expect(t.run("BITFIELD_RO", "h", "GET", "u8", "0") == wrongType)
        #expect(t.storedBytes("d") == nil)
    }

    @Test func setbitKeepsTheTimeToLive() {
        let t = TestEngine()
        t.run("SETBIT", "k", "1", "1")
        let deadline = t.clock.nowMilliseconds() + 60_000
        t.engine.keyspace.setExpire(0, ByteString("k"), at: deadline)
        t.run("SETBIT", "k", "100", "1")
        t.run("SETBIT", "k", "1", "0")
        #expect(t.engine.keyspace.expireTime(0, ByteString("k")) == deadline)
    }

    @Test func setbitOnAnExpiredKeyStartsFromNothing() {
        let t = TestEngine()
        t.run([Bytes(ascii: "SET"), Bytes(ascii: "k"), [0xff, 0xff]])
        t.engine.keyspace.setExpire(0, ByteString("k"), at: t.clock.nowMilliseconds() + 10)
        t.clock.advance(milliseconds: 20)
        #expect(t.run("SETBIT", "k", "3", "1") == .integer(0))
        #expect(t.lastEffects == [["DEL", "k"], ["SETBIT", "k", "3", "1"]])
        #expect(t.storedBytes("k") == [0x10])
        #expect(t.engine.keyspace.expireTime(0, ByteString("k")) == nil)
    }

    @Test func setbitAtOneMebibyteChangesTheBytesInPlace() {
        let t = TestEngine()
        let offset = 8 * 1024 * 1024
        #expect(t.run("SETBIT", "big", String(offset), "1") == .integer(0))
        #expect(t.storedBytes("big")?.count == 1024 * 1024 + 1)
        let address = t.heapBufferAddress("big")
        #expect(address != nil)
        #expect(t.run("SETBIT", "big", "5", "1") == .integer(0))
        #expect(t.run("SETBIT", "big", String(offset), "0") == .integer(1))
        #expect(t.heapBufferAddress("big") == address, "a SETBIT inside the string must not copy it")
        #expect(t.run("BITCOUNT", "big") == .integer(1))
        #expect(t.run("BITPOS", "big", "1") == .integer(5))
        #expect(t.run("BITPOS", "big", "1", "1") == .integer(-1))
        #expect(t.run("GETBIT", "big", "5") == .integer(1))
        t.expectReplayMatches()
    }

    @Test func writesNeverReachAValueSharedWithAnotherKey() {
        let t = TestEngine()
        // COPY shares a string's buffer between two keys (Value.duplicate).
        let shared = ByteString(Bytes(repeating: 0, count: 64))
        t.engine.keyspace.set(0, ByteString(Bytes(ascii: "a")), .string(shared))
        t.engine.keyspace.set(0, ByteString(Bytes(ascii: "b")), .string(shared))
        #expect(t.run("SETBIT", "a", "0", "1") == .integer(0))
        #expect(t.run("BITFIELD", "b", "SET", "u8", "#1", "255") == .array([.integer(0)]))
        #expect(t.storedBytes("a")?.prefix(2) == [0x80, 0x00])
        #expect(t.storedBytes("b")?.prefix(2) == [0x00, 0xff])
        #expect(shared.bytes.allSatisfy { $0 == 0 })
    }

    @Test func integerEncodedStringsAreTheirDecimalText() {
        let t = TestEngine()
        t.setIntegerEncoded("n", 12345)  // "12345": 0x31 0x32 0x33 0x34 0x35
        #expect(t.run("GETBIT", "n", "2") == .integer(1))
        #expect(t.run("GETBIT", "n", "3") == .integer(1))
        #expect(t.run("GETBIT", "n", "0") == .integer(0))
        #expect(t.run("BITCOUNT", "n") == .integer(17))
        #expect(t.run("BITCOUNT", "n", "0", "0") == .integer(3))
        #expect(t.run("BITPOS", "n", "1") == .integer(2))
        #expect(t.run("BITPOS", "n", "0", "-1") == .integer(32))
        t.setIntegerEncoded("m", -7)  // "-7": 0x2d 0x37
        #expect(t.run("BITOP", "XOR", "x", "n", "m") == .integer(5))
        #expect(t.storedBytes("x") == [0x31 ^ 0x2d, 0x32 ^ 0x37, 0x33, 0x34, 0x35])
        #expect(t.run("SETBIT", "n", "2", "1") == .integer(1))
        #expect(t.lastEffects == [])
        #expect(t.run("SETBIT", "n", "0", "1") == .integer(0))
        #expect(t.storedBytes("n") == [0xb1, 0x32, 0x33, 0x34, 0x35])
        t.expectReplayMatches()
    }

    @Test func binaryKeysAndValues() {
        let t = TestEngine()
        let key: Bytes = [0x00, 0xff, 0x0a, 0x0d]
        t.run([Bytes(ascii: "SET"), key, [0x00, 0xff, 0x00]])
        #expect(t.run([Bytes(ascii: "GETBIT"), key, Bytes(ascii: "8")]) == .integer(1))
        #expect(t.run([Bytes(ascii: "SETBIT"), key, Bytes(ascii: "23"), Bytes(ascii: "1")]) == .integer(0))
        #expect(t.run([Bytes(ascii: "BITCOUNT"), key]) == .integer(9))
        #expect(t.run([Bytes(ascii: "BITPOS"), key, Bytes(ascii: "0"), Bytes(ascii: "1")]) == .integer(16))
        #expect(t.run([Bytes(ascii: "BITOP"), Bytes(ascii: "NOT"), key, key]) == .integer(3))
        #expect(t.run([Bytes(ascii: "GET"), key]) == .bulk([0xff, 0x00, 0xfe]))
        t.expectReplayMatches()
    }

    // MARK: BITCOUNT

    @Test func bitcountRangesInBytesAndBits() {
        let t = TestEngine()
        t.run("SET", "k", "foobar")
        #expect(t.run("BITCOUNT", "k") == .integer(26))
        #expect(t.run("BITCOUNT", "k", "0", "0") == .integer(4))
        #expect(t.run("BITCOUNT", "k", "1", "1") == .integer(6))
        #expect(t.run("BITCOUNT", "k", "1", "1", "BYTE") == .integer(6))
        #expect(t.run("BITCOUNT", "k", "1", "1", "byte") == .integer(6))
        #expect(t.run("BITCOUNT", "k", "5", "30", "BIT") == .integer(17))
        #expect(t.run("BITCOUNT", "k", "5", "30", "bit") == .integer(17))
        #expect(t.run("BITCOUNT", "k", "-2", "-1") == .integer(7))
        #expect(t.run("BITCOUNT", "k", "-5", "-1", "BIT") == .integer(2))
        #expect(t.run("BITCOUNT", "k", "-100", "100", "BIT") == .integer(26))
        #expect(t.run("BITCOUNT", "k", "-100", "100") == .integer(26))
        #expect(t.run("BITCOUNT", "k", "3", "1") == .integer(0))
        #expect(t.run("BITCOUNT", "k", "6", "100") == .integer(0))
        #expect(t.run("BITCOUNT", "k", "0", "-7") == .integer(4), "an end before the start clamps to byte 0")
        #expect(t.run("BITCOUNT", "k", "9", "9", "BIT") == .integer(1))
        #expect(t.run("BITCOUNT", "k", "8", "8", "BIT") == .integer(0))
        #expect(t.run("BITCOUNT", "k", "-9223372036854775808", "9223372036854775807", "BIT") == .integer(26))
        #expect(t.run("BITCOUNT", "missing") == .integer(0))
    }

    @Test func bitcountArgumentErrorsInRedisOrder() {
        let t = TestEngine()
        t.run("SET", "k", "foobar")
        #expect(t.run("BITCOUNT", "k", "0") == syntaxError)
        #expect(t.run("BITCOUNT", "k", "0", "1", "BIT", "x") == syntaxError)
        #expect(t.run("BITCOUNT", "k", "0", "-1", "WORD") == syntaxError)
        #expect(t.run("BITCOUNT", "k", "x", "1") == notInteger)
        #expect(t.run("BITCOUNT", "k", "0", "1.0") == notInteger)
        // Both negative with start > end answers 0 before the mode is read.
        #expect(t.run("BITCOUNT", "k", "-1", "-5", "WORD") == .integer(0))
        // A missing key answers 0 before any argument is read.
        #expect(t.run("BITCOUNT", "missing", "x", "y") == .integer(0))
        #expect(t.run("BITCOUNT", "missing", "0") == .integer(0))
        #expect(t.run("BITCOUNT") == arityError("bitcount"))
    }

    @Test func bitcountCrossesWordBoundaries() {
        let t = TestEngine()
        let value: Bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        t.run(["SET", "k"], bytes: value)
        func reference(_ first: Int, _ last: Int) -> Int64 {
            guard first <= last else { return 0 }
            var count: Int64 = 0
            for bit in first...last where value[bit >> 3] & (UInt8(0x80) >> UInt8(bit & 7)) != 0 { count += 1 }
            return count
        }
        for (start, end) in [(0, 799), (3, 797), (9, 9), (13, 250), (64, 127), (1, 2), (100, 700), (7, 8)] {
            #expect(t.run("BITCOUNT", "k", String(start), String(end), "BIT") == .integer(reference(start, end)),
                    "bits \(start)...\(end)")
        }
        #expect(t.run("BITCOUNT", "k", "1", "98") == .integer(reference(8, 99 * 8 - 1)))
    }

    // MARK: BITPOS

    @Test func bitposFindsTheFirstBit() {
        let t = TestEngine()
        t.run(["SET", "a"], bytes: [0xff, 0xf0, 0x00])
        #expect(t.run("BITPOS", "a", "0") == .integer(12))
        t.run(["SET", "b"], bytes: [0x00, 0xff, 0xf0])
        #expect(t.run("BITPOS", "b", "1", "0") == .integer(8))
        #expect(t.run("BITPOS", "b", "1", "2") == .integer(16))
        #expect(t.run("BITPOS", "b", "1", "2", "-1", "BYTE") == .integer(16))
        #expect(t.run("BITPOS", "b", "1", "7", "15", "BIT") == .integer(8))
        #expect(t.run("BITPOS", "b", "1", "7", "-3", "bit") == .integer(8))
        #expect(t.run("BITPOS", "b", "0", "8", "-1", "BIT") == .integer(20))
        #expect(t.run("BITPOS", "b", "0", "8", "19", "BIT") == .integer(-1))
        #expect(t.run("BITPOS", "b", "0", "-2", "-2", "BIT") == .integer(22))
        #expect(t.run("BITPOS", "b", "1", "-1") == .integer(16))
        #expect(t.run("BITPOS", "b", "0", "-1") == .integer(20))
        #expect(t.run("BITPOS", "b", "1", "5", "2") == .integer(-1), "start > end")
        #expect(t.run("BITPOS", "b", "0", "3") == .integer(-1), "start past the end")
        t.run(["SET", "z"], bytes: [0x00, 0x00, 0x00])
        #expect(t.run("BITPOS", "z", "1") == .integer(-1))
        #expect(t.run("BITPOS", "z", "1", "7", "-3", "BIT") == .integer(-1))
        #expect(t.run("BITPOS", "z", "0", "1", "1") == .integer(8))
    }

    @Test func bitposOfMissingKeysAndAllOnes() {
        let t = TestEngine()
        #expect(t.run("BITPOS", "missing", "0") == .integer(0))
        #expect(t.run("BITPOS", "missing", "1") == .integer(-1))
        #expect(t.run("BITPOS", "missing", "0", "x") == .integer(0), "the range is not read for a missing key")
        t.run(["SET", "ones"], bytes: [0xff, 0xff, 0xff])
        // Without an end, the right of the string counts as zero padding.
        #expect(t.run("BITPOS", "ones", "0") == .integer(24))
        #expect(t.run("BITPOS", "ones", "0", "0") == .integer(24))
        #expect(t.run("BITPOS", "ones", "0", "1") == .integer(24))
        // With an end, no 0 inside the range is -1.
        #expect(t.run("BITPOS", "ones", "0", "0", "-1") == .integer(-1))
        #expect(t.run("BITPOS", "ones", "0", "0", "-1", "BIT") == .integer(-1))
        #expect(t.run("BITPOS", "ones", "0", "3", "20", "BIT") == .integer(-1))
        #expect(t.run("BITPOS", "ones", "1", "3", "20", "BIT") == .integer(3))
        t.run(["SET", "empty"], bytes: [])
        #expect(t.run("BITPOS", "empty", "0") == .integer(-1))
        #expect(t.run("BITPOS", "empty", "1") == .integer(-1))
    }

    @Test func bitposInBitModeAcrossLongStrings() {
        let t = TestEngine()
        var value = Bytes(repeating: 0xff, count: 40)
        value[33] = 0xfb  // bit 269 is the only 0
        t.run(["SET", "k"], bytes: value)
        #expect(t.run("BITPOS", "k", "0") == .integer(269))
        #expect(t.run("BITPOS", "k", "0", "3", "-1", "BIT") == .integer(269))
        #expect(t.run("BITPOS", "k", "0", "269", "269", "BIT") == .integer(269))
        #expect(t.run("BITPOS", "k", "0", "270", "-1", "BIT") == .integer(-1))
        #expect(t.run("BITPOS", "k", "0", "270") == .integer(-1), "byte 270 is past the end")
        #expect(t.run("BITPOS", "k", "0", "34") == .integer(320))
        #expect(t.run("BITPOS", "k", "0", "5", "268", "BIT") == .integer(-1))
        #expect(t.run("BITPOS", "k", "1", "269", "-1", "BIT") == .integer(270))
        #expect(t.run("BITPOS", "k", "1", "-51", "-50", "BIT") == .integer(269 + 1))
    }

    @Test func bitposArgumentErrorsInRedisOrder() {
        let t = TestEngine()
        t.run(["SET", "b"], bytes: [0x00, 0xff])
        #expect(t.run("BITPOS", "b", "2") == .err("ERR The bit argument must be 1 or 0."))
        #expect(t.run("BITPOS", "b", "-1") == .err("ERR The bit argument must be 1 or 0."))
        #expect(t.run("BITPOS", "missing", "2") == .err("ERR The bit argument must be 1 or 0."))
        #expect(t.run("BITPOS", "b", "x") == notInteger)
        #expect(t.run("BITPOS", "b", "1", "x") == notInteger)
        #expect(t.run("BITPOS", "b", "1", "0", "x") == notInteger)
        #expect(t.run("BITPOS", "b", "1", "0", "x", "BIT") == notInteger)
        #expect(t.run("BITPOS", "b", "1", "0", "x", "WORD") == syntaxError, "the mode is read before the end")
        #expect(t.run("BITPOS", "b", "1", "0", "1", "WORD") == syntaxError)
        #expect(t.run("BITPOS", "b", "1", "0", "1", "BIT", "x") == syntaxError)
        #expect(t.run("BITPOS", "b") == arityError("bitpos"))
    }

    // MARK: BITOP

    @Test func bitopCombinesSourcesOfDifferentLengths() {
        let t = TestEngine()
        t.run(["SET", "a"], bytes: [0xff, 0x0f, 0xaa])
        t.run(["SET", "b"], bytes: [0x0f, 0xff])
        #expect(t.run("BITOP", "AND", "d", "a", "b") == .integer(3))
        #expect(t.storedBytes("d") == [0x0f, 0x0f, 0x00])
        #expect(t.lastEffects == [["BITOP", "AND", "d", "a", "b"]])
        #expect(t.run("BITOP", "or", "d", "a", "b") == .integer(3))
        #expect(t.storedBytes("d") == [0xff, 0xff, 0xaa])
        #expect(t.run("BITOP", "Xor", "d", "a", "b") == .integer(3))
        #expect(t.storedBytes("d") == [0xf0, 0xf0, 0xaa])
        #expect(t.run("BITOP", "NOT", "d", "b") == .integer(2))
        #expect(t.storedBytes("d") == [0xf0, 0x00])
        #expect(t.run("BITOP", "AND", "d", "a", "missing") == .integer(3), "a missing source is empty")
        #expect(t.storedBytes("d") == [0x00, 0x00, 0x00])
        #expect(t.run("BITOP", "OR", "d", "missing", "b") == .integer(2))
        #expect(t.storedBytes("d") == [0x0f, 0xff])
        #expect(t.run("BITOP", "AND", "a", "a") == .integer(3), "destination may be a source")
        #expect(t.run("BITOP", "XOR", "x", "a", "a", "a") == .integer(3))
        #expect(t.storedBytes("x") == [0xff, 0x0f, 0xaa])
        t.expectReplayMatches()
    }

    @Test func bitopOnLongStringsMatchesBytewise() {
        let t = TestEngine()
        let sources: [Bytes] = [
            (0..<77).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) },
            (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 200) },
            (0..<9).map { UInt8(truncatingIfNeeded: $0 &* 101) },
        ]
        for (index, source) in sources.enumerated() { t.run(["SET", "s\(index)"], bytes: source) }
        func reference(_ combine: (UInt8, UInt8) -> UInt8) -> Bytes {
            (0..<77).map { index in
                let bytes = sources.map { index < $0.count ? $0[index] : 0 }
                return bytes.dropFirst().reduce(bytes[0], combine)
            }
        }
        #expect(t.run("BITOP", "AND", "d", "s0", "s1", "s2") == .integer(77))
        #expect(t.storedBytes("d") == reference { $0 & $1 })
        #expect(t.run("BITOP", "OR", "d", "s0", "s1", "s2") == .integer(77))
        #expect(t.storedBytes("d") == reference { $0 | $1 })
        #expect(t.run("BITOP", "XOR", "d", "s0", "s1", "s2") == .integer(77))
        #expect(t.storedBytes("d") == reference { $0 ^ $1 })
        #expect(t.run("BITOP", "NOT", "d", "s0") == .integer(77))
        #expect(t.storedBytes("d") == sources[0].map { ~$0 })
        t.expectReplayMatches()
    }

    @Test func bitopWithEmptyResultDeletesTheDestination() {
        let t = TestEngine()
        t.run("SET", "d", "old")
        t.run(["SET", "empty"], bytes: [])
        #expect(t.run("BITOP", "OR", "d", "missing", "empty") == .integer(0))
        #expect(t.storedBytes("d") == nil)
        #expect(t.lastEffects == [["BITOP", "OR", "d", "missing", "empty"]])
        #expect(t.run("BITOP", "NOT", "d", "missing") == .integer(0))
        #expect(t.lastEffects == [], "nothing to delete: nothing logged")
        t.expectReplayMatches()
    }

    @Test func bitopReplacesTheDestinationAndItsTimeToLive() {
        let t = TestEngine()
        t.engine.keyspace.set(0, ByteString("d"), .hash(HashObject()))
        t.engine.keyspace.setExpire(0, ByteString("d"), at: t.clock.nowMilliseconds() + 60_000)
        t.run("SET", "a", "x")
        #expect(t.run("BITOP", "NOT", "d", "a") == .integer(1))
        #expect(t.storedBytes("d") == [~UInt8(ascii: "x")], "any type is overwritten, as setKey")
        #expect(t.engine.keyspace.expireTime(0, ByteString("d")) == nil)
    }

    @Test func bitopExpiredSourceIsDeletedThroughTheLog() {
        let t = TestEngine()
        t.run("SET", "a", "ab")
        t.run("SET", "b", "c")
        t.engine.keyspace.setExpire(0, ByteString("b"), at: t.clock.nowMilliseconds() + 10)
        t.clock.advance(milliseconds: 20)
        #expect(t.run("BITOP", "AND", "d", "a", "b") == .integer(2))
        #expect(t.lastEffects == [["DEL", "b"], ["BITOP", "AND", "d", "a", "b"]])
        #expect(t.storedBytes("d") == [0, 0])
        // Replaying needs DEL, which the keys family brings.
        if CommandTable.lookup("del") != nil { t.expectReplayMatches() }
    }

    @Test func bitopArgumentErrors() {
        let t = TestEngine()
        t.run("SET", "a", "x")
        #expect(t.run("BITOP", "NAND", "d", "a") == syntaxError)
        #expect(t.run("BITOP", "NOT", "d", "a", "a") == .err("ERR BITOP NOT must be called with a single source key."))
        #expect(t.run("BITOP", "NOTE", "d", "a", "a") == syntaxError, "the name is checked first")
        #expect(t.run("BITOP", "AND", "d") == arityError("bitop"))
        #expect(t.storedBytes("d") == nil)
    }

    @Test func commandTableEntries() {
        let setbit = CommandTable.lookup("setbit")!
        #expect(setbit.arity == 4 && setbit.flags == [.write, .denyOOM] && setbit.group == "bitmap")
        #expect(CommandTable.lookup("getbit")!.flags == [.readonly, .fast])
        #expect(CommandTable.lookup("bitcount")!.arity == -2)
        #expect(CommandTable.lookup("bitpos")!.arity == -3)
        let bitop = CommandTable.lookup("bitop")!
        #expect(bitop.arity == -4)
        #expect(bitop.keyPositions(in: ["BITOP", "AND", "d", "a", "b"].map { Bytes(ascii: $0) }) == [2, 3, 4])
        #expect(CommandTable.lookup("bitfield")!.flags == [.write, .denyOOM])
        #expect(CommandTable.lookup("bitfield_ro")!.flags == [.readonly, .fast])
    }
}

@Suite struct ByteStringMutationTests {
    @Test func growsInlineWithZeros() {
        var string = ByteString("ab")
        string.withMutableBytes(minimumCount: 5) { bytes in
            #expect(Array(bytes) == [0x61, 0x62, 0, 0, 0])
            bytes[4] = 0x7a
        }
        #expect(string.bytes == [0x61, 0x62, 0, 0, 0x7a])
        string.withMutableBytes { $0[0] = 0x41 }
        #expect(string.bytes == [0x41, 0x62, 0, 0, 0x7a], "no minimum keeps the length")
        #expect(string == ByteString([0x41, 0x62, 0, 0, 0x7a]))
    }

    @Test func movesToTheHeapPastFourteenBytes() {
        var string = ByteString("0123456789")
        string.withMutableBytes(minimumCount: 20) { $0[19] = 0x21 }
        #expect(string.bytes == Array("0123456789".utf8) + Bytes(repeating: 0, count: 9) + [0x21])
        guard case .heap(let heap) = string.storage else { Issue.record("not on the heap"); return }
        #expect(heap.capacity >= 40, "a grown string gets room to grow, as sdsMakeRoomFor")
    }

    @Test func integerEncodingBecomesText() {
        var string = ByteString(integer: -42)
        string.withMutableBytes(minimumCount: 4) { $0[3] = 0x21 }
        #expect(string.bytes == [0x2d, 0x34, 0x32, 0x21])
        #expect(string.integerValue == nil)
    }

    @Test func sharedBytesAreCopiedAndUniqueOnesChangedInPlace() {
        let original = ByteString(Bytes(repeating: 7, count: 100))
        var copy = original
        copy.withMutableBytes { $0[0] = 9 }
        #expect(original.bytes[0] == 7, "a shared buffer is never written")
        #expect(copy.bytes[0] == 9)
        func address(_ string: ByteString) -> UnsafeMutableRawPointer? {
            guard case .heap(let heap) = string.storage else { return nil }
            return Unmanaged.passUnretained(heap).toOpaque()
        }
        let before = address(copy)
        copy.withMutableBytes(minimumCount: 150) { $0[149] = 1 }
        #expect(address(copy) == before, "room was reserved by the copy")
        #expect(copy.count == 150)
        #expect(copy.bytes[100..<149].allSatisfy { $0 == 0 })
    }

    @Test func emptyStringGetsAnExactBuffer() {
        var string = ByteString()
        string.withMutableBytes(minimumCount: 1000) { $0[999] = 1 }
        #expect(string.count == 1000)
        guard case .heap(let heap) = string.storage else { Issue.record("not on the heap"); return }
        #expect(heap.capacity < 1100, "a new string is sized exactly, as sdsnewlen")
    }
}
