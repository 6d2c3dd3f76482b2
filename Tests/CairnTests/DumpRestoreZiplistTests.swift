import Testing
@testable import Cairn

/// RESTORE of the pre-7.0 ziplist forms (RDB_TYPE_LIST_ZIPLIST,
/// _ZSET_ZIPLIST, _HASH_ZIPLIST, _LIST_QUICKLIST), which redis-server 7.0
/// still loads but no longer writes: the ziplists are built here byte by byte.
@Suite struct DumpRestoreZiplistTests {
    static func sealed(_ body: Bytes) -> Bytes { DumpRestoreErrorTests.sealed(body) }
    static let restore = DumpRestoreTests.restore

    /// A ziplist of entries given as encoding + data; the previous-entry
    /// sizes, tail offset, count and total are filled in.
    static func ziplist(_ entries: [Bytes], count: Int? = nil) -> Bytes {
        var body: Bytes = []
        var previous = 0, tail = 10
        for entry in entries {
            tail = 10 + body.count
            let prefix: Bytes = previous < 254 ? [UInt8(previous)]
                : [0xFE] + (0..<4).map { UInt8(truncatingIfNeeded: previous >> (8 * $0)) }
            body += prefix + entry
            previous = prefix.count + entry.count
        }
        let total = 10 + body.count + 1
        let le = { (value: Int, width: Int) in (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        return le(total, 4) + le(tail, 4) + le(count ?? entries.count, 2) + body + [0xFF]
    }

    static func text(_ string: String) -> Bytes {
        let bytes = Bytes(string.utf8)
        if bytes.count < 64 { return [UInt8(bytes.count)] + bytes }
        return [0x40 | UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
    }

    /// An RDB string of `blob` (6- or 14-bit length).
    static func rdbString(_ blob: Bytes) -> Bytes {
        blob.count < 64 ? [UInt8(blob.count)] + blob : [0x40 | UInt8(blob.count >> 8), UInt8(blob.count & 0xFF)] + blob
    }

    static let longText = String(repeating: "L", count: 300)
    static let listEntries: [Bytes] = [
        text("a"), text(longText), [0xF8],  // 7 in place (after a previous size of 303: 0xFE form)
        [0xC0, 0xD4, 0xFE],  // -300
        [0xF0, 0x70, 0x11, 0x01],  // 70000 (int24)
        [0xD0, 0x00, 0xCA, 0x9A, 0x3B],  // 1000000000 (int32)
        [0xE0, 0x00, 0xF2, 0x05, 0x2A, 0x01, 0x00, 0x00, 0x00],  // 5000000000 (int64)
        [0xFE, 0xFB],  // -5 (int8)
    ]
    static let listTexts = ["a", longText, "7", "-300", "70000", "1000000000", "5000000000", "-5"]

    @Test func listsFromZiplists() {
        let t = TestEngine()
        let blob = Self.ziplist(Self.listEntries)
        #expect(Self.restore(t, "a", "0", Self.sealed([10] + Self.rdbString(blob))) == .ok)
        #expect(t.run("LRANGE", "a", "0", "-1") == .texts(Self.listTexts))
        let second = Self.ziplist([Self.text("tail")])
        #expect(Self.restore(t, "b", "0", Self.sealed([14, 3] + Self.rdbString(blob) + Self.rdbString(Self.ziplist([])) + Self.rdbString(second))) == .ok)
        #expect(t.run("LRANGE", "b", "0", "-1") == .texts(Self.listTexts + ["tail"]))
        t.expectReplayMatches()
    }

    @Test func hashesAndSortedSetsFromZiplists() {
        let t = TestEngine()
        let hash = Self.ziplist([Self.text("f1"), Self.text("v1"), Self.text("n"), [0xFE, 42]])
        #expect(Self.restore(t, "h", "0", Self.sealed([13] + Self.rdbString(hash))) == .ok)
        #expect(t.run("HGETALL", "h") == .map(["f1", "v1", "n", "42"].map { .text($0) }))
        #expect(t.run("OBJECT", "ENCODING", "h") == .text("listpack"))
        let zset = Self.ziplist([Self.text("b"), Self.text("1.5"), Self.text("a"), [0xF3]])
        #expect(Self.restore(t, "z", "0", Self.sealed([12] + Self.rdbString(zset))) == .ok)
        #expect(t.run("ZRANGE", "z", "0", "-1", "WITHSCORES") == .array([.text("b"), .double(1.5), .text("a"), .double(2)]))
        t.expectReplayMatches()
    }

    @Test func malformedZiplistsAreRejected() {
        let t = TestEngine()
        let bad = Reply.err("ERR Bad data format")
        var wrongPrevious = Self.ziplist([Self.text("a"), Self.text("b")])
        wrongPrevious[10 + 3] = 5  // the second entry's previous size
        let cases: [Bytes] = [
            [10] + Self.rdbString(Self.ziplist([])),  // empty list
            [10] + Self.rdbString(Self.ziplist([Self.text("a")], count: 2)),  // count lies
            [10] + Self.rdbString(wrongPrevious),
            [10] + Self.rdbString(Array(Self.ziplist([Self.text("a")]).dropLast()) + [0xFE]),  // no terminator
            [10] + Self.rdbString(Self.ziplist([[0xC1, 0, 0]])),  // invalid integer encoding
            [10] + Self.rdbString(Self.ziplist([[0x05, 0x61]])),  // string past the end
            [13] + Self.rdbString(Self.ziplist([Self.text("f"), Self.text("1"), Self.text("f"), Self.text("2")])),  // duplicate field
            [13] + Self.rdbString(Self.ziplist([Self.text("f")])),  // odd
            [12] + Self.rdbString(Self.ziplist([Self.text("m"), Self.text("x")])),  // score not a number
            [14, 1] + Self.rdbString(Self.ziplist([])),  // a quicklist of empty nodes
        ]
        for body in cases {
            #expect(Self.restore(t, "k", "0", Self.sealed(body)) == bad, "\(body)")
        }
        let blob = Self.ziplist(Self.listEntries)
        for length in 0..<blob.count {
            let truncated = Array(blob.prefix(length))
            #expect(Self.restore(t, "k", "0", Self.sealed([10] + Self.rdbString(truncated))) == bad)
        }
        #expect(t.allEffects.isEmpty)
    }
}
