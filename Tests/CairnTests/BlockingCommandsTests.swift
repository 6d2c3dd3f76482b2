import Testing
@testable import Cairn

/// The engine side of the blocking pops: the non-blocking answer and effect
/// when a key has data, a `BlockRequest` when none has, never blocking in
/// EXEC, and Redis's argument errors.
@Suite struct BlockingCommandsTests {
    private func execute(_ t: TestEngine, _ arguments: String...) -> Execution {
        t.engine.execute(arguments.map { Array($0.utf8) }, session: &t.session)
    }

    @Test func popsLikeTheNonBlockingForms() {
        let t = TestEngine()
        t.run("RPUSH", "b", "1", "2", "3")
        #expect(t.run("BLPOP", "a", "b", "0") == .array([.text("b"), .text("1")]))
        #expect(t.lastEffects == [["LPOP", "b", "1"]])
        #expect(t.run("BRPOP", "b", "0") == .array([.text("b"), .text("3")]))
        #expect(t.lastEffects == [["RPOP", "b", "1"]])
        #expect(t.run("BLMOVE", "b", "d", "LEFT", "RIGHT", "0") == .text("2"))
        #expect(t.lastEffects == [["LMOVE", "b", "d", "LEFT", "RIGHT"]])
        #expect(t.run("BRPOPLPUSH", "d", "e", "0") == .text("2"))
        #expect(t.lastEffects == [["LMOVE", "d", "e", "RIGHT", "LEFT"]])
        t.run("RPUSH", "l", "x", "y", "z")
        #expect(t.run("BLMPOP", "0", "2", "nokey", "l", "RIGHT", "COUNT", "2")
            == .array([.text("l"), .texts(["z", "y"])]))
        #expect(t.lastEffects == [["RPOP", "l", "2"]])
        t.run("ZADD", "z", "1", "a", "2", "b", "3", "c")
        #expect(t.run("BZPOPMIN", "z", "0") == .array([.text("z"), .text("a"), .double(1)]))
        #expect(t.lastEffects == [["ZREM", "z", "a"]])
        #expect(t.run("BZPOPMAX", "z", "0") == .array([.text("z"), .text("c"), .double(3)]))
        #expect(t.run("BZMPOP", "0", "1", "z", "MIN", "COUNT", "5")
            == .array([.text("z"), .array([.array([.text("b"), .double(2)])])]))
        t.expectReplayMatches()
    }

    @Test func emptyKeysAskToBlock() {
        let t = TestEngine()
        let execution = execute(t, "BLPOP", "a", "b", "a", "1.5")
        #expect(execution.effects.isEmpty)
        let request = execution.block
        #expect(request?.keys == [Array("a".utf8), Array("b".utf8)])
        #expect(request.map { $0.deadline - 1_700_000_000_000 } == 1500)
        #expect(request?.wantsList == true)
        #expect(request?.retryArguments(servingKey: Array("b".utf8)).map { String(decoding: $0, as: UTF8.self) }
            == ["BLPOP", "b", "1.5"])
        let forever = execute(t, "BZMPOP", "0", "2", "x", "y", "MAX", "COUNT", "3").block
        #expect(forever?.deadline == 0)
        #expect(forever?.wantsList == false)
        #expect(forever?.retryArguments(servingKey: Array("y".utf8)).map { String(decoding: $0, as: UTF8.self) }
            == ["BZMPOP", "0", "1", "y", "MAX", "COUNT", "3"])
        #expect(execute(t, "BLMOVE", "s", "d", "LEFT", "LEFT", "0.0001").block.map { $0.deadline - 1_700_000_000_000 } == 1)
        // A key of another type: WRONGTYPE, no block.
        t.run("SET", "str", "v")
        let wrong = execute(t, "BLPOP", "str", "0")
        #expect(wrong.reply == wrongType && wrong.block == nil)
        #expect(t.engine.canServe(request!, key: Array("a".utf8)) == false)
        t.run("RPUSH", "a", "x")
        #expect(t.engine.canServe(request!, key: Array("a".utf8)))
        #expect(t.engine.canServe(forever!, key: Array("a".utf8)) == false)
    }

    @Test func transactionsNeverBlock() {
        let t = TestEngine()
        let commands = [["BLPOP", "a", "0"], ["BLMOVE", "a", "b", "LEFT", "LEFT", "0"], ["BZPOPMIN", "z", "0"],
                        ["BRPOPLPUSH", "a", "b", "0"], ["BLMPOP", "0", "1", "a", "LEFT"], ["BZMPOP", "0", "1", "z", "MIN"]]
        let execution = t.engine.executeTransaction(commands.map { $0.map { Array($0.utf8) } }, session: &t.session)
        #expect(execution.reply == .array([.nullArray, .null, .nullArray, .null, .nullArray, .nullArray]))
        #expect(execution.block == nil)
    }

    @Test func argumentErrors() {
        let t = TestEngine()
        #expect(t.run("BLPOP", "a", "-1") == .err("ERR timeout is negative"))
        #expect(t.run("BLPOP", "a", "abc") == .err("ERR timeout is not a float or out of range"))
        // redis-server 7.0.15: a timeout whose milliseconds pass LLONG_MAX
        // converts to LLONG_MIN, so inf and 1e20 are "negative"; nan and a
        // leading space are not floats.
        for timeout in ["inf", "-inf", "+inf", "1e20", "1e16", "9223372036854775807", "1e400"] {
            #expect(t.run("BLPOP", "a", timeout) == .err("ERR timeout is negative"), "BLPOP a \(timeout)")
        }
        #expect(t.run("BZPOPMIN", "a", "inf") == .err("ERR timeout is negative"))
        #expect(t.run("BLMPOP", "1e20", "1", "a", "LEFT") == .err("ERR timeout is negative"))
        #expect(t.run("BLPOP", "a", "nan") == .err("ERR timeout is not a float or out of range"))
        #expect(t.run("BLPOP", "a", " 1") == .err("ERR timeout is not a float or out of range"))
        // 1e15 s is 1e18 ms, still a long long: Redis blocks (for ever, in practice).
        #expect(execute(t, "BLPOP", "a", "1e15").block != nil)
        #expect(t.run("BLMPOP", "abc", "1", "q", "LEFT") == .err("ERR timeout is not a float or out of range"))
        #expect(t.run("BLMPOP", "0", "1", "q", "UP") == syntaxError)
        #expect(t.run("BLMPOP", "0", "0", "q", "LEFT") == .err("ERR numkeys should be greater than 0"))
        #expect(t.run("BZMPOP", "0", "1", "q", "MIN", "COUNT", "0") == .err("ERR count should be greater than 0"))
        #expect(t.run("BLMOVE", "a", "b", "UP", "LEFT", "x") == syntaxError)
        #expect(t.run("BLMOVE", "a", "b", "LEFT", "LEFT", "x") == .err("ERR timeout is not a float or out of range"))
        #expect(t.run("BLPOP", "a") == arityError("blpop"))
    }
}
