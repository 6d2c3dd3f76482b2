import Testing
@testable import Cairn

/// Helpers shared by the set suites.
enum SetTestSupport {
    /// The texts of a reply's bulk elements (array or set), sorted: sets are compared as sets.
    static func members(_ reply: Reply) -> [String] {
        switch reply {
        case .array(let elements), .set(let elements):
            return elements.compactMap { element -> String? in
                if case .bulk(let bytes) = element { return String(decoding: bytes, as: UTF8.self) }
                return nil
            }.sorted()
        default:
            return ["<not a collection: \(reply)>"]
        }
    }

    /// The sorted elements of a SCAN-family reply's page.
    static func page(_ reply: Reply) -> [String] {
        guard case .array(let parts) = reply, parts.count == 2 else { return ["<not a scan page: \(reply)>"] }
        return members(parts[1])
    }

    /// The stored set at `key` in database 0.
    static func stored(_ t: TestEngine, _ key: String) -> SetObject? {
        guard case .set(let set)? = t.engine.keyspace.databases[0].main[ByteString(Array(key.utf8))] else { return nil }
        return set
    }

    static func encoding(_ t: TestEngine, _ key: String) -> Reply {
        t.run("OBJECT", "ENCODING", key)
    }

    /// SADD of `members` to `key` in one command.
    static func add(_ t: TestEngine, _ key: String, _ members: [String]) {
        t.run((["SADD", key] + members).map { Array($0.utf8) })
    }
}

/// The single-key set commands against Redis 7.0.15 (t_set.c; replies
/// checked on redis-server 7.0.15 where noted).
@Suite struct SetsTests {
    let members = SetTestSupport.members

    @Test func saddCountsNewMembersAndLogsItself() {
        let t = TestEngine()
        #expect(t.run("SADD", "s", "a", "b", "a") == .integer(2))
        #expect(t.lastEffects == [["SADD", "s", "a", "b", "a"]])
        #expect(t.run("SADD", "s", "a") == .integer(0))
        #expect(t.lastEffects == [], "adding nothing new logs nothing")
        #expect(t.run("SADD", "s", "c", "a") == .integer(1))
        #expect(members(t.run("SMEMBERS", "s")) == ["a", "b", "c"])
        #expect(t.run("SCARD", "s") == .integer(3))
        #expect(t.run("TYPE", "s") == .simple("set"))
        #expect(t.run("SADD", "s") == arityError("sadd"))
        t.expectReplayMatches()
    }

