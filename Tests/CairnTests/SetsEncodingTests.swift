import Testing
@testable import Cairn

/// The intset and its conversion to a hash table (intset.c, `setTypeAdd`).
@Suite struct SetsEncodingTests {
    @Test func intsetWidthUpgrades() {
        var set = IntSet()
        #expect(set.width == 16)
        let added = [set.insert(5), set.insert(-32768), set.insert(32767)]
        #expect(added == [true, true, true])
        #expect(set.width == 16)
        let upgraded32 = set.insert(32768)
        #expect(upgraded32 && set.width == 32)
        let upgraded64 = set.insert(-2_147_483_649)
        #expect(upgraded64 && set.width == 64)
        let again = set.insert(5)
        #expect(!again, "already there")
        var values: [Int64] = []
        set.forEach { values.append($0) }
        #expect(values == [-2_147_483_649, -32768, 5, 32767, 32768])
        let removed = [set.remove(-2_147_483_649), set.remove(1 << 40)]
        #expect(removed == [true, false])
        #expect(set.width == 64, "never shrinks")
        #expect(set.contains(32768) && !set.contains(6))
        var wide = IntSet()
        wide.insert(.min)
        wide.insert(.max)
        wide.insert(0)
        #expect((0..<wide.count).map(wide.value(at:)) == [.min, 0, .max])
        #expect(!IntSet().contains(1 << 33), "a value wider than the set cannot be in it")
    }

    @Test func intsetUpgradeAppendsAtTheRightEnd() {
        var set = IntSet()
        for value in [3, 1, 2] as [Int64] { set.insert(value) }
        set.insert(-100_000)
        set.insert(100_000)
        #expect((0..<set.count).map(set.value(at:)) == [-100_000, 1, 2, 3, 100_000])
    }

    @Test func nonIntegerConvertsToHashtable() {
        let t = TestEngine()
        t.run("SADD", "s", "1", "2")
        #expect(SetTestSupport.encoding(t, "s") == .text("intset"))
        for text in ["01", "-0", "+1", " 1", "1.0", "9223372036854775808", "a"] {
            let u = TestEngine()
            u.run("SADD", "s", "1")
            u.run("SADD", "s", text)
            #expect(SetTestSupport.encoding(u, "s") == .text("hashtable"), "\(text) is not string2ll")
            #expect(u.run("SISMEMBER", "s", "1") == .integer(1))
            #expect(u.run("SISMEMBER", "s", text) == .integer(1))
        }
        t.run("SADD", "s", "-9223372036854775808", "9223372036854775807")
        #expect(SetTestSupport.encoding(t, "s") == .text("intset"))
        #expect(t.run("SADD", "h", "a", "1") == .integer(2))
        #expect(SetTestSupport.encoding(t, "h") == .text("hashtable"), "created for its first member")
        t.run("SREM", "h", "a")
        #expect(SetTestSupport.encoding(t, "h") == .text("hashtable"), "never converts back")
    }

    @Test func the513thMemberConverts() {
        let t = TestEngine()
        SetTestSupport.add(t, "s", (0..<512).map(String.init))
        #expect(SetTestSupport.encoding(t, "s") == .text("intset"))
        #expect(t.run("SADD", "s", "511") == .integer(0))
        #expect(SetTestSupport.encoding(t, "s") == .text("intset"))
        #expect(t.run("SADD", "s", "512") == .integer(1))
        #expect(SetTestSupport.encoding(t, "s") == .text("hashtable"))
        #expect(t.run("SCARD", "s") == .integer(513))
        #expect(t.run("SISMEMBER", "s", "0") == .integer(1))
        t.expectReplayMatches()
    }

    @Test func configuredLimitApplies() {
        var limits = EncodingLimits()
        limits.setMaxIntsetEntries = 4
        let t = TestEngine()
        t.engine.keyspace.limits = limits
        t.run("SADD", "s", "1", "2", "3", "4")
        #expect(SetTestSupport.encoding(t, "s") == .text("intset"))
        t.run("SADD", "s", "5")
        #expect(SetTestSupport.encoding(t, "s") == .text("hashtable"))
    }

    /// The storage enum is one reference wide, so a set object is the
    /// 16-byte header plus 8 bytes (a 32-byte malloc chunk).
    @Test func smallSetsStayCompact() {
        #expect(MemoryLayout<IntSet>.size == 8)
        #expect(MemoryLayout<IntSetHeader>.size == 4)
        #expect(SetObject.storageSize == 8)
    }

    /// A 1,000,000-member set: SADD in batches, SCARD, SISMEMBER, a full
    /// SSCAN and a replay, in debug mode in a few seconds.
    @Test func millionMembers() {
        let t = TestEngine()
        let batch = 10_000
        for start in stride(from: 0, to: 1_000_000, by: batch) {
            var argv: [Bytes] = [Array("SADD".utf8), Array("big".utf8)]
            argv.reserveCapacity(batch + 2)
            for index in start..<(start + batch) { argv.append(Array("m\(index)".utf8)) }
            #expect(t.run(argv) == .integer(Int64(batch)))
        }
        #expect(t.run("SCARD", "big") == .integer(1_000_000))
        #expect(t.run("SISMEMBER", "big", "m999999") == .integer(1))
        #expect(t.run("SISMEMBER", "big", "m1000000") == .integer(0))
        guard case .set(let all) = t.run("SMEMBERS", "big") else { Issue.record("not a set"); return }
        #expect(all.count == 1_000_000)
        #expect(t.run("SINTERCARD", "1", "big", "LIMIT", "10") == .integer(10))
    }
}
