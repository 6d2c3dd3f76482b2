import Testing
@testable import Cairn

/// SPOP and SRANDMEMBER: argument errors as Redis 7.0.15, deterministic
/// effects, and uniform picks from the seeded source.
@Suite struct SetsRandomTests {
    let members = SetTestSupport.members

    @Test func spopWithoutCountLogsSrem() {
        let t = TestEngine()
        t.run("SADD", "s", "a", "b", "c")
        guard case .bulk(let popped) = t.run("SPOP", "s") else { Issue.record("no member"); return }
        let text = String(decoding: popped, as: UTF8.self)
        #expect(t.lastEffects == [["SREM", "s", text]])
        #expect(t.run("SISMEMBER", "s", text) == .integer(0))
        t.run("SPOP", "s")
        t.run("SPOP", "s")
        #expect(t.run("EXISTS", "s") == .integer(0), "emptied: deleted")
        #expect(t.run("SPOP", "s") == .null)
        #expect(t.run("SPOP", "s", "1", "2") == syntaxError)
        t.expectReplayMatches()
    }

    @Test func spopCountArguments() {
        let t = TestEngine()
        t.run("SADD", "s", "a")
        let positive = Reply.err("ERR value is out of range, must be positive")
        #expect(t.run("SPOP", "s", "-1") == positive)
        #expect(t.run("SPOP", "s", "x") == positive, "getPositiveLongFromObjectOrReply's message for any bad count")
        #expect(t.run("SPOP", "nokey", "-1") == positive, "checked before the key")
        #expect(t.run("SPOP", "nokey", "3") == .set([]))
        #expect(t.run("SPOP", "s", "0") == .set([]))
        #expect(t.lastEffects == [])
        t.run("SET", "str", "v")
        #expect(t.run("SPOP", "str", "0") == wrongType)
    }

    @Test func spopCountTakesDistinctMembersAndLogsOneSrem() {
        let t = TestEngine()
        SetTestSupport.add(t, "s", (0..<100).map { "m\($0)" })
        let reply = t.run("SPOP", "s", "10")
        let taken = members(reply)
        #expect(Set(taken).count == 10)
        #expect(t.lastEffects.count == 1 && t.lastEffects[0].prefix(2) == ["SREM", "s"])
        #expect(Set(t.lastEffects[0].dropFirst(2)) == Set(taken))
        #expect(t.run("SCARD", "s") == .integer(90))
        // "CASE 3": most of the set taken; the rest is rebuilt.
        let most = members(t.run("SPOP", "s", "85"))
        #expect(most.count == 85 && Set(most).isDisjoint(with: taken))
        #expect(t.run("SCARD", "s") == .integer(5))
        t.expectReplayMatches()
    }

    @Test func spopCountOfEverythingLogsDel() {
        let t = TestEngine()
        t.run("SADD", "s", "1", "2", "3")
        #expect(members(t.run("SPOP", "s", "9223372036854775807")) == ["1", "2", "3"])
        #expect(t.lastEffects == [["DEL", "s"]])
        #expect(t.run("EXISTS", "s") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func spopCase3TurnsIntegerTableBackIntoIntset() {
        let t = TestEngine()
        SetTestSupport.add(t, "s", (0..<600).map(String.init))
        #expect(SetTestSupport.encoding(t, "s") == .text("hashtable"))
        _ = t.run("SPOP", "s", "590")
        #expect(SetTestSupport.encoding(t, "s") == .text("intset"), "rebuilt by setTypeCreate + setTypeAdd, as Redis")
        #expect(t.run("SCARD", "s") == .integer(10))
        t.expectReplayMatches()
    }

    @Test func srandmemberArgumentsAndShapes() {
        let t = TestEngine()
        t.run("SADD", "s", "a", "b", "c")
        #expect(t.run("SRANDMEMBER", "nokey") == .null)
        #expect(t.run("SRANDMEMBER", "nokey", "5") == .array([]))
        #expect(t.run("SRANDMEMBER", "s", "0") == .array([]))
        #expect(t.run("SRANDMEMBER", "s", "1", "2") == syntaxError)
        #expect(t.run("SRANDMEMBER", "s", "x") == notInteger)
        #expect(t.run("SRANDMEMBER", "s", "-9223372036854775808")
                == .err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"))
        #expect(members(t.run("SRANDMEMBER", "s", "3")) == ["a", "b", "c"])
        #expect(members(t.run("SRANDMEMBER", "s", "9223372036854775807")) == ["a", "b", "c"])
        #expect(members(t.run("SRANDMEMBER", "s", "2")).count == 2)
        #expect(Set(members(t.run("SRANDMEMBER", "s", "2"))).count == 2, "positive counts are distinct")
        #expect(members(t.run("SRANDMEMBER", "s", "-10")).count == 10, "negative counts repeat")
        #expect(t.run("SRANDMEMBER", "s", "-9223372036854775807") == .err("ERR value is out of range"),
                "Cairn bounds the reply it builds (see SetRandom.randomMembers)")
        #expect(t.lastEffects == [])
    }

    /// Each of 10 members drawn 20,000 times by `SRANDMEMBER s -20000`:
    /// chi-square with 9 degrees of freedom stays under 50 (p < 1e-6 by
    /// chance) for a uniform source; the seed is fixed, so it cannot flake.
    @Test(arguments: ["int", "str"])
    func srandmemberIsUniform(kind: String) {
        let t = TestEngine(seed: 7)
        let all = (0..<10).map { kind == "int" ? String($0) : "m\($0)" }
        SetTestSupport.add(t, "s", all)
        var counts: [String: Int] = [:]
        for member in members(t.run("SRANDMEMBER", "s", "-20000")) { counts[member, default: 0] += 1 }
        #expect(counts.count == 10)
        let expected = 2000.0
        let chi = counts.values.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chi < 50, "chi-square \(chi)")
        // Distinct samples: each member as likely to be in a 3-member pick.
        var picked: [String: Int] = [:]
        for _ in 0..<3000 {
            for member in members(t.run("SRANDMEMBER", "s", "3")) { picked[member, default: 0] += 1 }
        }
        let chiPicked = picked.values.reduce(0.0) { $0 + (Double($1) - 900) * (Double($1) - 900) / 900 }
        #expect(chiPicked < 50, "chi-square \(chiPicked)")
    }
}
