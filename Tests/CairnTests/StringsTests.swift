import Testing
@testable import Cairn

/// GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX STRLEN,
/// checked against Redis 7.0.15's replies.
@Suite struct StringsTests {
    // MARK: GET / SET

    @Test func getAndSet() {
        let t = TestEngine()
        #expect(t.run("GET", "k") == .null)
        #expect(t.run("SET", "k", "v") == .ok)
        #expect(t.lastEffects == [["SET", "k", "v"]])
        #expect(t.run("GET", "k") == .text("v"))
        #expect(t.lastEffects == [])
        #expect(t.run("SET", "k", "other") == .ok)
        #expect(t.run("GET", "k") == .text("other"))
        #expect(t.run("SET", "k") == arityError("set"))
        #expect(t.run("GET") == arityError("get"))
        t.makeHash("h")
        #expect(t.run("GET", "h") == wrongType)
        #expect(t.run("SET", "h", "now a string") == .ok, "SET overwrites any type")
        #expect(t.run("GET", "h") == .text("now a string"))
        t.expectReplayMatches()
    }

    @Test func setStoresCanonicalIntegersInTheIntEncoding() {
        let t = TestEngine()
        for text in ["0", "12", "-1", "9223372036854775807", "-9223372036854775808"] {
            t.run("SET", "k", text)
            #expect(t.encoding("k") == "int", "\(text)")
            #expect(t.run("GET", "k") == .text(text))
        }
        for text in ["012", "+1", " 1", "1 ", "-0", "1.0", "9223372036854775808", "-9223372036854775809", "", "-"] {
            t.run("SET", "k", text)
            #expect(t.encoding("k") == "embstr", "\(text)")
            #expect(t.run("GET", "k") == .text(text))
        }
        t.run("SET", "k", String(repeating: "x", count: 45))
        #expect(t.encoding("k") == "raw")
        t.expectReplayMatches()
    }

    @Test func setNXAndXX() {
        let t = TestEngine()
        #expect(t.run("SET", "k", "1", "XX") == .null)
        #expect(t.lastEffects == [])
        #expect(t.run("GET", "k") == .null)
        #expect(t.run("SET", "k", "1", "nx") == .ok)
        #expect(t.lastEffects == [["SET", "k", "1"]])
        #expect(t.run("SET", "k", "2", "NX") == .null)
        #expect(t.lastEffects == [])
        #expect(t.run("SET", "k", "3", "XX") == .ok)
        #expect(t.lastEffects == [["SET", "k", "3"]])
        #expect(t.run("SET", "k", "4", "NX", "NX") == .null, "a repeated option is accepted")
        #expect(t.run("SET", "k", "4", "NX", "XX") == syntaxError)
        #expect(t.run("SET", "k", "4", "XX", "NX") == syntaxError)
        #expect(t.run("SET", "k", "4", "bogus") == syntaxError)
        #expect(t.run("SET", "k", "4", "PERSIST") == syntaxError, "PERSIST belongs to GETEX")
        #expect(t.run("GET", "k") == .text("3"))
        t.expectReplayMatches()
    }

    @Test func setGetReturnsTheOldValue() {
        let t = TestEngine()
        #expect(t.run("SET", "k", "a", "GET") == .null)
        #expect(t.lastEffects == [["SET", "k", "a"]])
        #expect(t.run("SET", "k", "b", "get") == .text("a"))
        #expect(t.run("SET", "k", "c", "GET", "NX") == .text("b"), "GET with NX replies the old value and writes nothing")
        #expect(t.lastEffects == [])
        #expect(t.run("GET", "k") == .text("b"))
        #expect(t.run("SET", "missing", "v", "GET", "XX") == .null)
        #expect(t.run("GET", "missing") == .null)
        #expect(t.run("SET", "k", "d", "XX", "GET", "KEEPTTL") == .text("b"))
        #expect(t.lastEffects == [["SET", "k", "d", "KEEPTTL"]])
        t.makeHash("h")
        #expect(t.run("SET", "h", "v", "GET") == wrongType)
        #expect(t.lastEffects == [])
        #expect(t.run("GET", "h") == wrongType, "the hash is untouched")
        t.removeHash("h")
        t.expectReplayMatches()
    }

