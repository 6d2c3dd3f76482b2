import Testing
@testable import Cairn

/// APPEND GETRANGE SUBSTR SETRANGE.
@Suite struct StringsRangeTests {
    @Test func append() {
        let t = TestEngine()
        #expect(t.run("APPEND", "k", "12") == .integer(2))
        #expect(t.lastEffects == [["APPEND", "k", "12"]])
        #expect(t.encoding("k") == "int", "a new key is stored as SET would store it")
        #expect(t.run("APPEND", "k", "3") == .integer(3))
        #expect(t.lastEffects == [["APPEND", "k", "3"]])
        #expect(t.encoding("k") != "int")
        #expect(t.run("GET", "k") == .text("123"))
        #expect(t.run("APPEND", "k", "") == .integer(3))
        #expect(t.lastEffects == [], "an empty suffix changes nothing")
        #expect(t.run("APPEND", "e", "") == .integer(0))
        #expect(t.lastEffects == [["APPEND", "e", ""]])
        #expect(t.engine.keyCount(database: 0) == 2, "APPEND of nothing still creates the key")
        #expect(t.run("APPEND", "k", String(repeating: "x", count: 40)) == .integer(43))
        #expect(t.run("STRLEN", "k") == .integer(43))
        t.makeHash("h")
        #expect(t.run("APPEND", "h", "x") == wrongType)
        #expect(t.run("APPEND", "k") == arityError("append"))
        t.removeHash("h")
        t.expectReplayMatches()
    }

    @Test func appendKeepsTheTTL() {
        let t = TestEngine(now: 1_000_000)
        t.run("SET", "k", "hello", "EX", "10")
        #expect(t.run("APPEND", "k", " world") == .integer(11))
        #expect(t.expireTime("k") == 1_010_000)
        #expect(t.run("SETRANGE", "k", "0", "J") == .integer(11))
        #expect(t.expireTime("k") == 1_010_000)
        #expect(t.run("GET", "k") == .text("Jello world"))
        t.expectReplayMatches()
    }

    /// Repeated APPENDs grow one buffer in place, as Redis's sds does,
    /// instead of copying the whole string each time.
    @Test func appendGrowsInPlace() {
        let t = TestEngine()
        let key = ByteString(Array("k".utf8))
        func buffer() -> ObjectIdentifier? {
            guard case .string(let string) = t.engine.keyspace.databases[0].main[key],
                  case .heap(let heap) = string.storage else { return nil }
            return ObjectIdentifier(heap)
        }
        let chunk = String(repeating: "a", count: 1000)
        t.run("SET", "k", chunk)
        t.run("APPEND", "k", chunk)
        let first = buffer()
        #expect(first != nil)
        for _ in 0..<5 { t.run("APPEND", "k", "b") }
        #expect(buffer() == first, "appends within the spare room reuse the buffer")
        #expect(t.run("STRLEN", "k") == .integer(2005))
        #expect(t.run("GET", "k") == .text(chunk + chunk + "bbbbb"))
        t.run("SETRANGE", "k", "1", "zz")
        #expect(buffer() == first)
        #expect(t.run("GETRANGE", "k", "0", "3") == .text("azza"))
        t.expectReplayMatches()
    }

    @Test func getrangeIndexesAsRedis() {
        let t = TestEngine()
        t.run("SET", "s", "Hello World")
        let cases: [(String, String, String)] = [
            ("0", "-1", "Hello World"), ("0", "3", "Hell"), ("-5", "-1", "World"), ("5", "3", ""),
            ("-1", "-5", ""), ("0", "-100", "H"), ("-100", "-100", "H"), ("-100", "2", "Hel"),
            ("3", "100", "lo World"), ("11", "20", ""), ("10", "10", "d"), ("-1", "-1", "d"),
            ("-3", "-2", "rl"), ("2", "-100", ""), ("-11", "0", "H"), ("-12", "-11", "H"),
            ("9223372036854775807", "9223372036854775807", ""),
            ("-9223372036854775808", "-1", "Hello World"),
            ("-9223372036854775808", "9223372036854775807", "Hello World"),
        ]
        for (start, end, expected) in cases {
            #expect(t.run("GETRANGE", "s", start, end) == .text(expected), "\(start) \(end)")
            #expect(t.run("SUBSTR", "s", start, end) == .text(expected), "\(start) \(end)")
        }
        t.run("SET", "n", "1234")
        #expect(t.run("GETRANGE", "n", "1", "2") == .text("23"), "an int-encoded value reads as its digits")
        t.run("SET", "e", "")
        #expect(t.run("GETRANGE", "e", "0", "-1") == .text(""))
        #expect(t.run("GETRANGE", "e", "-1", "0") == .text(""))
        #expect(t.run("GETRANGE", "missing", "0", "-1") == .text(""), "a missing key is an empty string, not nil")
        #expect(t.run("GETRANGE", "s", "a", "1") == notInteger)
        #expect(t.run("GETRANGE", "s", "0", "1.5") == notInteger)
        t.makeHash("h")
        #expect(t.run("GETRANGE", "h", "0", "1") == wrongType)
        #expect(t.run("GETRANGE", "h", "x", "1") == notInteger, "indexes are parsed before the key is read")
        #expect(t.run("GETRANGE", "s", "0") == arityError("getrange"))
        #expect(t.run("SUBSTR", "s", "0") == arityError("substr"))
    }

