import Testing
@testable import Cairn

/// ZPOPMIN, ZPOPMAX, ZMPOP (`genericZpopCommand`), ZRANDMEMBER
/// (`zrandmemberWithCountCommand`) and ZSCAN.
@Suite struct SortedSetPopTests {
    func engine() -> TestEngine {
        let t = TestEngine()
        t.run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
        return t
    }

    @Test func popMinAndMax() {
        let t = engine()
        #expect(t.run("ZPOPMIN", "z") == scored([("a", 1)]))
        #expect(t.lastEffects == [["ZREM", "z", "a"]])
        #expect(t.run("ZPOPMAX", "z", "2") == scored([("d", 4), ("c", 3)]))
        #expect(t.lastEffects == [["ZREM", "z", "d", "c"]])
        #expect(t.run("ZPOPMIN", "z", "0") == .array([]))
        #expect(t.lastEffects == [])
        #expect(t.run("ZPOPMIN", "z", "10") == scored([("b", 2)]))
        #expect(t.run("EXISTS", "z") == .integer(0))
        #expect(t.run("ZPOPMIN", "z") == .array([]))
        let positive = Reply.err("ERR value is out of range, must be positive")
        #expect(t.run("ZPOPMIN", "z", "-1") == positive)
        #expect(t.run("ZPOPMIN", "z", "x") == positive)
        #expect(t.run("ZPOPMIN", "z", "1", "2") == syntaxError)
        t.run("SET", "s", "v")
        #expect(t.run("ZPOPMAX", "s") == wrongType)
        t.expectReplayMatches()
    }

    @Test func popShapesInResp3() {
        let t = engine()
        t.session.protocolVersion = 3
        // A single pop stays flat; a counted one nests pairs.
        #expect(t.run("ZPOPMIN", "z") == scored([("a", 1)]))
        #expect(t.run("ZPOPMIN", "z", "1") == scoredPairs([("b", 2)]))
        #expect(t.run("ZMPOP", "1", "z", "MAX") == .array([.text("z"), scoredPairs([("d", 4)])]))
        t.expectReplayMatches()
    }

    @Test func multiPopTakesTheFirstNonEmptyKey() {
        let t = engine()
        t.run("ZADD", "y", "5", "e")
        #expect(t.run("ZMPOP", "3", "none", "y", "z", "MIN", "COUNT", "5") == .array([.text("y"), scoredPairs([("e", 5)])]))
        #expect(t.lastEffects == [["ZREM", "y", "e"]])
        #expect(t.run("EXISTS", "y") == .integer(0))
        #expect(t.run("ZMPOP", "2", "y", "z", "max", "COUNT", "2") == .array([.text("z"), scoredPairs([("d", 4), ("c", 3)])]))
        #expect(t.run("ZMPOP", "1", "none", "MIN") == .nullArray)
        #expect(t.run("ZMPOP", "0", "z", "MIN") == .err("ERR numkeys should be greater than 0"))
        #expect(t.run("ZMPOP", "x", "z", "MIN") == .err("ERR numkeys should be greater than 0"))
        #expect(t.run("ZMPOP", "1", "z", "MIN", "COUNT", "0") == .err("ERR count should be greater than 0"))
        #expect(t.run("ZMPOP", "2", "z", "MIN") == syntaxError)
        #expect(t.run("ZMPOP", "1", "z", "LEFT") == syntaxError)
        #expect(t.run("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1") == syntaxError)
        #expect(t.run("ZMPOP", "1", "z") == arityError("zmpop"))
        t.run("SET", "s", "v")
        // The first existing key decides: a string there is WRONGTYPE.
        #expect(t.run("ZMPOP", "2", "s", "z", "MIN") == wrongType)
        #expect(t.run("ZMPOP", "2", "z", "s", "MIN") == .array([.text("z"), scoredPairs([("a", 1)])]))
        t.expectReplayMatches()
    }