    @Test func setExpireOptionsBecomeAbsolutePXAT() {
        let t = TestEngine(now: 1_700_000_000_000)
        #expect(t.run("SET", "a", "v", "EX", "10") == .ok)
        #expect(t.lastEffects == [["SET", "a", "v", "PXAT", "1700000010000"]])
        #expect(t.expireTime("a") == 1_700_000_010_000)
        #expect(t.run("SET", "b", "v", "px", "1500") == .ok)
        #expect(t.lastEffects == [["SET", "b", "v", "PXAT", "1700000001500"]])
        #expect(t.run("SET", "c", "v", "EXAT", "1800000000") == .ok)
        #expect(t.lastEffects == [["SET", "c", "v", "PXAT", "1800000000000"]])
        #expect(t.run("SET", "d", "v", "PXAT", "1800000000123", "GET") == .null)
        #expect(t.lastEffects == [["SET", "d", "v", "PXAT", "1800000000123"]])
        #expect(t.expireTime("d") == 1_800_000_000_123)
        #expect(t.run("SET", "e", "v", "EX", "10", "EX", "20") == .ok, "the same option twice: the last wins")
        #expect(t.expireTime("e") == 1_700_000_020_000)
        #expect(t.run("SET", "f", "v", "NX", "EX", "5") == .ok)
        #expect(t.lastEffects == [["SET", "f", "v", "PXAT", "1700000005000"]])

        t.clock.advance(milliseconds: 1501)  // Redis expires a key once the clock is past its time
        #expect(t.run("GET", "b") == .null)
        #expect(t.lastEffects == [["DEL", "b"]])
        #expect(t.run("GET", "a") == .text("v"))
        t.clock.advance(milliseconds: 8500)
        #expect(t.run("GET", "a") == .null)
        t.expectReplayMatches()
    }

    @Test func setExpireErrors() {
        let t = TestEngine()
        let invalid = Reply.err("ERR invalid expire time in 'set' command")
        #expect(t.run("SET", "k", "v", "EX", "0") == invalid)
        #expect(t.run("SET", "k", "v", "PX", "-1") == invalid)
        #expect(t.run("SET", "k", "v", "EXAT", "0") == invalid)
        #expect(t.run("SET", "k", "v", "EX", "9223372036854775807") == invalid, "seconds overflow as ms")
        #expect(t.run("SET", "k", "v", "EXAT", "9223372036854776") == invalid)
        #expect(t.run("SET", "k", "v", "PX", "9223372036854775807") == invalid, "now + ms overflows")
        #expect(t.run("SET", "k", "v", "EX", "1.5") == notInteger)
        #expect(t.run("SET", "k", "v", "EX", "x") == notInteger)
        #expect(t.run("SET", "k", "v", "EX") == syntaxError)
        #expect(t.run("SET", "k", "v", "EX", "1", "PX", "1") == syntaxError)
        #expect(t.run("SET", "k", "v", "PX", "1", "EXAT", "1") == syntaxError)
        #expect(t.run("SET", "k", "v", "EXAT", "1", "PXAT", "1") == syntaxError)
        #expect(t.run("SET", "k", "v", "KEEPTTL", "EX", "1") == syntaxError)
        #expect(t.run("SET", "k", "v", "PX", "1", "KEEPTTL") == syntaxError)
        #expect(t.run("SET", "k", "v", "EX", "-1", "bogus") == syntaxError, "syntax is checked before the time")
        #expect(t.run("GET", "k") == .null)
        #expect(t.records.allSatisfy { $0.isEmpty })
        #expect(t.run("SET", "k", "v", "EXAT", "9223372036854775") == .ok)
        #expect(t.run("SET", "k", "v", "PXAT", "9223372036854775807") == .ok)
        #expect(t.lastEffects == [["SET", "k", "v", "PXAT", "9223372036854775807"]])
        t.expectReplayMatches()
    }