    @Test func wrongTypeEverywhere() {
        let t = TestEngine()
        t.run("SET", "str", "x")
        t.run("SADD", "s", "a")
        for argv in [["SADD", "str", "a"], ["SREM", "str", "a"], ["SMEMBERS", "str"], ["SISMEMBER", "str", "a"],
                     ["SMISMEMBER", "str", "a"], ["SCARD", "str"], ["SPOP", "str"], ["SPOP", "str", "2"],
                     ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "2"], ["SMOVE", "str", "s", "a"],
                     ["SMOVE", "s", "str", "a"], ["SINTER", "s", "str"], ["SINTER", "nokey", "str"],
                     ["SINTERCARD", "2", "s", "str"], ["SINTERSTORE", "d", "s", "str"], ["SUNION", "s", "str"],
                     ["SUNIONSTORE", "d", "str"], ["SDIFF", "s", "str"], ["SDIFF", "str", "s"],
                     ["SDIFFSTORE", "d", "nokey", "str"], ["SSCAN", "str", "0"]] {
            #expect(t.run(argv.map { Array($0.utf8) }) == wrongType, "\(argv)")
        }
        #expect(t.run("EXISTS", "d") == .integer(0), "a failed STORE writes nothing")
        #expect(members(t.run("SMEMBERS", "s")) == ["a"], "a failed SMOVE moves nothing")
        t.expectReplayMatches()
    }

    @Test func sremRemovesListedMembersAndDeletesEmptySet() {
        let t = TestEngine()
        t.run("SADD", "s", "a", "b", "c")
        #expect(t.run("SREM", "s", "a", "zz", "a") == .integer(1))
        #expect(t.lastEffects == [["SREM", "s", "a"]])
        #expect(t.run("SREM", "s", "zz") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("SREM", "nokey", "a") == .integer(0))
        #expect(t.run("SREM", "s", "b", "c", "d") == .integer(2))
        #expect(t.lastEffects == [["SREM", "s", "b", "c"]])
        #expect(t.run("EXISTS", "s") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func sremAndSaddKeepTheTTL() {
        let t = TestEngine()
        t.run("SADD", "s", "a", "b")
        t.run("EXPIRE", "s", "100")
        t.run("SADD", "s", "c")
        t.run("SREM", "s", "a")
        #expect(t.run("TTL", "s") == .integer(100))
        t.expectReplayMatches()
    }

    @Test func membershipQueries() {
        let t = TestEngine()
        t.run("SADD", "s", "a", "1")
        #expect(t.run("SISMEMBER", "s", "a") == .integer(1))
        #expect(t.run("SISMEMBER", "s", "1") == .integer(1))
        #expect(t.run("SISMEMBER", "s", "01") == .integer(0), "\"01\" is not the integer 1's member")
        #expect(t.run("SISMEMBER", "nokey", "a") == .integer(0))
        #expect(t.run("SMISMEMBER", "s", "a", "b", "1") == .array([.integer(1), .integer(0), .integer(1)]))
        #expect(t.run("SMISMEMBER", "nokey", "a", "b") == .array([.integer(0), .integer(0)]))
        #expect(t.run("SMISMEMBER", "s") == arityError("smismember"))
        #expect(t.run("SCARD", "nokey") == .integer(0))
        #expect(t.run("SMEMBERS", "nokey") == .set([]))
    }

    @Test func smembersOfAnIntsetIsAscending() {
        let t = TestEngine()
        t.run("SADD", "s", "5", "-3", "100000", "0")
        #expect(t.run("SMEMBERS", "s") == .set(["-3", "0", "5", "100000"].map { .text($0) }))
    }

    @Test func binaryMembers() {
        let t = TestEngine()
        let odd: [Bytes] = [[0], [0, 0], [13, 10], Array("a\r\nb".utf8), [], [255, 0, 1]]
        #expect(t.run([Array("SADD".utf8), Array("s".utf8)] + odd) == .integer(6))
        for member in odd {
            #expect(t.run([Array("SISMEMBER".utf8), Array("s".utf8), member]) == .integer(1))
        }
        guard case .set(let all) = t.run("SMEMBERS", "s") else { Issue.record("not a set"); return }
        #expect(Set(all.compactMap(\.bytesValue)) == Set(odd))
        #expect(t.run([Array("SREM".utf8), Array("s".utf8), [0]]) == .integer(1))
        #expect(t.run("SCARD", "s") == .integer(5))
        t.expectReplayMatches()
    }

    // MARK: SMOVE

    @Test func smoveMovesAndLogsItself() {
        let t = TestEngine()
        t.run("SADD", "src", "a", "b")
        #expect(t.run("SMOVE", "src", "dst", "a") == .integer(1))
        #expect(t.lastEffects == [["SMOVE", "src", "dst", "a"]])
        #expect(members(t.run("SMEMBERS", "dst")) == ["a"])
        #expect(t.run("SMOVE", "src", "dst", "zz") == .integer(0))
        #expect(t.lastEffects == [])
        t.run("SADD", "dst", "b")
        #expect(t.run("SMOVE", "src", "dst", "b") == .integer(1), "already in the destination: still 1")
        #expect(t.run("EXISTS", "src") == .integer(0), "the emptied source is deleted")
        #expect(members(t.run("SMEMBERS", "dst")) == ["a", "b"])
        #expect(t.run("SMOVE", "dst", "dst", "a") == .integer(1))
        #expect(t.lastEffects == [], "same key: nothing written")
        #expect(t.run("SMOVE", "dst", "dst", "zz") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func smoveTypeCheckOrder() {
        let t = TestEngine()
        t.run("SET", "str", "x")
        // A missing source answers 0 before the destination's type is checked (smoveCommand).
        #expect(t.run("SMOVE", "nokey", "str", "a") == .integer(0))
        t.run("SADD", "s", "a")
        #expect(t.run("SMOVE", "s", "str", "a") == wrongType)
        #expect(t.run("SMOVE", "s", "s2", "1") == .integer(0))
        t.run("SADD", "s", "7")
        #expect(t.run("SMOVE", "s", "n", "7") == .integer(1))
        #expect(SetTestSupport.encoding(t, "n") == .text("intset"), "created for an integer member")
        #expect(t.run("SMOVE", "s", "m", "a") == .integer(1))
        #expect(SetTestSupport.encoding(t, "m") == .text("hashtable"))
        t.expectReplayMatches()
    }

    // MARK: SSCAN

    @Test func sscanOfAnIntsetReturnsEverythingAtOnce() {
        let t = TestEngine()
        SetTestSupport.add(t, "s", (0..<100).map(String.init))
        let reply = t.run("SSCAN", "s", "0", "COUNT", "5")
        guard case .array(let parts) = reply, parts.count == 2, case .array(let page) = parts[1] else {
            Issue.record("bad reply \(reply)"); return
        }
        #expect(parts[0] == .text("0"))
        #expect(page.count == 100)
        #expect(SetTestSupport.page(t.run("SSCAN", "s", "0", "MATCH", "9*")) == ["9"] + (90..<100).map(String.init))
    }

    @Test func sscanOfATableCoversEveryMember() {
        let t = TestEngine()
        let all = (0..<1000).map { "m\($0)" }
        SetTestSupport.add(t, "s", all)
        var seen = Set<String>()
        var cursor = "0"
        var calls = 0
        repeat {
            let reply = t.run("SSCAN", "s", cursor, "COUNT", "7")
            guard case .array(let parts) = reply, case .bulk(let next) = parts[0] else { Issue.record("bad reply"); return }
            seen.formUnion(members(parts[1]))
            cursor = String(decoding: next, as: UTF8.self)
            calls += 1
        } while cursor != "0"
        #expect(seen == Set(all))
        #expect(calls > 10)
    }

    @Test func sscanArgumentsAndMissingKey() {
        let t = TestEngine()
        t.run("SADD", "s", "a")
        #expect(t.run("SSCAN", "nokey", "0") == .array([.text("0"), .array([])]))
        #expect(t.run("SSCAN", "s", "x") == .err("ERR invalid cursor"))
        #expect(t.run("SSCAN", "s", "0", "COUNT", "0") == syntaxError)
        #expect(t.run("SSCAN", "s", "0", "TYPE", "set") == syntaxError)
        #expect(t.run("SSCAN", "s", "0", "COUNT") == syntaxError)
        #expect(t.run("SSCAN", "s", "0", "COUNT", "x") == notInteger)
        #expect(t.run("SSCAN", "nokey", "0", "COUNT", "0") == .array([.text("0"), .array([])]),
                "a missing key ends the scan before the options are read")
    }

    // MARK: Keyspace integration

    @Test func keyspaceCommandsSeeSets() {
        let t = TestEngine()
        t.run("SADD", "s", "1", "2")
        t.run("SADD", "h", "x")
        t.run("SET", "str", "v")
        #expect(SetTestSupport.page(t.run("SCAN", "0", "TYPE", "set")) == ["h", "s"])
        #expect(t.run("COPY", "s", "c") == .integer(1))
        t.run("SADD", "c", "3")
        #expect(t.run("SCARD", "s") == .integer(2), "COPY made an independent set")
        #expect(t.run("RENAME", "h", "h2") == .ok)
        #expect(members(t.run("SMEMBERS", "h2")) == ["x"])
        #expect(t.run("MOVE", "h2", "1") == .integer(1))
        t.run("SELECT", "1")
        #expect(members(t.run("SMEMBERS", "h2")) == ["x"])
        t.run("SELECT", "0")
        #expect(t.run("OBJECT", "ENCODING", "s") == .text("intset"))
        #expect(t.run("OBJECT", "ENCODING", "c") == .text("intset"))
        t.expectReplayMatches()
    }

    @Test func resp3RepliesAreSets() {
        let t = TestEngine()
        t.session.protocolVersion = 3
        t.run("SADD", "s", "a")
        for command in [["SMEMBERS", "s"], ["SINTER", "s"], ["SUNION", "s"], ["SDIFF", "s"], ["SPOP", "s", "0"]] {
            guard case .set = t.run(command.map { Array($0.utf8) }) else { Issue.record("\(command) is not a set"); continue }
        }
        guard case .array = t.run("SRANDMEMBER", "s", "2") else { Issue.record("SRANDMEMBER is an array"); return }
        guard case .set = t.run("SPOP", "s", "5") else { Issue.record("SPOP count is a set"); return }
    }
}
