import Testing
@testable import Cairn

/// SORT and SORT_RO against Redis 7.0.15's sort.c behaviour.
@Suite struct SortTests {
    private func list(_ t: TestEngine, _ key: String, _ elements: [String]) {
        t.run((["RPUSH", key] + elements).map { Array($0.utf8) })
    }

    private func strings(_ t: TestEngine, _ pairs: [(String, String)]) {
        t.run((["MSET"] + pairs.flatMap { [$0.0, $0.1] }).map { Array($0.utf8) })
    }

    // MARK: Plain sorting

    @Test func numericAscendingAndDescending() {
        let t = TestEngine()
        list(t, "l", ["3", "1", "2", "10", "-5", "1.5"])
        #expect(t.run("SORT", "l") == .texts(["-5", "1", "1.5", "2", "3", "10"]))
        #expect(t.run("SORT", "l", "DESC") == .texts(["10", "3", "2", "1.5", "1", "-5"]))
        #expect(t.run("SORT", "l", "desc", "ASC") == .texts(["-5", "1", "1.5", "2", "3", "10"]))
        #expect(t.lastEffects.isEmpty)
    }

    @Test func equalScoresOrderByElementBytes() {
        let t = TestEngine()
        list(t, "l", ["1.0", "01", "1", "1e0"])
        #expect(t.run("SORT", "l") == .texts(["01", "1", "1.0", "1e0"]))
        #expect(t.run("SORT", "l", "DESC") == .texts(["1e0", "1.0", "1", "01"]))
    }

    @Test func numericWeightsAreBareStrtod() {
        let t = TestEngine()
        list(t, "l", [" 2", "0x10", "", "inf", "-inf", "3"])
        #expect(t.run("SORT", "l") == .texts(["-inf", "", " 2", "3", "0x10", "inf"]))
        for bad in ["abc", "1x", "nan", "1e400", "2 "] {
            t.run("DEL", "bad")
            list(t, "bad", ["1", bad])
            #expect(t.run("SORT", "bad") == .err("ERR One or more scores can't be converted into double"), "\(bad)")
        }
    }

    @Test func alphaSortsBytes() {
        let t = TestEngine()
        list(t, "l", ["banana", "apple", "Cherry", "10", "9", "apple2"])
        #expect(t.run("SORT", "l", "ALPHA") == .texts(["10", "9", "Cherry", "apple", "apple2", "banana"]))
        #expect(t.run("SORT", "l", "ALPHA", "DESC") == .texts(["banana", "apple2", "apple", "Cherry", "9", "10"]))
        #expect(t.run("SORT", "l") == .err("ERR One or more scores can't be converted into double"))
    }

    @Test func setsAndSortedSets() {
        let t = TestEngine()
        t.run("SADD", "s", "5", "3", "40", "1")
        #expect(t.run("SORT", "s") == .texts(["1", "3", "5", "40"]))
        #expect(t.run("SORT", "s", "ALPHA") == .texts(["1", "3", "40", "5"]))
        t.run("SADD", "w", "b", "a", "c")
        #expect(t.run("SORT", "w", "ALPHA", "DESC") == .texts(["c", "b", "a"]))
        // A sorted set sorts by its members, not its scores.
        t.run("ZADD", "z", "1", "30", "2", "20", "3", "100")
        #expect(t.run("SORT", "z") == .texts(["20", "30", "100"]))
        #expect(t.run("SORT", "z", "ALPHA") == .texts(["100", "20", "30"]))
    }

    @Test func missingKeySortsAsEmpty() {
        let t = TestEngine()
        #expect(t.run("SORT", "nope") == .array([]))
        #expect(t.run("SORT", "nope", "BY", "nosort", "LIMIT", "0", "5") == .array([]))
        #expect(t.run("SORT_RO", "nope", "ALPHA", "GET", "#") == .array([]))
    }

    // MARK: BY

    @Test func byStringKeys() {
        let t = TestEngine()
        list(t, "l", ["a", "b", "c", "d"])
        strings(t, [("w_a", "3"), ("w_b", "1"), ("w_c", "2")])
        // d has no weight: 0, first.
        #expect(t.run("SORT", "l", "BY", "w_*") == .texts(["d", "b", "c", "a"]))
        #expect(t.run("SORT", "l", "BY", "w_*", "DESC") == .texts(["a", "c", "b", "d"]))
        // Only the first `*` is substituted.
        strings(t, [("x_a_*", "9"), ("x_b_*", "1")])
        #expect(t.run("SORT", "l", "BY", "x_*_*", "LIMIT", "0", "2", "DESC") == .texts(["a", "b"]))
        // A weight that is not a number fails the whole sort.
        t.run("SET", "w_d", "heavy")
        #expect(t.run("SORT", "l", "BY", "w_*") == .err("ERR One or more scores can't be converted into double"))
    }