    @Test func setKeepTTL() {
        let t = TestEngine(now: 1_000_000)
        t.run("SET", "k", "v", "PX", "5000")
        #expect(t.run("SET", "k", "w", "KEEPTTL") == .ok)
        #expect(t.lastEffects == [["SET", "k", "w", "KEEPTTL"]])
        #expect(t.expireTime("k") == 1_005_000)
        #expect(t.run("SET", "k", "x") == .ok)
        #expect(t.expireTime("k") == nil, "a plain SET drops the TTL")
        #expect(t.run("SET", "new", "v", "keepttl") == .ok)
        #expect(t.expireTime("new") == nil)
        t.expectReplayMatches()
    }

    /// Redis 7.0.15's SET does not check an absolute time against the clock:
    /// the key is stored already expired and deleted when next touched.
    @Test func setWithAnExpireTimeInThePast() {
        let t = TestEngine(now: 1_700_000_000_000)
        #expect(t.run("SET", "k", "v", "EXAT", "1") == .ok)
        #expect(t.lastEffects == [["SET", "k", "v", "PXAT", "1000"]])
        #expect(t.engine.keyCount(database: 0) == 1)
        #expect(t.run("GET", "k") == .null)
        #expect(t.lastEffects == [["DEL", "k"]])
        #expect(t.engine.keyCount(database: 0) == 0)
        t.expectReplayMatches()
    }

    @Test func setOnAnExpiredKeyLogsItsDeletionFirst() {
        let t = TestEngine()
        t.run("SET", "k", "old", "PX", "10")
        t.clock.advance(milliseconds: 11)
        #expect(t.run("SET", "k", "new", "NX") == .ok)
        #expect(t.lastEffects == [["DEL", "k"], ["SET", "k", "new"]])
        #expect(t.expireTime("k") == nil)
        t.expectReplayMatches()
    }

    // MARK: SETNX / SETEX / PSETEX / GETSET

    @Test func setnx() {
        let t = TestEngine()
        #expect(t.run("SETNX", "k", "1") == .integer(1))
        #expect(t.lastEffects == [["SET", "k", "1"]])
        #expect(t.encoding("k") == "int")
        #expect(t.run("SETNX", "k", "2") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("GET", "k") == .text("1"))
        #expect(t.run("SETNX", "k") == arityError("setnx"))
        t.makeHash("h")
        #expect(t.run("SETNX", "h", "v") == .integer(0))
        t.removeHash("h")
        t.expectReplayMatches()
    }

    @Test func setexAndPsetex() {
        let t = TestEngine(now: 2_000_000)
        #expect(t.run("SETEX", "k", "10", "v") == .ok)
        #expect(t.lastEffects == [["SET", "k", "v", "PXAT", "2010000"]])
        #expect(t.run("PSETEX", "p", "250", "v") == .ok)
        #expect(t.lastEffects == [["SET", "p", "v", "PXAT", "2000250"]])
        #expect(t.run("SETEX", "k", "0", "v") == .err("ERR invalid expire time in 'setex' command"))
        #expect(t.run("PSETEX", "k", "-1", "v") == .err("ERR invalid expire time in 'psetex' command"))
        #expect(t.run("SETEX", "k", "x", "v") == notInteger)
        #expect(t.run("SETEX", "k", "10") == arityError("setex"))
        #expect(t.run("PSETEX", "k", "10", "v", "x") == arityError("psetex"))
        t.clock.advance(milliseconds: 251)
        #expect(t.run("GET", "p") == .null)
        #expect(t.run("GET", "k") == .text("v"))
        t.makeHash("h")
        #expect(t.run("SETEX", "h", "10", "v") == .ok, "SETEX overwrites any type")
        t.expectReplayMatches()
    }

    @Test func getset() {
        let t = TestEngine()
        #expect(t.run("GETSET", "k", "a") == .null)
        #expect(t.lastEffects == [["SET", "k", "a"]])
        t.run("SET", "k", "b", "EX", "100")
        #expect(t.run("GETSET", "k", "42") == .text("b"))
        #expect(t.expireTime("k") == nil, "GETSET drops the TTL")
        #expect(t.encoding("k") == "int")
        t.makeHash("h")
        #expect(t.run("GETSET", "h", "v") == wrongType)
        #expect(t.lastEffects == [])
        #expect(t.run("GETSET", "k") == arityError("getset"))
        t.removeHash("h")
        t.expectReplayMatches()
    }