    @Test func randomMemberArgumentsAndShapes() {
        let t = engine()
        guard case .bulk(let one) = t.run("ZRANDMEMBER", "z") else { Issue.record("not a bulk"); return }
        #expect(["a", "b", "c", "d"].map { Array($0.utf8) }.contains(one))
        #expect(t.run("ZRANDMEMBER", "none") == .null)
        #expect(t.run("ZRANDMEMBER", "none", "3") == .array([]))
        #expect(t.run("ZRANDMEMBER", "z", "0") == .array([]))
        // Asking for the whole set returns it highest first (zuiNext walks from the tail).
        #expect(t.run("ZRANDMEMBER", "z", "10", "WITHSCORES") == scored([("d", 4), ("c", 3), ("b", 2), ("a", 1)]))
        guard case .array(let draws) = t.run("ZRANDMEMBER", "z", "-10", "WITHSCORES") else { Issue.record("not an array"); return }
        #expect(draws.count == 20)
        guard case .array(let distinct) = t.run("ZRANDMEMBER", "z", "3") else { Issue.record("not an array"); return }
        #expect(Set(distinct.compactMap(\.bytesValue)).count == 3)
        t.session.protocolVersion = 3
        guard case .array(let pairs) = t.run("ZRANDMEMBER", "z", "-2", "WITHSCORES") else { Issue.record("not an array"); return }
        #expect(pairs.count == 2)
        #expect(pairs.allSatisfy { if case .array(let pair) = $0 { return pair.count == 2 } else { return false } })
        #expect(t.run("ZRANDMEMBER", "z", "5", "x") == syntaxError)
        #expect(t.run("ZRANDMEMBER", "z", "x") == notInteger)
        #expect(t.run("ZRANDMEMBER", "z", "-9223372036854775808") == .err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"))
        #expect(t.run("ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES") == .err("ERR value is out of range"))
        t.run("SET", "s", "v")
        #expect(t.run("ZRANDMEMBER", "s", "1") == wrongType)
        #expect(t.lastEffects == [])
    }

    /// Draws with repetition are uniform: 40,000 draws over 8 members
    /// (compact) and over 200 (skiplist) with a fixed seed; the chi-square
    /// statistic stays far below the 99.99th percentile bound, so this
    /// cannot flake (the seed fixes the draws).
    @Test(arguments: [8, 200])
    func randomDrawsAreRoughlyUniform(members: Int) {
        let t = TestEngine(seed: 42)
        for index in 0..<members { t.run("ZADD", "z", String(index), "m\(index)") }
        let draws = 40_000
        guard case .array(let replies) = t.run("ZRANDMEMBER", "z", String(-draws)) else { Issue.record("not an array"); return }
        var counts: [Bytes: Int] = [:]
        for reply in replies { counts[reply.bytesValue!, default: 0] += 1 }
        #expect(counts.count == members)
        let expected = Double(draws) / Double(members)
        let chiSquare = counts.values.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        // 99.99th percentile of chi-square with k-1 degrees of freedom, roughly k-1 + 4.5 * sqrt(2(k-1)).
        let bound = Double(members - 1) + 4.5 * (2.0 * Double(members - 1)).squareRoot() + 10
        #expect(chiSquare < bound, "chi-square \(chiSquare) over \(members) members")
    }

    @Test func scanReturnsEveryMemberWithItsScore() {
        let t = engine()
        #expect(t.run("ZSCAN", "z", "0") == .array([.text("0"), .texts(["a", "1", "b", "2", "c", "3", "d", "4"])]))
        #expect(t.run("ZSCAN", "z", "0", "MATCH", "[bc]") == .array([.text("0"), .texts(["b", "2", "c", "3"])]))
        #expect(t.run("ZSCAN", "none", "0") == .array([.text("0"), .array([])]))
        #expect(t.run("ZSCAN", "z", "x") == .err("ERR invalid cursor"))
        #expect(t.run("ZSCAN", "z", "0", "COUNT", "0") == syntaxError)
        let big = TestEngine()
        for index in 0..<300 { big.run("ZADD", "z", "\(index).5", "m\(index)") }
        var cursor = "0"
        var seen: [String: String] = [:]
        repeat {
            guard case .array(let page) = big.run("ZSCAN", "z", cursor, "COUNT", "50"),
                  case .bulk(let next) = page[0], case .array(let items) = page[1] else { Issue.record("bad page"); return }
            cursor = String(decoding: next, as: UTF8.self)
            for pair in stride(from: 0, to: items.count, by: 2) {
                seen[String(decoding: items[pair].bytesValue!, as: UTF8.self)] = String(decoding: items[pair + 1].bytesValue!, as: UTF8.self)
            }
        } while cursor != "0"
        #expect(seen.count == 300)
        #expect(seen["m7"] == "7.5")
    }
}