    @Test func byHashFields() {
        let t = TestEngine()
        list(t, "l", ["1", "2", "3"])
        t.run("HSET", "h_1", "age", "30", "name", "carol")
        t.run("HSET", "h_2", "age", "10", "name", "alice")
        t.run("HSET", "h_3", "age", "20", "name", "bob")
        #expect(t.run("SORT", "l", "BY", "h_*->age") == .texts(["2", "3", "1"]))
        #expect(t.run("SORT", "l", "BY", "h_*->name", "ALPHA", "DESC") == .texts(["1", "3", "2"]))
        // A missing field or a non-hash key weighs 0; an arrow with no field is part of the key name.
        t.run("SET", "h_4", "5")
        list(t, "l", ["4"])
        #expect(t.run("SORT", "l", "BY", "h_*->missing") == .texts(["1", "2", "3", "4"]))
        t.run("SET", "h_3->", "-1")
        #expect(t.run("SORT", "l", "BY", "h_*->") == .texts(["3", "1", "2", "4"]))
    }

    @Test func alphaByPutsMissingWeightsFirstInInputOrder() {
        let t = TestEngine()
        list(t, "l", ["z", "y", "x", "w"])
        strings(t, [("n_x", "b"), ("n_w", "a")])
        #expect(t.run("SORT", "l", "BY", "n_*", "ALPHA") == .texts(["z", "y", "w", "x"]))
        #expect(t.run("SORT", "l", "BY", "n_*", "ALPHA", "DESC") == .texts(["x", "w", "z", "y"]))
    }

    @Test func byWithoutStarKeepsNativeOrder() {
        let t = TestEngine()
        list(t, "l", ["3", "1", "2", "x"])
        #expect(t.run("SORT", "l", "BY", "nosort") == .texts(["3", "1", "2", "x"]))
        #expect(t.run("SORT", "l", "BY", "nosort", "DESC") == .texts(["x", "2", "1", "3"]))
        #expect(t.run("SORT", "l", "BY", "nosort", "LIMIT", "1", "2") == .texts(["1", "2"]))
        #expect(t.run("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2") == .texts(["2", "1"]))
        #expect(t.run("SORT", "l", "BY", "#") == .texts(["3", "1", "2", "x"]))
        // Once set, "don't sort" stays even when a later BY has a star.
        #expect(t.run("SORT", "l", "BY", "nosort", "BY", "w_*") == .texts(["3", "1", "2", "x"]))
        t.run("ZADD", "z", "1", "c", "2", "a", "3", "b")
        #expect(t.run("SORT", "z", "BY", "nosort", "ALPHA") == .texts(["c", "a", "b"]))
        #expect(t.run("SORT", "z", "BY", "nosort", "DESC") == .texts(["b", "a", "c"]))
        #expect(t.run("SORT", "z", "BY", "nosort", "LIMIT", "1", "5") == .texts(["a", "b"]))
        #expect(t.run("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "1") == .texts(["a"]))
    }

    @Test func setByNosortIsSortedAlphaWhenStored() {
        let t = TestEngine()
        t.run("SADD", "s", "b", "10", "a", "9")
        #expect(SetTestSupport.members(t.run("SORT", "s", "BY", "nosort")) == ["10", "9", "a", "b"])
        #expect(t.run("SORT", "s", "BY", "nosort", "STORE", "d") == .integer(4))
        #expect(t.run("LRANGE", "d", "0", "-1") == .texts(["10", "9", "a", "b"]))
        // Only the BY pattern is dropped: DESC still applies.
        t.run("SORT", "s", "BY", "nosort", "DESC", "STORE", "d")
        #expect(t.run("LRANGE", "d", "0", "-1") == .texts(["b", "a", "9", "10"]))
        t.expectReplayMatches()
    }

    // MARK: GET