    // MARK: GETDEL / GETEX

    @Test func getdel() {
        let t = TestEngine()
        t.run("SET", "k", "v", "EX", "100")
        #expect(t.run("GETDEL", "k") == .text("v"))
        #expect(t.lastEffects == [["DEL", "k"]])
        #expect(t.run("GET", "k") == .null)
        #expect(t.expireTime("k") == nil)
        #expect(t.run("GETDEL", "k") == .null)
        #expect(t.lastEffects == [])
        t.makeHash("h")
        #expect(t.run("GETDEL", "h") == wrongType)
        #expect(t.engine.keyCount(database: 0) == 1)
        #expect(t.run("GETDEL", "a", "b") == arityError("getdel"))
        t.removeHash("h")
        t.expectReplayMatches()
    }

    @Test func getexSetsAndRemovesTTLs() {
        let t = TestEngine(now: 5_000_000)
        t.run("SET", "k", "v")
        #expect(t.run("GETEX", "k") == .text("v"))
        #expect(t.lastEffects == [])
        #expect(t.run("GETEX", "k", "EX", "10") == .text("v"))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "5010000"]])
        #expect(t.expireTime("k") == 5_010_000)
        #expect(t.run("GETEX", "k", "px", "20") == .text("v"))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "5000020"]])
        #expect(t.run("GETEX", "k", "EXAT", "6000") == .text("v"))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "6000000"]])
        #expect(t.run("GETEX", "k", "PXAT", "7000000") == .text("v"))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "7000000"]])
        #expect(t.run("GETEX", "k", "PERSIST") == .text("v"))
        #expect(t.lastEffects == [["PERSIST", "k"]])
        #expect(t.expireTime("k") == nil)
        #expect(t.run("GETEX", "k", "persist") == .text("v"))
        #expect(t.lastEffects == [], "no TTL to remove: nothing logged")
        #expect(t.run("GETEX", "missing", "EX", "10") == .null)
        #expect(t.lastEffects == [])
        t.expectReplayMatches()
    }

    /// GETEX with EXAT/PXAT in the past deletes the key at once (Redis's
    /// `checkAlreadyExpired`), still replying the value, and logs `DEL`.
    @Test func getexWithAnAbsoluteTimeInThePastDeletes() {
        let t = TestEngine(now: 5_000_000)
        t.run("SET", "k", "v")
        #expect(t.run("GETEX", "k", "PXAT", "5000000") == .text("v"))
        #expect(t.lastEffects == [["DEL", "k"]])
        #expect(t.engine.keyCount(database: 0) == 0)
        t.run("SET", "k", "v")
        #expect(t.run("GETEX", "k", "EXAT", "1") == .text("v"))
        #expect(t.lastEffects == [["DEL", "k"]])
        t.expectReplayMatches()
    }

