import Testing
@testable import Cairn

/// LCS and its reply shapes, as Redis 7.0.15 gives them.
@Suite struct StringsLCSTests {
    private func range(_ a: Int64, _ b: Int64) -> Reply { .array([.integer(a), .integer(b)]) }

    private func idx(_ matches: [Reply], length: Int64) -> Reply {
        .map([.text("matches"), .array(matches), .text("len"), .integer(length)])
    }

    @Test func stringAndLength() {
        let t = TestEngine()
        t.run("MSET", "key1", "ohmytext", "key2", "mynewtext")
        #expect(t.run("LCS", "key1", "key2") == .text("mytext"))
        #expect(t.run("lcs", "key1", "key2", "LEN") == .integer(6))
        #expect(t.run("LCS", "key1", "missing") == .text(""))
        #expect(t.run("LCS", "key1", "missing", "len") == .integer(0))
        #expect(t.run("LCS", "missing", "missing") == .text(""))
        t.run("MSET", "a", "AAAA", "b", "AA")
        #expect(t.run("LCS", "a", "b") == .text("AA"))
        t.run("SET", "n1", "12345")
        t.run("SET", "n2", "-2468")
        #expect(t.run("LCS", "n1", "n2") == .text("24"), "int-encoded values compare as their digits")
        #expect(t.lastEffects == [])
    }

    @Test func indexes() {
        let t = TestEngine()
        t.run("MSET", "key1", "ohmytext", "key2", "mynewtext")
        #expect(t.run("LCS", "key1", "key2", "IDX") == idx([
            .array([range(4, 7), range(5, 8)]),
            .array([range(2, 3), range(0, 1)]),
        ], length: 6))
        #expect(t.run("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN") == idx([
            .array([range(4, 7), range(5, 8), .integer(4)]),
        ], length: 6))
        #expect(t.run("LCS", "key1", "key2", "idx", "withmatchlen") == idx([
            .array([range(4, 7), range(5, 8), .integer(4)]),
            .array([range(2, 3), range(0, 1), .integer(2)]),
        ], length: 6))
        #expect(t.run("LCS", "key1", "key2", "MINMATCHLEN", "-5", "IDX") == t.run("LCS", "key1", "key2", "IDX"),
                "a negative minimum is 0")
        t.run("MSET", "a", "abcdef", "b", "xbcyef")
        #expect(t.run("LCS", "a", "b", "IDX", "MINMATCHLEN", "2") == idx([
            .array([range(4, 5), range(4, 5)]),
            .array([range(1, 2), range(1, 2)]),
        ], length: 4))
        t.run("MSET", "a", "AAAA", "b", "AA")
        #expect(t.run("LCS", "a", "b", "IDX") == idx([.array([range(2, 3), range(0, 1)])], length: 2))
        #expect(t.run("LCS", "a", "missing", "IDX") == idx([], length: 0))
    }

    @Test func binaryStrings() {
        let t = TestEngine()
        t.run([Bytes("SET".utf8), Bytes("a".utf8), [0, 1, 0x0D, 0x0A, 2]])
        t.run([Bytes("SET".utf8), Bytes("b".utf8), [1, 0x0D, 9, 0x0A, 0]])
        #expect(t.run("LCS", "a", "b") == .bulk([1, 0x0D, 0x0A]))
    }

    @Test func errors() {
        let t = TestEngine()
        t.run("MSET", "key1", "ohmytext", "key2", "mynewtext")
        #expect(t.run("LCS", "key1", "key2", "LEN", "IDX") == .err("ERR If you want both the length and indexes, please just use IDX."))
        #expect(t.run("LCS", "key1", "key2", "MINMATCHLEN") == syntaxError)
        #expect(t.run("LCS", "key1", "key2", "MINMATCHLEN", "x") == notInteger)
        #expect(t.run("LCS", "key1", "key2", "foo") == syntaxError)
        t.makeHash("h")
        let notStrings = Reply.err("ERR The specified keys must contain string values")
        #expect(t.run("LCS", "h", "key1", "foo") == notStrings, "types are checked before options")
        #expect(t.run("LCS", "key1", "h") == notStrings)
        #expect(t.run("LCS", "key1") == arityError("lcs"))
    }

    /// The DP table needs (len(a)+1) * (len(b)+1) * 4 bytes; Redis refuses
    /// more than proto-max-bulk-len before allocating.
    @Test func tableLargerThanTheBulkLimitIsRefused() {
        let t = TestEngine()
        t.run("SET", "a", String(repeating: "a", count: 12_000))
        t.run("SET", "b", String(repeating: "b", count: 12_000))
        #expect(t.run("LCS", "a", "b") == .err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"))
    }
}