    @Test func getPatterns() {
        let t = TestEngine()
        list(t, "l", ["2", "1", "3"])
        strings(t, [("v_1", "one"), ("v_2", "two")])
        t.run("HSET", "h_3", "f", "three-f")
        #expect(t.run("SORT", "l", "GET", "v_*") == .array([.text("one"), .text("two"), .null]))
        #expect(t.run("SORT", "l", "GET", "#", "GET", "v_*", "GET", "h_*->f") == .array([
            .text("1"), .text("one"), .null,
            .text("2"), .text("two"), .null,
            .text("3"), .null, .text("three-f"),
        ]))
        // A pattern without `*` (other than `#`) never names a key.
        t.run("SET", "const", "c")
        #expect(t.run("SORT", "l", "GET", "const", "LIMIT", "0", "1") == .array([.null]))
        // A key of the wrong type reads as missing.
        t.run("RPUSH", "v_3", "x")
        #expect(t.run("SORT", "l", "GET", "v_*", "DESC", "LIMIT", "0", "1") == .array([.null]))
    }

    // MARK: LIMIT

    @Test func limitEdges() {
        let t = TestEngine()
        list(t, "l", ["5", "4", "3", "2", "1"])
        #expect(t.run("SORT", "l", "LIMIT", "0", "2") == .texts(["1", "2"]))
        #expect(t.run("SORT", "l", "LIMIT", "3", "10") == .texts(["4", "5"]))
        #expect(t.run("SORT", "l", "LIMIT", "-3", "2") == .texts(["1", "2"]))
        #expect(t.run("SORT", "l", "LIMIT", "2", "-1") == .texts(["3", "4", "5"]))
        #expect(t.run("SORT", "l", "LIMIT", "2", "-100") == .texts(["3", "4", "5"]))
        #expect(t.run("SORT", "l", "LIMIT", "1", "0") == .array([]))
        #expect(t.run("SORT", "l", "LIMIT", "5", "1") == .array([]))
        #expect(t.run("SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807") == .array([]))
        #expect(t.run("SORT", "l", "LIMIT", "-9223372036854775808", "9223372036854775807") == .texts(["1", "2", "3", "4", "5"]))
        #expect(t.run("SORT", "l", "LIMIT", "0", "1", "LIMIT", "4", "1") == .texts(["5"]))
        #expect(t.run("SORT", "l", "BY", "nosort", "LIMIT", "4", "3") == .texts(["1"]))
        #expect(t.run("SORT", "l", "BY", "nosort", "LIMIT", "7", "3") == .array([]))
        #expect(t.run("SORT", "l", "LIMIT", "x", "1") == notInteger)
        #expect(t.run("SORT", "l", "LIMIT", "1", "1.5") == notInteger)
        #expect(t.run("SORT", "l", "LIMIT", "1") == syntaxError)
    }

    @Test func conversionErrorsEvenWhenLimitSelectsNothing() {
        let t = TestEngine()
        list(t, "l", ["a", "b"])
        #expect(t.run("SORT", "l", "LIMIT", "0", "0") == .err("ERR One or more scores can't be converted into double"))
        #expect(t.run("SORT", "l", "LIMIT", "0", "0", "BY", "nosort") == .array([]))
    }

    // MARK: STORE

    @Test func storeWritesAListAndLogsIt() {
        let t = TestEngine()
        list(t, "l", ["3", "1", "2"])
        strings(t, [("v_1", "one"), ("v_3", "three")])
        #expect(t.run("SORT", "l", "STORE", "dst") == .integer(3))
        #expect(t.run("LRANGE", "dst", "0", "-1") == .texts(["1", "2", "3"]))
        #expect(t.run("SORT", "l", "GET", "#", "GET", "v_*", "STORE", "dst") == .integer(6))
        #expect(t.lastEffects == [["DEL", "dst"], ["RPUSH", "dst", "1", "one", "2", "", "3", "three"]])
        #expect(t.run("LRANGE", "dst", "0", "-1") == .texts(["1", "one", "2", "", "3", "three"]))
        // The destination may be the source.
        #expect(t.run("SORT", "l", "DESC", "STORE", "l") == .integer(3))
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["3", "2", "1"]))
        t.expectReplayMatches()
    }

    @Test func storeReplacesAnyTypeAndDropsTheTTL() {
        let t = TestEngine()
        t.run("SADD", "s", "b", "a")
        t.run("SET", "dst", "old", "EX", "100")
        #expect(t.run("SORT", "s", "ALPHA", "STORE", "dst") == .integer(2))
        #expect(t.run("TYPE", "dst") == .simple("list"))
        #expect(t.run("TTL", "dst") == .integer(-1))
        t.expectReplayMatches()
    }

    @Test func emptyResultDeletesTheDestination() {
        let t = TestEngine()
        list(t, "dst", ["x"])
        #expect(t.run("SORT", "missing", "STORE", "dst") == .integer(0))
        #expect(t.lastEffects == [["DEL", "dst"]])
        #expect(t.run("EXISTS", "dst") == .integer(0))
        #expect(t.run("SORT", "missing", "STORE", "dst") == .integer(0))
        #expect(t.lastEffects.isEmpty)
        list(t, "l", ["1"])
        t.run("SET", "dst", "v")
        #expect(t.run("SORT", "l", "LIMIT", "1", "1", "STORE", "dst") == .integer(0))
        #expect(t.run("EXISTS", "dst") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func failedSortStoresNothing() {
        let t = TestEngine()
        list(t, "l", ["a"])
        list(t, "dst", ["keep"])
        #expect(t.run("SORT", "l", "STORE", "dst") == .err("ERR One or more scores can't be converted into double"))
        #expect(t.lastEffects.isEmpty)
        #expect(t.run("LRANGE", "dst", "0", "-1") == .texts(["keep"]))
        #expect(t.run("SORT", "l", "STORE") == syntaxError)
        #expect(t.run("SORT", "l", "STORE", "a", "STORE", "dst", "ALPHA") == .integer(1))
        #expect(t.run("EXISTS", "a") == .integer(0))
        t.expectReplayMatches()
    }

    // MARK: SORT_RO and errors

    @Test func sortReadOnlyRefusesStore() {
        let t = TestEngine()
        list(t, "l", ["2", "1"])
        #expect(t.run("SORT_RO", "l") == .texts(["1", "2"]))
        #expect(t.run("sort_ro", "l", "BY", "nosort", "DESC", "GET", "#") == .texts(["1", "2"]))
        #expect(t.run("SORT_RO", "l", "STORE", "dst") == syntaxError)
        #expect(t.run("EXISTS", "dst") == .integer(0))
        #expect(t.lastEffects.isEmpty)
    }

    @Test func errors() {
        let t = TestEngine()
        t.run("SET", "str", "x")
        t.run("HSET", "h", "f", "v")
        #expect(t.run("SORT", "str") == wrongType)
        #expect(t.run("SORT_RO", "h") == wrongType)
        #expect(t.run("SORT", "str", "BOGUS") == syntaxError)
        #expect(t.run("SORT", "str", "LIMIT", "a", "b") == notInteger)
        #expect(t.run("SORT", "x", "BY") == syntaxError)
        #expect(t.run("SORT", "x", "GET") == syntaxError)
        #expect(t.run("SORT") == arityError("sort"))
        #expect(t.run("SORT_RO") == arityError("sort_ro"))
    }

    // MARK: Binary elements

    @Test func binaryElements() {
        let t = TestEngine()
        let a: Bytes = [0x61, 0x00, 0x7A], b: Bytes = [0x61, 0x00, 0x62], c: Bytes = [0xFF, 0x01]
        t.run([Bytes(ascii: "RPUSH"), Bytes(ascii: "l"), a, b, c])
        // A reply compares as C strings (strcoll stops at NUL): a and b tie and keep list order.
        #expect(t.run("SORT", "l", "ALPHA") == .array([.bulk(a), .bulk(b), .bulk(c)]))
        // STORE compares whole bytes.
        #expect(t.run("SORT", "l", "ALPHA", "STORE", "d") == .integer(3))
        #expect(t.run("LRANGE", "d", "0", "-1") == .array([.bulk(b), .bulk(a), .bulk(c)]))
        // GET substitutes the element's bytes.
        t.run([Bytes(ascii: "SET"), Bytes(ascii: "k_") + c, Bytes(ascii: "v")])
        #expect(t.run("SORT", "l", "ALPHA", "GET", "k_*", "LIMIT", "2", "1") == .array([.text("v")]))
        // Text after a NUL does not parse as a number.
        t.run([Bytes(ascii: "RPUSH"), Bytes(ascii: "n"), [0x35, 0x00, 0x78], Bytes(ascii: "4")])
        #expect(t.run("SORT", "n") == .array([.text("4"), .bulk([0x35, 0x00, 0x78])]))
        t.expectReplayMatches()
    }

    // MARK: Table

    @Test func commandTableEntries() {
        let sort = CommandTable.lookup("sort")
        #expect(sort?.arity == -2)
        #expect(sort?.flags == [.write, .denyOOM, .movableKeys])
        #expect(sort?.group == "generic")
        let readonly = CommandTable.lookup("SORT_RO")
        #expect(readonly?.arity == -2)
        #expect(readonly?.flags == [.readonly, .movableKeys])
        #expect(readonly?.firstKey == 1 && readonly?.lastKey == 1)
    }
}
