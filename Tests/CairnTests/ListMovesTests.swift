import Testing
@testable import Cairn

/// LMOVE, RPOPLPUSH and LMPOP against Redis 7.0.15, and their effects.
@Suite struct ListMovesTests {
    @Test func moveBetweenLists() {
        let t = TestEngine()
        #expect(t.run("LMOVE", "src", "dst", "LEFT", "RIGHT") == .null)
        #expect(t.lastEffects == [])
        t.run("RPUSH", "src", "a", "b", "c")
        #expect(t.run("LMOVE", "src", "dst", "LEFT", "RIGHT") == .text("a"))
        #expect(t.lastEffects == [["LMOVE", "src", "dst", "LEFT", "RIGHT"]])
        #expect(t.run("LMOVE", "src", "dst", "right", "left") == .text("c"))
        #expect(t.run("LRANGE", "dst", "0", "-1") == .texts(["c", "a"]))
        #expect(t.run("RPOPLPUSH", "src", "dst") == .text("b"))
        #expect(t.lastEffects == [["LMOVE", "src", "dst", "RIGHT", "LEFT"]])
        #expect(t.run("EXISTS", "src") == .integer(0), "an emptied source is deleted")
        #expect(t.run("LRANGE", "dst", "0", "-1") == .texts(["b", "c", "a"]))
        t.expectReplayMatches()
    }

    @Test func moveRotatesTheSameList() {
        let t = TestEngine()
        t.run("RPUSH", "l", "a", "b", "c")
        #expect(t.run("RPOPLPUSH", "l", "l") == .text("c"))
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["c", "a", "b"]))
        #expect(t.run("LMOVE", "l", "l", "LEFT", "RIGHT") == .text("c"))
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["a", "b", "c"]))
        t.run("RPUSH", "one", "x")
        #expect(t.run("LMOVE", "one", "one", "LEFT", "LEFT") == .text("x"))
        #expect(t.run("LRANGE", "one", "0", "-1") == .texts(["x"]), "a one-element rotation keeps the key")
        t.expectReplayMatches()
    }

    @Test func moveErrors() {
        let t = TestEngine()
        t.run("SET", "s", "v")
        t.run("RPUSH", "l", "a")
        #expect(t.run("LMOVE", "l", "s", "UP", "LEFT") == syntaxError)
        #expect(t.run("LMOVE", "l", "s", "LEFT", "DOWN") == syntaxError)
        #expect(t.run("LMOVE", "missing", "s", "LEFT", "LEFT") == .null, "a missing source wins over a wrong destination")
        #expect(t.run("LMOVE", "l", "s", "LEFT", "LEFT") == wrongType)
        #expect(t.run("RPOPLPUSH", "s", "l") == wrongType)
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["a"]), "nothing popped when the destination is wrong")
    }

    @Test func multiPopFromTheFirstNonEmptyList() {
        let t = TestEngine()
        #expect(t.run("LMPOP", "2", "a", "b", "LEFT") == .nullArray)
        t.run("RPUSH", "b", "1", "2", "3")
        #expect(t.run("LMPOP", "2", "a", "b", "LEFT") == .array([.text("b"), .texts(["1"])]))
        #expect(t.lastEffects == [["LPOP", "b", "1"]])
        #expect(t.run("LMPOP", "2", "a", "b", "right", "COUNT", "5") == .array([.text("b"), .texts(["3", "2"])]))
        #expect(t.lastEffects == [["RPOP", "b", "2"]])
        #expect(t.run("EXISTS", "b") == .integer(0))
        t.run("SET", "s", "v")
        t.run("RPUSH", "c", "x")
        #expect(t.run("LMPOP", "2", "s", "c", "LEFT") == wrongType)
        #expect(t.run("LMPOP", "2", "c", "s", "LEFT") == .array([.text("c"), .texts(["x"])]), "keys after the popped one are not checked")
        t.expectReplayMatches()
    }

    @Test func multiPopErrors() {
        let t = TestEngine()
        let numkeys = Reply.err("ERR numkeys should be greater than 0")
        let count = Reply.err("ERR count should be greater than 0")
        #expect(t.run("LMPOP", "0", "a", "LEFT") == numkeys)
        #expect(t.run("LMPOP", "-1", "a", "LEFT") == numkeys)
        #expect(t.run("LMPOP", "x", "a", "LEFT") == numkeys)
        #expect(t.run("LMPOP", "3", "a", "LEFT") == syntaxError)
        #expect(t.run("LMPOP", "9223372036854775807", "a", "LEFT") == syntaxError)
        #expect(t.run("LMPOP", "1", "a", "UP") == syntaxError)
        #expect(t.run("LMPOP", "1", "a", "LEFT", "COUNT", "0") == count)
        #expect(t.run("LMPOP", "1", "a", "LEFT", "COUNT", "x") == count)
        #expect(t.run("LMPOP", "1", "a", "LEFT", "COUNT") == syntaxError)
        #expect(t.run("LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1") == syntaxError)
        #expect(t.run("LMPOP", "1", "a", "LEFT", "BOGUS") == syntaxError)
        #expect(t.run("LMPOP", "1", "a") == arityError("lmpop"))
    }

    @Test func coresServeBlockingWrappers() throws {
        let t = TestEngine()
        t.run("RPUSH", "q", "a", "b")
        var context = CommandContext(engine: t.engine, keyspace: t.engine.keyspace, argv: [], database: 0, protocolVersion: 2, now: 0)
        let popped = try ListMoves.popFirstNonEmpty(context, keys: ["none", "q"], atHead: false, count: 1)
        #expect(popped?.key == "q")
        #expect(popped?.elements == ["b"])
        context.database = 0
        #expect(try ListMoves.move(context, source: "q", destination: "r", fromHead: true, toHead: true) == "a")
        #expect(try ListMoves.popFirstNonEmpty(context, keys: ["q"], atHead: true, count: 3) == nil)
        #expect(t.run("LRANGE", "r", "0", "-1") == .texts(["a"]))
    }
}
