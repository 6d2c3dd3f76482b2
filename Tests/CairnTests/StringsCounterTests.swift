import Testing
@testable import Cairn

/// INCR DECR INCRBY DECRBY INCRBYFLOAT.
@Suite struct StringsCounterTests {
    @Test func incrAndDecr() {
        let t = TestEngine()
        #expect(t.run("INCR", "n") == .integer(1))
        #expect(t.lastEffects == [["INCR", "n"]])
        #expect(t.run("INCR", "n") == .integer(2))
        #expect(t.run("DECR", "n") == .integer(1))
        #expect(t.run("DECR", "m") == .integer(-1))
        #expect(t.lastEffects == [["DECR", "m"]])
        #expect(t.run("INCRBY", "n", "100") == .integer(101))
        #expect(t.lastEffects == [["INCRBY", "n", "100"]])
        #expect(t.run("INCRBY", "n", "-201") == .integer(-100))
        #expect(t.run("DECRBY", "n", "-50") == .integer(-50))
        #expect(t.run("DECRBY", "n", "50") == .integer(-100))
        #expect(t.lastEffects == [["DECRBY", "n", "50"]])
        #expect(t.run("GET", "n") == .text("-100"))
        #expect(t.encoding("n") == "int")
        #expect(t.run("INCR") == arityError("incr"))
        #expect(t.run("INCRBY", "n") == arityError("incrby"))
        #expect(t.run("DECRBY", "n", "1", "2") == arityError("decrby"))
        t.expectReplayMatches()
    }

    @Test func textValuesThatAreIntegersCount() {
        let t = TestEngine()
        t.run("SET", "n", "1")
        t.run("APPEND", "n", "0")  // "10", stored as text like Redis's raw encoding
        #expect(t.encoding("n") != "int")
        #expect(t.run("INCR", "n") == .integer(11))
        #expect(t.encoding("n") == "int")
        t.expectReplayMatches()
    }

    @Test func countersKeepTheTTL() {
        let t = TestEngine(now: 1_000_000)
        t.run("SET", "n", "5", "PX", "1000")
        #expect(t.run("INCR", "n") == .integer(6))
        #expect(t.run("DECRBY", "n", "2") == .integer(4))
        #expect(t.expireTime("n") == 1_001_000)
        t.clock.advance(milliseconds: 1001)
        #expect(t.run("INCR", "n") == .integer(1), "the expired value is gone")
        #expect(t.lastEffects == [["DEL", "n"], ["INCR", "n"]])
        #expect(t.expireTime("n") == nil)
        t.expectReplayMatches()
    }

    @Test func overflowAtTheInt64Edges() {
        let t = TestEngine()
        let overflow = Reply.err("ERR increment or decrement would overflow")
        t.run("SET", "n", "9223372036854775806")
        #expect(t.run("INCR", "n") == .integer(.max))
        #expect(t.run("INCR", "n") == overflow)
        #expect(t.run("INCRBY", "n", "1") == overflow)
        #expect(t.run("INCRBY", "n", "-9223372036854775808") == .integer(-1))
        t.run("SET", "n", "-9223372036854775807")
        #expect(t.run("DECR", "n") == .integer(.min))
        #expect(t.run("DECR", "n") == overflow)
        #expect(t.run("DECRBY", "n", "1") == overflow)
        #expect(t.run("INCRBY", "n", "9223372036854775807") == .integer(-1))
        #expect(t.run("DECRBY", "n", "-9223372036854775808") == .err("ERR decrement would overflow"))
        #expect(t.run("DECRBY", "new", "-9223372036854775808") == .err("ERR decrement would overflow"))
        #expect(t.run("DECRBY", "new", "9223372036854775807") == .integer(-.max))
        #expect(t.run("INCRBY", "x", "9223372036854775808") == notInteger)
        #expect(t.run("GET", "n") == .text("-1"))
        #expect(t.run("GET", "x") == .null)
        t.expectReplayMatches()
    }

