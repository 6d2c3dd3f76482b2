import Testing
@testable import Cairn

/// The list commands against Redis 7.0.15's replies, errors and effects
/// (cross-checked with a real redis-server; see ListEditsTests.swift for
/// LINSERT/LREM/LTRIM/LPOS and ListMovesTests.swift for LMOVE/LMPOP).
@Suite struct ListsTests {
    @Test func pushesReturnTheLengthAndKeepOrder() {
        let t = TestEngine()
        #expect(t.run("RPUSH", "l", "a", "b") == .integer(2))
        #expect(t.lastEffects == [["RPUSH", "l", "a", "b"]])
        #expect(t.run("LPUSH", "l", "x", "y") == .integer(4))
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["y", "x", "a", "b"]))
        #expect(t.run("TYPE", "l") == .simple("list"))
        #expect(t.run("OBJECT", "ENCODING", "l") == .text("quicklist"))
        #expect(t.run("LLEN", "l") == .integer(4))
        #expect(t.run("LLEN", "missing") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func pushXOnlyWritesExistingLists() {
        let t = TestEngine()
        #expect(t.run("LPUSHX", "l", "a") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("RPUSHX", "l", "a") == .integer(0))
        #expect(t.run("EXISTS", "l") == .integer(0))
        t.run("RPUSH", "l", "a")
        #expect(t.run("RPUSHX", "l", "b", "c") == .integer(3))
        #expect(t.run("LPUSHX", "l", "z") == .integer(4))
        #expect(t.lastEffects == [["LPUSHX", "l", "z"]])
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["z", "a", "b", "c"]))
        t.expectReplayMatches()
    }

    @Test func wrongTypeAndArity() {
        let t = TestEngine()
        t.run("SET", "s", "v")
        for command in [["LPUSH", "s", "a"], ["RPUSHX", "s", "a"], ["LPOP", "s"], ["RPOP", "s", "2"], ["LLEN", "s"],
                        ["LRANGE", "s", "0", "1"], ["LINDEX", "s", "0"], ["LSET", "s", "0", "x"],
                        ["LINSERT", "s", "BEFORE", "a", "b"], ["LREM", "s", "0", "a"], ["LTRIM", "s", "0", "1"],
                        ["LPOS", "s", "a"], ["LMPOP", "1", "s", "LEFT"]] {
            #expect(t.run(command.map { Array($0.utf8) }) == wrongType, "\(command)")
        }
        #expect(t.run("LPUSH", "l") == arityError("lpush"))
        #expect(t.run("LPOP", "l", "1", "2") == arityError("lpop"))
        #expect(t.run("LRANGE", "l", "0") == arityError("lrange"))
        #expect(t.run("GET", "s") == .text("v"))
    }

    @Test func popWithoutCount() {
        let t = TestEngine()
        #expect(t.run("LPOP", "l") == .null)
        #expect(t.lastEffects == [])
        t.run("RPUSH", "l", "a", "b", "c")
        #expect(t.run("LPOP", "l") == .text("a"))
        #expect(t.lastEffects == [["LPOP", "l"]])
        #expect(t.run("RPOP", "l") == .text("c"))
        #expect(t.lastEffects == [["RPOP", "l"]])
        #expect(t.run("RPOP", "l") == .text("b"))
        #expect(t.run("EXISTS", "l") == .integer(0), "a popped-empty list is deleted")
        t.expectReplayMatches()
    }

    @Test func popWithCount() {
        let t = TestEngine()
        #expect(t.run("LPOP", "l", "2") == .nullArray, "RESP2 *-1, RESP3 _")
        #expect(t.run("LPOP", "l", "0") == .nullArray)
        t.run("RPUSH", "l", "a", "b", "c", "d")
        #expect(t.run("LPOP", "l", "0") == .array([]))
        #expect(t.lastEffects == [])
        #expect(t.run("LPOP", "l", "-1") == .err("ERR value is out of range, must be positive"))
        #expect(t.run("LPOP", "l", "x") == .err("ERR value is out of range, must be positive"))
        #expect(t.run("LPOP", "l", "2") == .texts(["a", "b"]))
        #expect(t.lastEffects == [["LPOP", "l", "2"]])
        #expect(t.run("RPUSH", "l", "e") == .integer(3))
        #expect(t.run("RPOP", "l", "10") == .texts(["e", "d", "c"]))
        #expect(t.lastEffects == [["RPOP", "l", "3"]], "the count logged is the number popped")
        #expect(t.run("EXISTS", "l") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func rangeIndexes() {
        let t = TestEngine()
        #expect(t.run("LRANGE", "missing", "0", "-1") == .array([]))
        #expect(t.run("LRANGE", "missing", "x", "1") == notInteger, "indexes are parsed before the lookup")
        t.run("RPUSH", "l", "a", "b", "c", "d", "e")
        #expect(t.run("LRANGE", "l", "1", "2") == .texts(["b", "c"]))
        #expect(t.run("LRANGE", "l", "-2", "-1") == .texts(["d", "e"]))
        #expect(t.run("LRANGE", "l", "-100", "1") == .texts(["a", "b"]))
        #expect(t.run("LRANGE", "l", "3", "100") == .texts(["d", "e"]))
        #expect(t.run("LRANGE", "l", "5", "10") == .array([]))
        #expect(t.run("LRANGE", "l", "3", "1") == .array([]))
        #expect(t.run("LRANGE", "l", "0", "-100") == .array([]))
        #expect(t.run("LRANGE", "l", "-9223372036854775808", "9223372036854775807") == .texts(["a", "b", "c", "d", "e"]))
        #expect(t.run("LRANGE", "l", "0", "1.5") == notInteger)
    }

    @Test func indexReads() {
        let t = TestEngine()
        #expect(t.run("LINDEX", "missing", "x") == .null, "a missing key replies before the index is parsed")
        t.run("RPUSH", "l", "a", "b", "c")
        #expect(t.run("LINDEX", "l", "0") == .text("a"))
        #expect(t.run("LINDEX", "l", "-1") == .text("c"))
        #expect(t.run("LINDEX", "l", "-3") == .text("a"))
        #expect(t.run("LINDEX", "l", "3") == .null)
        #expect(t.run("LINDEX", "l", "-4") == .null)
        #expect(t.run("LINDEX", "l", "x") == notInteger)
    }

    @Test func setByIndex() {
        let t = TestEngine()
        #expect(t.run("LSET", "missing", "x", "v") == .err("ERR no such key"), "the key is checked before the index")
        t.run("RPUSH", "l", "a", "b", "c")
        #expect(t.run("LSET", "l", "x", "v") == notInteger)
        #expect(t.run("LSET", "l", "3", "v") == .err("ERR index out of range"))
        #expect(t.run("LSET", "l", "-4", "v") == .err("ERR index out of range"))
        #expect(t.lastEffects == [])
        #expect(t.run("LSET", "l", "-1", "z") == .simple("OK"))
        #expect(t.lastEffects == [["LSET", "l", "-1", "z"]])
        #expect(t.run("LSET", "l", "0", String(repeating: "q", count: 9000)) == .simple("OK"))
        #expect(t.run("LINDEX", "l", "0") == .text(String(repeating: "q", count: 9000)))
        #expect(t.run("LRANGE", "l", "1", "-1") == .texts(["b", "z"]))
        t.expectReplayMatches()
    }

    @Test func binaryElementsRoundTrip() {
        let t = TestEngine()
        let elements: [Bytes] = [[0], [13, 10], [0, 13, 10, 255], [], Array(repeating: 0, count: 200)]
        #expect(t.run([Array("RPUSH".utf8), Array("b\0k".utf8)] + elements) == .integer(5))
        #expect(t.run([Array("LRANGE".utf8), Array("b\0k".utf8), Array("0".utf8), Array("-1".utf8)]) == .array(elements.map { .bulk($0) }))
        #expect(t.run([Array("LPOS".utf8), Array("b\0k".utf8), [13, 10]]) == .integer(1))
        #expect(t.run([Array("LREM".utf8), Array("b\0k".utf8), Array("0".utf8), []]) == .integer(1))
        #expect(t.run([Array("LINDEX".utf8), Array("b\0k".utf8), Array("3".utf8)]) == .bulk(Array(repeating: 0, count: 200)))
        t.expectReplayMatches()
    }

    @Test func keysCommandsWorkThroughValue() {
        let t = TestEngine()
        t.run("RPUSH", "l", "a", "b")
        #expect(t.run("COPY", "l", "c") == .integer(1))
        t.run("RPUSH", "c", "x")
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["a", "b"]), "a copy has its own elements")
        #expect(t.run("RENAME", "c", "d") == .simple("OK"))
        #expect(t.run("LRANGE", "d", "0", "-1") == .texts(["a", "b", "x"]))
        #expect(t.run("MOVE", "d", "1") == .integer(1))
        #expect(t.run("SCAN", "0", "TYPE", "list") == .array([.text("0"), .texts(["l"])]))
        t.run("SELECT", "1")
        #expect(t.run("LLEN", "d") == .integer(3))
        t.expectReplayMatches()
    }

    @Test func ttlSurvivesInPlaceWrites() {
        let t = TestEngine()
        t.run("RPUSH", "l", "a", "b")
        t.run("PEXPIRE", "l", "5000")
        t.run("RPUSH", "l", "c")
        t.run("LPOP", "l")
        #expect(t.run("PTTL", "l") == .integer(5000))
        t.clock.advance(milliseconds: 5001)
        #expect(t.run("LLEN", "l") == .integer(0))
        t.expectReplayMatches()
    }
}
