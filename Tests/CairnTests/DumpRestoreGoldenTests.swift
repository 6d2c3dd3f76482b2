import Testing
@testable import Cairn

/// Payloads captured from redis-server 7.0.15 (`DUMP k` after the command in
/// each comment, default configuration) restored into Cairn.
@Suite struct DumpRestoreGoldenTests {
    static func bytes(hex: String) -> Bytes {
        var result: Bytes = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    static func restore(_ t: TestEngine, _ hex: String, key: String = "k") -> Reply {
        t.run([Bytes(ascii: "RESTORE"), Bytes(ascii: key), Bytes(ascii: "0"), bytes(hex: hex)])
    }

    /// The bulk strings of an array reply, sorted (for unordered sets and hashes).
    static func sortedStrings(_ reply: Reply) -> [String] {
        let items: [Reply]
        switch reply {
        case .array(let list), .set(let list), .map(let list): items = list
        default: return []
        }
        return items.compactMap { item -> String? in
            if case .bulk(let bytes) = item { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }.sorted()
    }

    @Test func strings() {
        let t = TestEngine()
        // SET k 12345
        #expect(Self.restore(t, "00c139300a009d94ea2793fc08b9", key: "a") == .ok)
        #expect(t.run("GET", "a") == .text("12345"))
        #expect(t.run("OBJECT", "ENCODING", "a") == .text("int"))
        // SET k -7
        #expect(Self.restore(t, "00c0f90a005e26d130d7a242ab", key: "b") == .ok)
        #expect(t.run("GET", "b") == .text("-7"))
        // SET k 2147483647
        #expect(Self.restore(t, "00c2ffffff7f0a002c74e59ee02eada1", key: "c") == .ok)
        #expect(t.run("GET", "c") == .text("2147483647"))
        // SET k 1234567890123
        #expect(Self.restore(t, "000d313233343536373839303132330a005e0c12ae0429bc1e", key: "d") == .ok)
        #expect(t.run("GET", "d") == .text("1234567890123"))
        #expect(t.run("OBJECT", "ENCODING", "d") == .text("int"))
        // SET k hello
        #expect(Self.restore(t, "000568656c6c6f0a006372df766534200a", key: "e") == .ok)
        #expect(t.run("GET", "e") == .text("hello"))
        // SET k "a\0b\r\nc"
        #expect(Self.restore(t, "00066100620d0a630a00a42402384f0aac7c", key: "f") == .ok)
        #expect(t.run("GET", "f") == .bulk([0x61, 0, 0x62, 13, 10, 0x63]))
        // SET k ("a" * 30 + "bcdefbcdef"): LZF-compressed
        #expect(Self.restore(t, "00c31128016161e0130004626364656620040165660a009ff266afb1b7f09a", key: "g") == .ok)
        #expect(t.run("GET", "g") == .text(String(repeating: "a", count: 30) + "bcdefbcdef"))
        t.expectReplayMatches()
    }

    @Test func lists() {
        let t = TestEngine()
        // RPUSH k a 1 -300 70000 5000000000 "hello world": one listpack node
        #expect(Self.restore(t, "1201022b2b00000006008161020101ded402f270110104f400f2052a01000000098b68656c6c6f20776f726c640cff0a00a5abb0cfea5f3005", key: "a") == .ok)
        #expect(t.run("LRANGE", "a", "0", "-1") == .texts(["a", "1", "-300", "70000", "5000000000", "hello world"]))
        // RPUSH k ("x" * 9000) y: two listpack nodes, the first LZF-compressed
        let lzf = "120202c3407a633607362300000100f02820060078" + String(repeating: "e0ff00", count: 34)
            + "e00e000246adff020a0a0000000100817902ff0a005e8490740081e9dd"
        #expect(Self.restore(t, lzf, key: "b") == .ok)
        #expect(t.run("LRANGE", "b", "0", "-1") == .texts([String(repeating: "x", count: 9000), "y"]))
        // DEBUG QUICKLIST-PACKED-THRESHOLD 100; RPUSH k a ("z" * 150) b: a plain node between two listpacks
        #expect(Self.restore(t, "1203020a0a0000000100816102ff01c3094096017a7ae08900017a7a020a0a0000000100816202ff0a00f81f1763c18cd8e1", key: "c") == .ok)
        #expect(t.run("LRANGE", "c", "0", "-1") == .texts(["a", String(repeating: "z", count: 150), "b"]))
        t.expectReplayMatches()
    }

    @Test func sets() {
        let t = TestEngine()
        // SADD k 3 1 -2 70000: intset of 32-bit values
        #expect(Self.restore(t, "0b180400000004000000feffffff0100000003000000701101000a00dcd97f84975bea6b", key: "a") == .ok)
        #expect(t.run("SMEMBERS", "a") == .set(["-2", "1", "3", "70000"].map { .text($0) }))
        #expect(t.run("OBJECT", "ENCODING", "a") == .text("intset"))
        // SADD k a b c
        #expect(Self.restore(t, "02030163016201610a005ea67e5623750bab", key: "b") == .ok)
        #expect(Self.sortedStrings(t.run("SMEMBERS", "b")) == ["a", "b", "c"])
        #expect(t.run("OBJECT", "ENCODING", "b") == .text("hashtable"))
        t.expectReplayMatches()
    }

    @Test func hashes() {
        let t = TestEngine()
        // HSET k f1 v1 n 42 neg -5000: listpack
        #expect(Self.restore(t, "101d1d00000006008266310382763103816e022a01836e656704f178ec03ff0a006580711b66d1719d", key: "a") == .ok)
        #expect(t.run("HGETALL", "a") == .map(["f1", "v1", "n", "42", "neg", "-5000"].map { .text($0) }))
        #expect(t.run("OBJECT", "ENCODING", "a") == .text("listpack"))
        // HSET k f ("x" * 70): hashtable, the value LZF-compressed
        #expect(Self.restore(t, "04010166c3094046017878e039000178780a003e6c955f2e52e7c1", key: "b") == .ok)
        #expect(t.run("HGET", "b", "f") == .text(String(repeating: "x", count: 70)))
        #expect(t.run("OBJECT", "ENCODING", "b") == .text("hashtable"))
        t.expectReplayMatches()
    }

    @Test func sortedSets() {
        let t = TestEngine()
        // ZADD k 1.5 a 2 b -inf c: listpack, scores as text and integers
        #expect(Self.restore(t, "111d1d0000000600816302842d696e660581610283312e35048162020201ff0a0017dce91ab8436c89", key: "a") == .ok)
        #expect(t.run("ZRANGE", "a", "0", "-1", "WITHSCORES") == .array([.text("c"), .double(-.infinity), .text("a"), .double(1.5), .text("b"), .double(2)]))
        #expect(t.run("OBJECT", "ENCODING", "a") == .text("listpack"))
        // ZADD k 1.5 ("x" * 70) 3 b: skiplist, binary doubles
        #expect(Self.restore(t, "050201620000000000000840c3094046017878e03900017878000000000000f83f0a003cae729db50d6466", key: "b") == .ok)
        #expect(t.run("ZRANGE", "b", "0", "-1", "WITHSCORES") == .array([.text(String(repeating: "x", count: 70)), .double(1.5), .text("b"), .double(3)]))
        #expect(t.run("OBJECT", "ENCODING", "b") == .text("skiplist"))
        t.expectReplayMatches()
    }
}