    @Test func nonIntegersAreRefused() {
        let t = TestEngine()
        for text in ["abc", "1.5", " 1", "1 ", "+1", "01", "", "9223372036854775808"] {
            t.run("SET", "n", text)
            #expect(t.run("INCR", "n") == notInteger, "\(text)")
            #expect(t.run("DECRBY", "n", "1") == notInteger, "\(text)")
            #expect(t.run("GET", "n") == .text(text))
        }
        #expect(t.run("INCRBY", "n", "abc") == notInteger)
        #expect(t.run("INCRBY", "n", "1.0") == notInteger)
        #expect(t.run("DECRBY", "n", "") == notInteger)
        t.makeHash("h")
        #expect(t.run("INCR", "h") == wrongType)
        #expect(t.run("INCRBY", "h", "x") == notInteger, "the increment is parsed before the key is read")
        #expect(t.run("INCRBYFLOAT", "h", "1") == wrongType)
        t.removeHash("h")
        t.expectReplayMatches()
    }

    @Test func incrbyfloat() {
        let t = TestEngine()
        t.run("SET", "f", "10.50")
        #expect(t.run("INCRBYFLOAT", "f", "0.1") == .text("10.6"))
        #expect(t.lastEffects == [["SET", "f", "10.6", "KEEPTTL"]])
        #expect(t.run("INCRBYFLOAT", "f", "-5.0e3") == .text("-4989.39999999999999991"), "long double precision")
        t.run("SET", "e", "5.0e3")
        #expect(t.run("INCRBYFLOAT", "e", "2.0e2") == .text("5200"))
        #expect(t.run("INCRBYFLOAT", "e", "-5200") == .text("0"))
        #expect(t.encoding("e") == "embstr", "the result is text, not int encoded")
        #expect(t.run("INCRBYFLOAT", "new", "3") == .text("3"))
        #expect(t.lastEffects == [["SET", "new", "3", "KEEPTTL"]])
        t.run("SET", "i", "7")
        #expect(t.run("INCRBYFLOAT", "i", "0.5") == .text("7.5"))
        #expect(t.run("INCRBYFLOAT", "i", "-7.5") == .text("0"))
        t.expectReplayMatches()
    }

    @Test func incrbyfloatKeepsTheTTL() {
        let t = TestEngine(now: 1_000_000)
        t.run("SET", "f", "1", "EX", "10")
        #expect(t.run("INCRBYFLOAT", "f", "1.5") == .text("2.5"))
        #expect(t.expireTime("f") == 1_010_000)
        t.expectReplayMatches()
    }

    @Test func incrbyfloatErrors() {
        let t = TestEngine()
        let notFloat = Reply.err("ERR value is not a valid float")
        let nanOrInfinity = Reply.err("ERR increment would produce NaN or Infinity")
        #expect(t.run("INCRBYFLOAT", "x", "inf") == nanOrInfinity)
        #expect(t.run("INCRBYFLOAT", "x", "1e5000") == notFloat, "overflows long double when parsed")
        #expect(t.run("INCRBYFLOAT", "x", "abc") == notFloat)
        #expect(t.run("INCRBYFLOAT", "x", " 1") == notFloat)
        #expect(t.run("INCRBYFLOAT", "x", "1 ") == notFloat)
        #expect(t.run("INCRBYFLOAT", "x", "nan") == notFloat)
        t.run("SET", "s", "abc")
        #expect(t.run("INCRBYFLOAT", "s", "1") == notFloat)
        t.run("SET", "big", "1.7976931348623157e308")
        // 1e4932 is finite in long double; Redis prints all 4933 digits.
        guard case .bulk(let huge) = t.run("INCRBYFLOAT", "big", "1e4932") else {
            Issue.record("INCRBYFLOAT big 1e4932 did not reply a bulk")
            return
        }
        #expect(huge.count == 4933)
        #expect(huge.starts(with: Array("1000000000000000000006018949387963891323".utf8)))
        #expect(t.run("INCRBYFLOAT", "big", "1e4932") == nanOrInfinity)
        #expect(t.run("INCRBYFLOAT", "x") == arityError("incrbyfloat"))
        #expect(t.run("GET", "x") == .null)
        t.expectReplayMatches()
    }
}