    @Test func getexErrors() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(t.run("GETEX", "k", "NX") == syntaxError)
        #expect(t.run("GETEX", "k", "KEEPTTL") == syntaxError)
        #expect(t.run("GETEX", "k", "GET") == syntaxError)
        #expect(t.run("GETEX", "k", "PERSIST", "EX", "10") == syntaxError)
        #expect(t.run("GETEX", "k", "EX", "10", "PERSIST") == syntaxError)
        #expect(t.run("GETEX", "k", "EX", "1", "PX", "1") == syntaxError)
        #expect(t.run("GETEX", "k", "EX") == syntaxError)
        #expect(t.run("GETEX", "k", "EX", "-5") == .err("ERR invalid expire time in 'getex' command"))
        #expect(t.run("GETEX", "k", "EX", "x") == notInteger)
        #expect(t.run("GETEX", "missing", "EX", "-5") == .null, "a missing key answers nil before the time is checked")
        #expect(t.run("GETEX", "missing", "NX") == syntaxError)
        t.makeHash("h")
        #expect(t.run("GETEX", "h", "EX", "-5") == wrongType)
        #expect(t.run("GETEX") == arityError("getex"))
        #expect(t.records.dropFirst().allSatisfy { $0.isEmpty })
        #expect(t.expireTime("k") == nil)
    }

    // MARK: MGET / MSET / MSETNX / STRLEN

    @Test func mget() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        t.run("SET", "b", "two")
        t.makeHash("h")
        #expect(t.run("MGET", "a", "missing", "h", "b", "a") == .array([.text("1"), .null, .null, .text("two"), .text("1")]))
        #expect(t.run("MGET") == arityError("mget"))
    }

    @Test func msetAndMsetnx() {
        let t = TestEngine()
        t.run("SET", "a", "old", "EX", "100")
        #expect(t.run("MSET", "a", "1", "b", "2", "a", "3") == .ok)
        #expect(t.lastEffects == [["MSET", "a", "1", "b", "2", "a", "3"]])
        #expect(t.run("MGET", "a", "b") == .texts(["3", "2"]))
        #expect(t.expireTime("a") == nil, "MSET drops TTLs")
        #expect(t.encoding("a") == "int")
        #expect(t.run("MSET", "a") == arityError("mset"))
        #expect(t.run("MSET", "a", "1", "b") == arityError("mset"))
        #expect(t.run("MSETNX", "a", "1", "b") == arityError("msetnx"))

        #expect(t.run("MSETNX", "c", "1", "a", "x") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("GET", "c") == .null)
        #expect(t.run("msetnx", "c", "1", "d", "2") == .integer(1))
        #expect(t.lastEffects == [["MSET", "c", "1", "d", "2"]])
        #expect(t.run("MGET", "c", "d") == .texts(["1", "2"]))
        t.makeHash("h")
        #expect(t.run("MSETNX", "h", "v") == .integer(0))
        #expect(t.run("MSET", "h", "v") == .ok)
        #expect(t.run("GET", "h") == .text("v"))
        t.expectReplayMatches()
    }

    @Test func strlen() {
        let t = TestEngine()
        #expect(t.run("STRLEN", "k") == .integer(0))
        t.run("SET", "k", "hello")
        #expect(t.run("STRLEN", "k") == .integer(5))
        t.run("SET", "n", "-9223372036854775808")
        #expect(t.run("STRLEN", "n") == .integer(20))
        t.run("SET", "e", "")
        #expect(t.run("STRLEN", "e") == .integer(0))
        t.makeHash("h")
        #expect(t.run("STRLEN", "h") == wrongType)
        #expect(t.run("STRLEN") == arityError("strlen"))
    }

    // MARK: Binary safety

    @Test func keysAndValuesAreBinarySafe() {
        let t = TestEngine()
        let key: Bytes = [0x6B, 0x00, 0x0D, 0x0A, 0xFF]
        let value: Bytes = [0x00, 0x0D, 0x0A, 0x00, 0x80, 0x24, 0x2D, 0x31]
        #expect(t.run([Bytes("SET".utf8), key, value]) == .ok)
        #expect(t.run([Bytes("GET".utf8), key]) == .bulk(value))
        #expect(t.run([Bytes("GET".utf8), [0x6B]]) == .null)
        #expect(t.run([Bytes("STRLEN".utf8), key]) == .integer(8))
        #expect(t.run([Bytes("APPEND".utf8), key, [0x00]]) == .integer(9))
        #expect(t.run([Bytes("GETRANGE".utf8), key, Bytes("0".utf8), Bytes("2".utf8)]) == .bulk([0x00, 0x0D, 0x0A]))
        #expect(t.run([Bytes("SET".utf8), Bytes("empty".utf8), []]) == .ok)
        #expect(t.run("GET", "empty") == .text(""))
        #expect(t.run("STRLEN", "empty") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func aOneMebibyteValue() {
        let t = TestEngine()
        let big = Bytes((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(t.run([Bytes("SET".utf8), Bytes("big".utf8), big]) == .ok)
        #expect(t.run("STRLEN", "big") == .integer(1 << 20))
        #expect(t.run("GET", "big") == .bulk(big))
        #expect(t.encoding("big") == "raw")
        #expect(t.run("GETRANGE", "big", "-3", "-1") == .bulk(Array(big.suffix(3))))
        #expect(t.run("APPEND", "big", "xyz") == .integer(Int64(big.count + 3)))
        #expect(t.run("GET", "big") == .bulk(big + Array("xyz".utf8)))
        t.expectReplayMatches()
    }
}
