import Testing
@testable import Cairn

/// DUMP and RESTORE: round trips of every type and encoding, Cairn's own
/// payload bytes, RESTORE's options and errors (cluster.c restoreCommand),
/// malformed payloads, and the effects RESTORE logs.
@Suite struct DumpRestoreTests {
    typealias Golden = DumpRestoreGoldenTests

    static func dump(_ t: TestEngine, _ key: String) -> Bytes? {
        if case .bulk(let payload) = t.run("DUMP", key) { return payload }
        return nil
    }

    static func restore(_ t: TestEngine, _ key: String, _ ttl: String, _ payload: Bytes, _ options: String...) -> Reply {
        t.run([Bytes(ascii: "RESTORE"), Bytes(ascii: key), Bytes(ascii: ttl), payload] + options.map { Bytes(ascii: $0) })
    }

    /// Dumps `key`, restores it as `key:copy` and checks both hold the same
    /// contents with the same encoding.
    static func expectRoundTrip(_ t: TestEngine, _ key: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let payload = dump(t, key) else {
            Issue.record("no payload for \(key)", sourceLocation: sourceLocation)
            return
        }
        #expect(restore(t, key + ":copy", "0", payload) == .ok, sourceLocation: sourceLocation)
        #expect(t.run("OBJECT", "ENCODING", key + ":copy") == t.run("OBJECT", "ENCODING", key), sourceLocation: sourceLocation)
        #expect(dump(t, key + ":copy") == payload, sourceLocation: sourceLocation)
        let contents: (String) -> Reply = { name in
            switch t.run("TYPE", name) {
            case .simple("string"): return t.run("GET", name)
            case .simple("list"): return t.run("LRANGE", name, "0", "-1")
            case .simple("set"): return .array(Golden.sortedStrings(t.run("SMEMBERS", name)).map { .text($0) })
            case .simple("hash"): return .array(Golden.sortedStrings(t.run("HGETALL", name)).map { .text($0) })
            default: return t.run("ZRANGE", name, "0", "-1", "WITHSCORES")
            }
        }
        #expect(contents(key + ":copy") == contents(key), sourceLocation: sourceLocation)
    }

    @Test func everyTypeAndEncodingRoundTrips() {
        let t = TestEngine()
        let binary: Bytes = [0, 13, 10, 255, 0x61, 0]
        t.run("SET", "s:int", "-123456")
        t.run("SET", "s:big", "9223372036854775807")
        t.run("SET", "s:text", "hello")
        t.run("SET", "s:empty", "")
        t.run("SET", "s:lead0", "007")
        t.run([Bytes(ascii: "SET"), Bytes(ascii: "s:bin"), binary])
        t.run("SET", "s:long", String(repeating: "abc", count: 400))
        t.run("RPUSH", "l:small", "a", "1", "-1", "", "99999999999")
        t.run([Bytes(ascii: "RPUSH"), Bytes(ascii: "l:bin"), binary, binary])
        t.run(["RPUSH", "l:big"].map { Bytes(ascii: $0) } + (0..<2000).map { Bytes(ascii: "element-\($0)") })
        t.run("SADD", "set:int16", "1", "2", "-3")
        t.run("SADD", "set:int64", "1", "5000000000", "-9223372036854775808")
        t.run("SADD", "set:text", "a", "b", "1")
        t.run(["SADD", "set:bigint"].map { Bytes(ascii: $0) } + (0..<600).map { Bytes(ascii: "\($0)") })
        t.run([Bytes(ascii: "SADD"), Bytes(ascii: "set:bin"), binary])
        t.run("HSET", "h:small", "f", "v", "n", "12", "", "empty")
        t.run("HSET", "h:long", "f", String(repeating: "v", count: 100))
        t.run(["HSET", "h:big"].map { Bytes(ascii: $0) } + (0..<300).flatMap { [Bytes(ascii: "f\($0)"), Bytes(ascii: "\($0)")] })
        t.run([Bytes(ascii: "HSET"), Bytes(ascii: "h:bin"), binary, binary])
        t.run("ZADD", "z:small", "1", "a", "-2.5", "b", "inf", "c", "-inf", "d", "0", "5")
        t.run("ZADD", "z:long", "3.14159", String(repeating: "m", count: 80))
        t.run(["ZADD", "z:big"].map { Bytes(ascii: $0) } + (0..<300).flatMap { [Bytes(ascii: "\(Double($0) / 7)"), Bytes(ascii: "m\($0)")] })
        t.run([Bytes(ascii: "ZADD"), Bytes(ascii: "z:bin"), Bytes(ascii: "1e-300"), binary])
        for key in ["s:int", "s:big", "s:text", "s:empty", "s:lead0", "s:bin", "s:long", "l:small", "l:bin", "l:big",
                    "set:int16", "set:int64", "set:text", "set:bigint", "set:bin", "h:small", "h:long", "h:big", "h:bin",
                    "z:small", "z:long", "z:big", "z:bin"] {
            Self.expectRoundTrip(t, key)
        }
        #expect(t.run("OBJECT", "ENCODING", "set:bigint:copy") == .text("hashtable"))
        #expect(t.run("OBJECT", "ENCODING", "h:big:copy") == .text("hashtable"))
        #expect(t.run("OBJECT", "ENCODING", "z:big:copy") == .text("skiplist"))
        t.expectReplayMatches()
    }

    @Test func dumpOfAMissingKeyIsNull() {
        let t = TestEngine()
        #expect(t.run("DUMP", "nope") == .null)
        #expect(t.run("DUMP") == arityError("dump"))
        #expect(t.lastEffects.isEmpty)
    }

    /// Cairn's payloads, restored by hand into redis-server 7.0.15
    /// (`RESTORE k 0 <payload>`, then GET/LRANGE/SMEMBERS/HGETALL/ZRANGE
    /// WITHSCORES showed the same contents).
    @Test func payloadBytesAreStable() {
        let t = TestEngine()
        t.run("SET", "a", "12345")
        t.run("SET", "b", "hello")
        t.run("RPUSH", "c", "a", "1", "-300")
        t.run("SADD", "d", "3", "1", "-2", "70000")
        t.run("SADD", "e", "x")
        t.run("HSET", "f", "f1", "v1")
        t.run("ZADD", "g", "1.5", "a", "2", "b")
        let expected = [
            "a": "00c139300a009d94ea2793fc08b9",
            "b": "000568656c6c6f0a006372df766534200a",
            "c": "01030161c001c1d4fe0a008cbd55dc399dbb07",
            "d": "0b180400000004000000feffffff0100000003000000701101000a00dcd97f84975bea6b",
            "e": "020101780a00ffe880ba760c2f09",
            "f": "04010266310276310a00fcf27c841f560a15",
            "g": "05020161000000000000f83f016200000000000000400a00321e8dc5edc58b02",
        ]
        for (key, hex) in expected {
            #expect(Self.dump(t, key) == Golden.bytes(hex: hex), "\(key)")
        }
        // Redis's own DUMP of the same intset (SADD k 3 1 -2 70000) is byte-identical.
        #expect(CRC64.checksum(Array("123456789".utf8)) == 0xE9C6_D914_C4B8_D9CA)
    }
}
