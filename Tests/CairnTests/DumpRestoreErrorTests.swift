import Testing
@testable import Cairn

/// RESTORE's options, TTLs, errors in Redis's order, and payloads that
/// are truncated, corrupted or lie about their lengths.
@Suite struct DumpRestoreErrorTests {
    typealias Golden = DumpRestoreGoldenTests
    static let restore = DumpRestoreTests.restore

    /// `body` with a version-10 footer and its CRC-64: a payload that
    /// passes `verifyDumpPayload`, so the RDB value itself is judged.
    static func sealed(_ body: Bytes, version: UInt16 = 10) -> Bytes {
        var payload = body + [UInt8(version & 0xFF), UInt8(version >> 8)]
        let crc = CRC64.checksum(payload)
        for shift in 0..<8 { payload.append(UInt8(truncatingIfNeeded: crc >> (8 * shift))) }
        return payload
    }

    static let hello = Golden.bytes(hex: "000568656c6c6f0a006372df766534200a")
    static let badFormat = Reply.err("ERR Bad data format")
    static let badPayload = Reply.err("ERR DUMP payload version or checksum are wrong")

    @Test func errorsComeInRedisOrder() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(Self.restore(t, "k", "0", Self.hello) == .err("BUSYKEY Target key name already exists."))
        #expect(Self.restore(t, "k", "0", Self.hello, "FOO") == syntaxError)
        #expect(Self.restore(t, "k", "-1", [1, 2], "FOO") == syntaxError)
        #expect(Self.restore(t, "k", "-1", [1, 2]) == .err("BUSYKEY Target key name already exists."))
        #expect(Self.restore(t, "n", "-1", [1, 2]) == .err("ERR Invalid TTL value, must be >= 0"))
        #expect(Self.restore(t, "n", "x", [1, 2]) == notInteger)
        #expect(Self.restore(t, "n", "0", [1, 2]) == Self.badPayload)
        #expect(Self.restore(t, "n", "0", Self.sealed([0])) == Self.badFormat)
        #expect(t.run("RESTORE", "n", "0") == arityError("restore"))
        #expect(t.run("GET", "k") == .text("v"))
        #expect(t.run("EXISTS", "n") == .integer(0))
        #expect(t.allEffects.count == 1)
    }

    @Test func optionParsing() {
        let t = TestEngine()
        #expect(Self.restore(t, "a", "0", Self.hello, "idletime", "-1") == .err("ERR Invalid IDLETIME value, must be >= 0"))
        #expect(Self.restore(t, "a", "0", Self.hello, "IDLETIME", "x") == notInteger)
        #expect(Self.restore(t, "a", "0", Self.hello, "IDLETIME") == syntaxError)
        #expect(Self.restore(t, "a", "0", Self.hello, "FREQ", "256") == .err("ERR Invalid FREQ value, must be >= 0 and <= 255"))
        #expect(Self.restore(t, "a", "0", Self.hello, "FREQ", "-1") == .err("ERR Invalid FREQ value, must be >= 0 and <= 255"))
        #expect(Self.restore(t, "a", "0", Self.hello, "FREQ", "1", "IDLETIME", "2") == syntaxError)
        #expect(Self.restore(t, "a", "0", Self.hello, "IDLETIME", "2", "FREQ", "1") == syntaxError)
        #expect(Self.restore(t, "a", "0", Self.hello, "replace", "AbsTTL", "IDLETIME", "1000", "IDLETIME", "5") == .ok)
        #expect(t.lastEffects.first?.prefix(3) == ["RESTORE", "a", "0"])
        #expect(t.lastEffects.first?.suffix(1) == ["REPLACE"])
        #expect(Self.restore(t, "b", "0", Self.hello, "FREQ", "255", "FREQ", "0") == .ok)
        #expect(t.run("MGET", "a", "b") == .texts(["hello", "hello"]))
        t.expectReplayMatches()
    }

    @Test func ttlsBecomeAbsoluteInTheEffect() {
        let t = TestEngine()
        let now = t.clock.nowMilliseconds()
        #expect(Self.restore(t, "rel", "1500", Self.hello) == .ok)
        #expect(t.lastEffects.count == 1)
        #expect(t.lastEffects.first?.count == 6)
        #expect(t.lastEffects.first?.prefix(3) == ["RESTORE", "rel", "\(now + 1500)"])
        #expect(t.lastEffects.first?.suffix(2) == ["REPLACE", "ABSTTL"])
        #expect(t.run("PTTL", "rel") == .integer(1500))
        #expect(Self.restore(t, "abs", "\(now + 9000)", Self.hello, "ABSTTL") == .ok)
        #expect(t.lastEffects.first?.prefix(3) == ["RESTORE", "abs", "\(now + 9000)"])
        #expect(t.run("PTTL", "abs") == .integer(9000))
        // A TTL already past creates nothing (`checkAlreadyExpired`).
        #expect(Self.restore(t, "past", "\(now - 1)", Self.hello, "ABSTTL") == .ok)
        #expect(Self.restore(t, "past", "\(now)", Self.hello, "ABSTTL") == .ok)
        #expect(t.run("EXISTS", "past") == .integer(0))
        #expect(t.lastEffects.isEmpty)
        // ... and with REPLACE deletes the old key, logged as DEL.
        t.run("SET", "old", "v")
        #expect(Self.restore(t, "old", "1", Self.hello, "ABSTTL", "REPLACE") == .ok)
        #expect(t.lastEffects == [["DEL", "old"]])
        #expect(t.run("EXISTS", "old") == .integer(0))
        // REPLACE drops the old TTL and type.
        t.run("RPUSH", "l", "x")
        t.run("PEXPIRE", "l", "100")
        #expect(Self.restore(t, "l", "0", Self.hello, "REPLACE") == .ok)
        #expect(t.run("PTTL", "l") == .integer(-1))
        #expect(t.run("GET", "l") == .text("hello"))
        // An expired key is not in the way.
        t.run("SET", "gone", "v", "PX", "10")
        t.clock.advance(milliseconds: 20)
        #expect(Self.restore(t, "gone", "0", Self.hello) == .ok)
        t.expectReplayMatches()
    }

    @Test func corruptedPayloadsFailTheChecksum() {
        let t = TestEngine()
        for bit in 0..<(Self.hello.count * 8) {
            var payload = Self.hello
            payload[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(Self.restore(t, "k", "0", payload) == Self.badPayload, "bit \(bit)")
        }
        #expect(Self.restore(t, "k", "0", Self.sealed([0, 1, 0x61], version: 11)) == Self.badPayload)
        #expect(Self.restore(t, "k", "0", Self.sealed([0, 1, 0x61], version: 9)) == .ok)
        #expect(Self.restore(t, "k2", "0", Array(Self.hello.prefix(9))) == Self.badPayload)
        #expect(t.allEffects.count == 1)
    }

    /// Every strict prefix of a valid RDB value, sealed with a correct
    /// checksum, is rejected; re-sealed bit flips never crash.
    @Test func truncatedAndMutatedValuesAreRejected() {
        let t = TestEngine()
        t.run("RPUSH", "l", "a", "12", "-300")
        t.run("SADD", "s", "1", "2", "x")
        t.run("SADD", "i", "1", "70000")
        t.run("HSET", "h", "f", "v")
        t.run("ZADD", "z", "1", "a", "2", "b")
        t.run("SET", "str", "hello there")
        var bodies = ["l", "s", "i", "h", "z", "str"].map { Array(DumpRestoreTests.dump(t, $0)!.dropLast(10)) }
        for hex in ["1201022b2b00000006008161020101ded402f270110104f400f2052a01000000098b68656c6c6f20776f726c640cff0a00a5abb0cfea5f3005",
                    "101d1d00000006008266310382763103816e022a01836e656704f178ec03ff0a006580711b66d1719d",
                    "111d1d0000000600816302842d696e660581610283312e35048162020201ff0a0017dce91ab8436c89",
                    "00c31128016161e0130004626364656620040165660a009ff266afb1b7f09a"] {
            bodies.append(Array(Golden.bytes(hex: hex).dropLast(10)))
        }
        for body in bodies {
            for length in 0..<body.count {
                #expect(Self.restore(t, "k", "0", Self.sealed(Array(body.prefix(length))), "REPLACE") == Self.badFormat, "\(body) prefix \(length)")
            }
            for bit in 0..<(body.count * 8) {
                var mutated = body
                mutated[bit / 8] ^= 1 << UInt8(bit % 8)
                let reply = Self.restore(t, "k", "0", Self.sealed(mutated), "REPLACE")
                #expect(reply == .ok || reply == Self.badFormat)
            }
        }
        t.expectReplayMatches()
    }

    @Test func lengthsAreClaimsNotBudgets() {
        let t = TestEngine()
        let huge: [Bytes] = [
            [0, 0x81, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],  // a string of 2^63 bytes
            [0, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0x61],  // 4 GB string
            [1, 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 0x61],  // a list of 2^62 elements
            [4, 0x80, 0x10, 0, 0, 0, 1, 0x61, 1, 0x62],  // a hash of 2^28 pairs
            [5, 0x80, 0x10, 0, 0, 0, 1, 0x61],  // a zset of 2^28
            [0, 0xC3, 0x02, 0x80, 0x40, 0, 0, 0, 0xE0, 0xFF],  // LZF claiming 1 GB from 2 bytes
            [0, 0xC3, 0x02, 0x05, 0x01, 0x61],  // LZF run past its input
            [0, 0xC3, 0x02, 0x05, 0x20, 0x00],  // LZF back reference before the start
            [0, 0xC4],  // unknown string encoding
            [0, 0x82, 0],  // unknown length encoding
            [16, 0x07, 0x07, 0, 0, 0, 0, 0, 0xFF],  // an empty listpack hash
            [16, 0x0A, 0x0A, 0, 0, 0, 1, 0, 0x81, 0x61, 0x02, 0xFF],  // odd listpack hash
            [16, 0x0B, 0xFF, 0, 0, 0, 2, 0, 0x81, 0x61, 0x02, 0xFF],  // listpack byte count lies
            [17, 0x0D, 0x0D, 0, 0, 0, 2, 0, 0x81, 0x61, 0x02, 0x81, 0x78, 0x02, 0xFF],  // score "x"
            [11, 0x08, 2, 0, 0, 0, 0, 0, 0, 0],  // empty intset
            [11, 0x0C, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0],  // intset out of order
            [11, 0x0A, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0],  // intset width 3
            [18, 0x01, 0x03, 0x01, 0x61],  // quicklist container 3
            [18, 0x01, 0x01, 0x00],  // empty plain node
            [2, 0x02, 0x01, 0x61, 0x01, 0x61],  // duplicate set member
            [4, 0x02, 0x01, 0x61, 0x01, 0x31, 0x01, 0x61, 0x01, 0x32],  // duplicate hash field
            [3, 0x01, 0x01, 0x61, 253],  // NaN score
            [2, 0x00], [1, 0x00], [4, 0x00], [5, 0x00], [18, 0x00],  // empty collections
            [6, 0], [7, 0], [15, 0], [19, 0], [8], [20], [255],  // modules, streams, unknown types
        ]
        for body in huge {
            #expect(Self.restore(t, "k", "0", Self.sealed(body)) == Self.badFormat, "\(body)")
        }
        #expect(t.allEffects.isEmpty)
        // The same shapes, well-formed, are accepted.
        #expect(Self.restore(t, "a", "0", Self.sealed([3, 0x01, 0x01, 0x61, 254])) == .ok)
        #expect(t.run("ZSCORE", "a", "a") == .double(.infinity))
        #expect(Self.restore(t, "b", "0", Self.sealed([3, 0x01, 0x01, 0x61, 3, 0x31, 0x2E, 0x35])) == .ok)
        #expect(t.run("ZSCORE", "b", "a") == .double(1.5))
        #expect(Self.restore(t, "c", "0", Self.sealed([18, 0x01, 0x02, 0x07, 0x07, 0, 0, 0, 0, 0, 0xFF])) == Self.badFormat)
        t.expectReplayMatches()
    }
}
