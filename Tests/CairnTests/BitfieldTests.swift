import Testing
@testable import Cairn

/// BITFIELD and BITFIELD_RO; expected replies were taken from redis-server 7.0.15.
@Suite struct BitfieldTests {
    static let typeError = Reply.err(
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
    static let offsetError = Reply.err("ERR bit offset is not an integer or out of range")

    /// Runs a BITFIELD command written as one line of words.
    @discardableResult
    static func run(_ t: TestEngine, _ line: String) -> Reply {
        t.run(line.split(separator: " ").map { Bytes(ascii: String($0)) })
    }

    static func integers(_ values: Int64?...) -> Reply {
        .array(values.map { $0.map(Reply.integer) ?? .null })
    }

    @Test func getSetAndIncrementAtAnyBitOffset() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD mykey INCRBY i5 100 1 GET u4 0") == Self.integers(1, 0))
        #expect(t.lastEffects == [["BITFIELD", "mykey", "INCRBY", "i5", "100", "1", "GET", "u4", "0"]])
        #expect(t.storedBytes("mykey")?.count == 14, "grown to the byte holding bit 104")
        #expect(Self.run(t, "BITFIELD odd set u5 7 23 get u5 7 get u16 0 get i5 7") == Self.integers(0, 23, 368, -9))
        #expect(t.storedBytes("odd") == [0x01, 0x70])
        #expect(Self.run(t, "BITFIELD odd GET u8 4294967295 GET i64 4294967290") == Self.integers(0, 0),
                "reads past the end are zeros, up to the last addressable bit")
        #expect(t.lastEffects == [], "GETs log nothing")
        #expect(Self.run(t, "BITFIELD missing get u8 0 get i64 0") == Self.integers(0, 0))
        #expect(t.storedBytes("missing") == nil, "GETs create nothing")
        #expect(Self.run(t, "BITFIELD odd") == .array([]))
        #expect(Self.run(t, "BITFIELD odd overflow sat") == .array([]))
        #expect(t.lastEffects == [])
        t.expectReplayMatches()
    }

    @Test func fieldIndexOffsets() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD h set u8 #1 255 set u8 #3 1 get u16 #0 get u16 #1 get u4 #3 get i4 #3")
                == Self.integers(0, 0, 255, 1, 15, -1))
        #expect(t.storedBytes("h") == [0x00, 0xff, 0x00, 0x01])
        #expect(Self.run(t, "BITFIELD h get i64 #67108863") == Self.integers(0), "the last i64 below 512 MB")
        #expect(Self.run(t, "BITFIELD h get i64 #67108864") == Self.offsetError)
        #expect(Self.run(t, "BITFIELD h get u8 #536870911 get u8 #536870912") == Self.offsetError)
        #expect(Self.run(t, "BITFIELD h set u8 #-1 1") == Self.offsetError)
        #expect(Self.run(t, "BITFIELD h set u8 # 1") == Self.offsetError)
        // Redis multiplies in 64 bits with wrap-around: (2^62 + 1) * 4 is offset 4.
        #expect(Self.run(t, "BITFIELD h GET u4 #4611686018427387905") == Self.integers(0))
        #expect(Self.run(t, "BITFIELD h GET u4 #4611686018427387906") == Self.integers(15))
        t.expectReplayMatches()
    }

    @Test func unsignedTwoBitOverflowFromTheRedisDocs() {
        let t = TestEngine()
        let line = "BITFIELD mykey incrby u2 100 1 OVERFLOW SAT incrby u2 102 1"
        #expect(Self.run(t, line) == Self.integers(1, 1))
        #expect(Self.run(t, line) == Self.integers(2, 2))
        #expect(Self.run(t, line) == Self.integers(3, 3))
        #expect(Self.run(t, line) == Self.integers(0, 3))
        #expect(t.lastEffects == [line.split(separator: " ").map(String.init)], "WRAP changed a field")
        #expect(Self.run(t, "BITFIELD mykey OVERFLOW FAIL incrby u2 102 1") == Self.integers(nil))
        #expect(t.lastEffects == [], "a refused write changes nothing")
        #expect(t.storedBytes("mykey") == Bytes(repeating: 0, count: 12) + [0x03])
        t.expectReplayMatches()
    }

    @Test func signedEightBitOverflow() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD s set i8 0 127 incrby i8 0 1 get i8 0") == Self.integers(0, -128, -128))
        #expect(Self.run(t, "BITFIELD s overflow sat set i8 0 127 incrby i8 0 1 incrby i8 0 -300 get i8 0")
                == Self.integers(-128, 127, -128, -128))
        #expect(Self.run(t, "BITFIELD s overflow fail set i8 0 -128 incrby i8 0 -1 incrby i8 0 255 incrby i8 0 1 get i8 0")
                == Self.integers(-128, nil, 127, nil, 127))
        // SET of an out-of-range value goes through the same overflow rules.
        #expect(Self.run(t, "BITFIELD s overflow wrap set i8 0 200 get u8 0 set i8 0 -129 get i8 0")
                == Self.integers(127, 200, -56, 127))
        #expect(Self.run(t, "BITFIELD s overflow sat set i8 0 200 get i8 0 set i8 0 -129 get i8 0")
                == Self.integers(127, 127, 127, -128))
        #expect(Self.run(t, "BITFIELD s overflow fail set i8 0 200 get i8 0 set i8 0 -129 get i8 0")
                == Self.integers(nil, -128, nil, -128))
        // Redis's C arithmetic wraps here, so a value far below the range
        // counts as an overflow upwards: SAT stores the maximum.
        #expect(Self.run(t, "BITFIELD s overflow sat set i8 0 -9223372036854775808 get i8 0")
                == Self.integers(-128, 127))
        t.expectReplayMatches()
    }

    @Test func unsignedEightBitOverflow() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD u overflow wrap set u8 0 256 get u8 0 set u8 0 -1 get u8 0 incrby u8 0 -300 get u8 0")
                == Self.integers(0, 0, 0, 255, 211, 211))
        // SET of a negative number is a huge unsigned one: SAT stores the maximum.
        #expect(Self.run(t, "BITFIELD u overflow sat set u8 0 256 get u8 0 set u8 0 -1 get u8 0 incrby u8 0 -300 get u8 0 incrby u8 0 1000")
                == Self.integers(211, 255, 255, 255, 0, 0, 255))
        #expect(Self.run(t, "BITFIELD u overflow fail set u8 0 256 set u8 0 -1 incrby u8 0 -300 incrby u8 0 1000 incrby u8 0 -1 get u8 0")
                == Self.integers(nil, nil, nil, nil, 254, 254))
        t.expectReplayMatches()
    }

    @Test func sixtyFourBitSignedOverflow() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD k set i64 0 9223372036854775807 incrby i64 0 1 get i64 0")
                == Self.integers(0, .min, .min))
        #expect(Self.run(t, "BITFIELD k overflow sat set i64 0 9223372036854775807 incrby i64 0 1 incrby i64 0 -9223372036854775808 incrby i64 0 -9223372036854775808 incrby i64 0 -1")
                == Self.integers(.min, .max, -1, .min, .min))
        #expect(Self.run(t, "BITFIELD k overflow fail set i64 0 -9223372036854775808 incrby i64 0 -1 incrby i64 0 9223372036854775807 incrby i64 0 1 get i64 0")
                == Self.integers(.min, nil, -1, 0, 0))
        #expect(Self.run(t, "BITFIELD k overflow wrap set i64 0 -1 incrby i64 0 -9223372036854775808 get u63 1")
                == Self.integers(0, .max, .max))
        t.expectReplayMatches()
    }

    @Test func sixtyThreeBitUnsignedOverflow() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD k set u63 0 9223372036854775807 incrby u63 0 1 get u63 0") == Self.integers(0, 0, 0))
        #expect(Self.run(t, "BITFIELD k overflow sat set u63 0 -1 get u63 0 incrby u63 0 9223372036854775807 incrby u63 0 -9223372036854775808 incrby u63 0 -1")
                == Self.integers(0, .max, .max, 0, 0))
        #expect(Self.run(t, "BITFIELD k overflow fail set u63 0 -1 set u63 0 5 incrby u63 0 -6 incrby u63 0 9223372036854775802 incrby u63 0 1 get u63 0")
                == Self.integers(nil, 0, nil, .max, nil, .max))
        #expect(Self.run(t, "BITFIELD k overflow wrap incrby u63 0 -9223372036854775808 get u63 0") == Self.integers(.max, .max))
        #expect(t.storedBytes("k") == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])
        t.expectReplayMatches()
    }

    @Test func oneBitFields() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD k set u1 3 1 get u1 3 incrby u1 3 1 get u1 3 overflow sat incrby u1 3 5 incrby i1 3 1 incrby i1 3 -1 get i1 3")
                == Self.integers(0, 1, 0, 0, 1, 0, -1, -1))
        t.expectReplayMatches()
    }

    @Test func overflowModeAppliesToTheOperationsAfterIt() {
        let t = TestEngine()
        #expect(Self.run(t, "BITFIELD k set u8 0 250 incrby u8 0 10 overflow sat incrby u8 0 300 overflow wrap incrby u8 0 1")
                == Self.integers(0, 4, 255, 0))
        #expect(Self.run(t, "BITFIELD k OVERFLOW Fail incrby u8 0 -1 OVERFLOW sAt incrby u8 0 -1") == Self.integers(nil, 0))
        t.expectReplayMatches()
    }

    @Test func argumentErrorsChangeNothing() {
        let t = TestEngine()
        t.run(["SET", "k"], bytes: [0x01, 0x70])
        #expect(Self.run(t, "BITFIELD k set u8 0 x") == notInteger)
        #expect(Self.run(t, "BITFIELD k set u8 0 1.5") == notInteger)
        #expect(Self.run(t, "BITFIELD k set u8 x 1") == Self.offsetError)
        #expect(Self.run(t, "BITFIELD k set u8 -1 1") == Self.offsetError)
        #expect(Self.run(t, "BITFIELD k set u8 4294967296 1") == Self.offsetError)
        #expect(Self.run(t, "BITFIELD k set u99 0 1") == Self.typeError)
        for type in ["u64", "i65", "i0", "u0", "I8", "U8", "x8", "u", "i", "u-1", "i08", "u 8"] {
            #expect(t.run([Bytes(ascii: "BITFIELD"), Bytes(ascii: "k"), Bytes(ascii: "GET"), Bytes(ascii: type), Bytes(ascii: "0")])
                    == Self.typeError, "type \(type)")
        }
        #expect(Self.run(t, "BITFIELD k get u8 0 set") == syntaxError)
        #expect(Self.run(t, "BITFIELD k get u8 0 foo") == syntaxError)
        #expect(Self.run(t, "BITFIELD k overflow") == syntaxError)
        #expect(Self.run(t, "BITFIELD k incrby u8 0") == syntaxError)
        #expect(Self.run(t, "BITFIELD k get u8") == syntaxError)
        #expect(Self.run(t, "BITFIELD k overflow wrapx get u8 0") == .err("ERR Invalid OVERFLOW type specified"))
        // Every operation is parsed before any runs: a late error undoes nothing because nothing ran.
        #expect(Self.run(t, "BITFIELD k set u8 0 255 get i99 0") == Self.typeError)
        #expect(Self.run(t, "BITFIELD new set u8 100 1 incrby u8 0 x") == notInteger)
        #expect(t.storedBytes("k") == [0x01, 0x70])
        #expect(t.storedBytes("new") == nil)
        #expect(Self.run(t, "BITFIELD") == arityError("bitfield"))
        #expect(t.allEffects.count == 1, "only the SET")
    }

    @Test func typeWidthStopsAtANulByteAsRedisStrlen() {
        let t = TestEngine()
        t.run(["SET", "k"], bytes: [0xab])
        let type: Bytes = [UInt8(ascii: "u"), UInt8(ascii: "4"), 0, UInt8(ascii: "x")]
        #expect(t.run([Bytes(ascii: "BITFIELD"), Bytes(ascii: "k"), Bytes(ascii: "GET"), type, Bytes(ascii: "0")])
                == Self.integers(0xa))
    }

    @Test func readOnlyVariant() {
        let t = TestEngine()
        t.run(["SET", "k"], bytes: [0x01, 0x70])
        #expect(Self.run(t, "BITFIELD_RO k get u5 7 get i16 0") == Self.integers(23, 368))
        #expect(Self.run(t, "BITFIELD_RO k overflow sat get u8 0") == Self.integers(1))
        #expect(Self.run(t, "BITFIELD_RO k") == .array([]))
        #expect(Self.run(t, "BITFIELD_RO missing get u8 0") == Self.integers(0))
        let refused = Reply.err("ERR BITFIELD_RO only supports the GET subcommand")
        #expect(Self.run(t, "BITFIELD_RO k incrby u8 0 1") == refused)
        #expect(Self.run(t, "BITFIELD_RO k get u8 0 set u8 0 1") == refused)
        #expect(Self.run(t, "BITFIELD_RO k set u8 0 x") == notInteger, "arguments are parsed first")
        t.engine.keyspace.set(0, ByteString(Bytes(ascii: "h")), .hash(HashObject()))
        #expect(Self.run(t, "BITFIELD_RO h set u8 0 1") == refused, "refused before the type check")
        #expect(Self.run(t, "BITFIELD_RO") == arityError("bitfield_ro"))
        #expect(t.storedBytes("k") == [0x01, 0x70])
        #expect(t.allEffects.count == 1, "only the SET")
    }

    @Test func writesLogOnlyWhenSomethingChanged() {
        let t = TestEngine()
        Self.run(t, "BITFIELD k set u8 8 7")
        #expect(t.lastEffects == [["BITFIELD", "k", "set", "u8", "8", "7"]])
        #expect(Self.run(t, "BITFIELD k set u8 8 7 incrby u4 0 0 get u8 8") == Self.integers(7, 0, 7))
        #expect(t.lastEffects == [], "same values, same length: a no-op")
        #expect(Self.run(t, "BITFIELD k set u8 16 0") == Self.integers(0))
        #expect(t.lastEffects == [["BITFIELD", "k", "set", "u8", "16", "0"]], "growing the string is a change")
        #expect(t.storedBytes("k") == [0, 7, 0])
        // Redis creates the key even when every write FAILs: logged so replay creates it too.
        #expect(Self.run(t, "BITFIELD f OVERFLOW FAIL INCRBY u2 0 10") == Self.integers(nil))
        #expect(t.storedBytes("f") == [0])
        #expect(t.lastEffects == [["BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10"]])
        t.expectReplayMatches()
    }

    @Test func writesKeepTheTimeToLiveAndTheBytesInPlace() {
        let t = TestEngine()
        Self.run(t, "BITFIELD k set u8 #100 1")
        let deadline = t.clock.nowMilliseconds() + 60_000
        t.engine.keyspace.setExpire(0, ByteString(Bytes(ascii: "k")), at: deadline)
        let address = t.heapBufferAddress("k")
        #expect(Self.run(t, "BITFIELD k incrby i16 #3 -5") == Self.integers(-5))
        #expect(t.heapBufferAddress("k") == address)
        #expect(t.engine.keyspace.expireTime(0, ByteString(Bytes(ascii: "k"))) == deadline)
    }

    @Test func integerEncodedStrings() {
        let t = TestEngine()
        t.setIntegerEncoded("n", 12345)  // "12345"
        #expect(Self.run(t, "BITFIELD n get u8 0 get u16 #1 get i4 4") == Self.integers(0x31, 0x3334, 1))
        #expect(Self.run(t, "BITFIELD_RO n get u8 #4") == Self.integers(0x35))
        #expect(Self.run(t, "BITFIELD n incrby u8 #4 1 get u8 #5") == Self.integers(0x36, 0))
        #expect(t.storedBytes("n") == Array("12346".utf8))
        t.expectReplayMatches()
    }

    @Test func binaryValues() {
        let t = TestEngine()
        t.run(["SET", "k"], bytes: [0x00, 0xff, 0x00, 0x80])
        #expect(Self.run(t, "BITFIELD k get i16 4 get u32 0 set i8 #3 -1 get i32 0") == Self.integers(0x0ff0, 0x00ff_0080, -128, 0x00ff_00ff))
        t.expectReplayMatches()
    }
}