    @Test func setrange() {
        let t = TestEngine()
        #expect(t.run("SETRANGE", "k", "5", "ab") == .integer(7))
        #expect(t.lastEffects == [["SETRANGE", "k", "5", "ab"]])
        #expect(t.run("GET", "k") == .bulk([0, 0, 0, 0, 0, 0x61, 0x62]))
        #expect(t.run("SETRANGE", "k", "0", "XY") == .integer(7))
        #expect(t.run("GET", "k") == .bulk([0x58, 0x59, 0, 0, 0, 0x61, 0x62]))
        #expect(t.run("SETRANGE", "k", "6", "cdef") == .integer(10))
        #expect(t.run("GETRANGE", "k", "5", "-1") == .text("acdef"))
        #expect(t.run("SETRANGE", "k", "1", "") == .integer(10))
        #expect(t.lastEffects == [])
        #expect(t.run("SETRANGE", "m", "1", "") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.engine.keyCount(database: 0) == 1, "an empty write to a missing key creates nothing")
        t.run("SET", "n", "1234")
        #expect(t.run("SETRANGE", "n", "1", "9") == .integer(4))
        #expect(t.run("GET", "n") == .text("1934"))
        #expect(t.encoding("n") != "int")
        #expect(t.run("INCR", "n") == .integer(1935))
        t.run("SET", "long", String(repeating: "z", count: 30))
        #expect(t.run("SETRANGE", "long", "40", "!") == .integer(41))
        #expect(t.run("GETRANGE", "long", "28", "-1") == .bulk(Array("zz".utf8) + Bytes(repeating: 0, count: 10) + Array("!".utf8)))
        t.expectReplayMatches()
    }

    @Test func setrangeErrors() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.makeHash("h")
        let outOfRange = Reply.err("ERR offset is out of range")
        #expect(t.run("SETRANGE", "k", "-1", "a") == outOfRange)
        #expect(t.run("SETRANGE", "h", "-1", "a") == outOfRange, "the offset is checked before the type")
        #expect(t.run("SETRANGE", "h", "x", "a") == notInteger)
        #expect(t.run("SETRANGE", "k", "1.0", "a") == notInteger)
        #expect(t.run("SETRANGE", "h", "0", "a") == wrongType)
        #expect(t.run("SETRANGE", "h", "0", "") == wrongType)
        let tooLong = Reply.err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
        #expect(t.run("SETRANGE", "k", "536870911", "ab") == tooLong)
        #expect(t.run("SETRANGE", "new", "536870912", "a") == tooLong)
        #expect(t.run("SETRANGE", "k", "9223372036854775807", "a") == tooLong)
        #expect(t.run("SETRANGE", "k", "536870912", "") == .integer(1), "an empty value is not checked")
        #expect(t.run("SETRANGE", "k", "0") == arityError("setrange"))
        #expect(t.records.dropFirst().allSatisfy { $0.isEmpty }, "only the first SET logged anything")
        #expect(t.run("GET", "k") == .text("v"))
        #expect(t.run("EXISTS", "new") == .integer(0))
    }

    /// The 512 MB limit exactly: a string of 536870912 bytes is allowed,
    /// one byte more is not, for SETRANGE and APPEND alike.
    @Test func theLargestStringAllowed() {
        let t = TestEngine()
        #expect(t.run("SETRANGE", "k", "536870911", "x") == .integer(536_870_912))
        #expect(t.run("APPEND", "k", "y") == .err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"))
        #expect(t.run("APPEND", "k", "") == .integer(536_870_912))
        #expect(t.run("GETRANGE", "k", "-2", "-1") == .bulk([0, 0x78]))
        t.engine.keyspace.delete(0, ByteString(Array("k".utf8)))
    }
}

/// `ByteString.write`, the in-place change behind APPEND and SETRANGE.
@Suite struct ByteStringWriteTests {
    @Test func writesAcrossEncodings() {
        var integer = ByteString(integer: 12)
        integer.write(Array("3".utf8), at: 2)
        #expect(integer.bytes == Array("123".utf8))
        #expect(integer.integerValue == nil)

        var inline = ByteString(Array("abc".utf8))
        inline.write(Array("Z".utf8), at: 5)
        #expect(inline.bytes == [0x61, 0x62, 0x63, 0, 0, 0x5A])

        var growing = ByteString(Array("abc".utf8))
        growing.write(Array(repeating: 0x78, count: 20), at: 1)
        #expect(growing.bytes == [0x61] + Array(repeating: 0x78, count: 20))
        growing.write(Array("yy".utf8), at: 0)
        #expect(growing.count == 21)
        #expect(growing.bytes.prefix(3) == [0x79, 0x79, 0x78])

        var empty = ByteString()
        empty.write([], at: 0)
        #expect(empty.isEmpty)
    }

    @Test func aSharedBufferIsNeverChanged() {
        let original = ByteString(Array(repeating: 0x61, count: 100))
        var copy = original
        copy.write(Array("b".utf8), at: 0)
        copy.write(Array("c".utf8), at: 100)
        #expect(original.bytes == Array(repeating: 0x61, count: 100))
        #expect(copy.bytes == Array("b".utf8) + Array(repeating: 0x61, count: 99) + Array("c".utf8))
    }
}
