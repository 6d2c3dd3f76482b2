import Testing
@testable import Cairn

/// SCAN over the keyspace: options, filters, expiry, and the guarantee that
/// a key present for the whole scan is returned at least once.
@Suite struct ScanTests {
    /// One SCAN call: the next cursor and the keys of the page.
    static func page(_ reply: Reply) -> (cursor: String, keys: [Bytes])? {
        guard case .array(let parts) = reply, parts.count == 2,
              case .bulk(let cursor) = parts[0], case .array(let items) = parts[1] else { return nil }
        let keys: [Bytes] = items.compactMap {
            if case .bulk(let bytes) = $0 { return bytes }
            return nil
        }
        return (String(decoding: cursor, as: UTF8.self), keys)
    }

    /// Runs a whole scan with `options`; calls `between` after every call.
    static func scanAll(_ t: TestEngine, _ options: [String] = [], between: () -> Void = {}) -> [String] {
        var cursor = "0"
        var keys: [String] = []
        repeat {
            guard let page = page(t.run((["SCAN", cursor] + options).map { Array($0.utf8) })) else {
                Issue.record("SCAN did not return a page")
                return keys
            }
            keys += page.keys.map { String(decoding: $0, as: UTF8.self) }
            cursor = page.cursor
            between()
        } while cursor != "0"
        return keys
    }

    @Test func emptyDatabase() {
        let t = TestEngine()
        #expect(t.run("SCAN", "0") == .array([.text("0"), .array([])]))
        #expect(t.run("SCAN", "") == .array([.text("0"), .array([])]), "strtoul reads an empty cursor as 0")
    }

    @Test func fullScanReturnsEveryKeyOnce() {
        let t = TestEngine()
        for i in 0..<500 { t.run("SET", "key:\(i)", "v") }
        let keys = ScanTests.scanAll(t)
        #expect(keys.count == 500, "no resize during the scan, so no repeats")
        #expect(Set(keys) == Set((0..<500).map { "key:\($0)" }))
        #expect(t.allEffects.count == 500, "scanning logs nothing")
    }

    @Test func countBoundsThePage() throws {
        let t = TestEngine()
        for i in 0..<200 { t.run("SET", "k\(i)", "v") }
        let first = try #require(ScanTests.page(t.run("SCAN", "0")))
        #expect(first.cursor != "0")
        #expect(first.keys.count >= 10 && first.keys.count < 30, "about COUNT keys: whole buckets are returned")
        let all = try #require(ScanTests.page(t.run("SCAN", "0", "COUNT", "1000")))
        #expect(all.cursor == "0")
        #expect(all.keys.count == 200)
    }

    /// redis-server 7.0.15: `count*10` overflows into a negative
    /// maxiterations that never reaches zero, so a huge COUNT walks the
    /// whole table in one call (each SCAN-family command, hashes and sorted
    /// sets with their doubled COUNT included).
    @Test func hugeCountScansEverythingInOneCall() throws {
        let t = TestEngine()
        for i in 0..<1000 { t.run("SET", "k\(i)", "v") }
        for i in 0..<300 { t.run("HSET", "h", "f\(i)", "v") }
        for i in 0..<1000 { t.run("SADD", "s", "m\(i)") }
        for i in 0..<300 { t.run("ZADD", "z", "\(i)", "m\(i)") }
        let all = try #require(ScanTests.page(t.run("SCAN", "0", "COUNT", "9223372036854775807")))
        #expect(all.cursor == "0")
        #expect(all.keys.count == 1003)
        let fields = try #require(ScanTests.page(t.run("HSCAN", "h", "0", "COUNT", "9223372036854775807")))
        #expect(fields.cursor == "0" && fields.keys.count == 600)
        let members = try #require(ScanTests.page(t.run("SSCAN", "s", "0", "COUNT", "9223372036854775807")))
        #expect(members.cursor == "0" && members.keys.count == 1000)
        let scored = try #require(ScanTests.page(t.run("ZSCAN", "z", "0", "COUNT", "9223372036854775807")))
        #expect(scored.cursor == "0" && scored.keys.count == 600)
        #expect(t.run("SCAN", "0", "COUNT", "9223372036854775808") == notInteger)
    }

    /// The all-ones cursor is the last bucket in reverse-binary order: one
    /// bucket, then cursor 0 (redis-server answers "0" for both spellings).
    @Test func largestCursorIsTheLastBucket() throws {
        let t = TestEngine()
        for i in 0..<1000 { t.run("SET", "key:\(i)", "v") }
        let last = try #require(ScanTests.page(t.run("SCAN", "18446744073709551615")))
        #expect(last.cursor == "0")
        #expect(last.keys.count < 20)
        let wrapped = try #require(ScanTests.page(t.run("SCAN", "-1", "COUNT", "1000")))
        #expect(wrapped.cursor == "0" && wrapped.keys == last.keys, "strtoul reads -1 as ULONG_MAX")
        #expect(ScanTests.page(t.run("SCAN", "-18446744073709551615")) != nil, "-(2^64-1) wraps to 1")
        #expect(t.run("SCAN", "-18446744073709551616") == .err("ERR invalid cursor"))
        #expect(t.run("SCAN", "99999999999999999999") == .err("ERR invalid cursor"))
    }

    @Test func matchFiltersAfterCollecting() {
        let t = TestEngine()
        for i in 0..<100 { t.run("SET", "user:\(i)", "v") }
        for i in 0..<100 { t.run("SET", "item:\(i)", "v") }
        let users = ScanTests.scanAll(t, ["MATCH", "user:*", "COUNT", "7"])
        #expect(Set(users) == Set((0..<100).map { "user:\($0)" }))
        #expect(Set(ScanTests.scanAll(t, ["match", "*:4?"])).count == 20)
        #expect(ScanTests.scanAll(t, ["MATCH", "*"]).count == 200)
    }

    @Test func typeFilter() {
        let t = TestEngine()
        for i in 0..<30 { t.run("SET", "s\(i)", "v") }
        for i in 0..<10 { KeysFixtures.putHash(t.engine, "h\(i)", [("f", "v")]) }
        #expect(Set(ScanTests.scanAll(t, ["TYPE", "hash"])) == Set((0..<10).map { "h\($0)" }))
        #expect(ScanTests.scanAll(t, ["TYPE", "STRING"]).count == 30, "compared case-insensitively")
        #expect(ScanTests.scanAll(t, ["TYPE", "list"]) == [])
        #expect(ScanTests.scanAll(t, ["TYPE", "nonsense"]) == [])
        #expect(ScanTests.scanAll(t, ["TYPE", "hash", "TYPE", "string"]).count == 30, "the last TYPE wins")
        #expect(ScanTests.scanAll(t, ["TYPE", "hash", "MATCH", "h1*"]) == ["h1"])
        let nulTerminated = ScanTests.page(t.run([
            KeysFixtures.b("SCAN"), KeysFixtures.b("0"), KeysFixtures.b("COUNT"), KeysFixtures.b("1000"),
            KeysFixtures.b("TYPE"), [0x68, 0x61, 0x73, 0x68, 0x00, 0x78],
        ]))
        #expect(nulTerminated?.keys.count == 10, "the type name is read as a C string")
    }

    @Test func expiredKeysAreDeletedNotReturned() {
        let t = TestEngine()
        for i in 0..<20 { t.run("SET", "live\(i)", "v") }
        for i in 0..<20 {
            t.run("SET", "dead\(i)", "v")
            t.run("PEXPIRE", "dead\(i)", "10")
        }
        t.clock.advance(milliseconds: 11)
        #expect(Set(ScanTests.scanAll(t, ["MATCH", "live*"])) == Set((0..<20).map { "live\($0)" }))
        #expect(t.run("DBSIZE") == .integer(40), "keys failing MATCH are not expired by the scan")
        let before = t.allEffects.count
        #expect(Set(ScanTests.scanAll(t)) == Set((0..<20).map { "live\($0)" }))
        #expect(t.allEffects.count == before + 20)
        #expect(t.allEffects.suffix(20).allSatisfy { $0.argv.count == 2 && $0.argv[0] == KeysFixtures.b("DEL") })
        #expect(t.run("DBSIZE") == .integer(20))
        t.expectReplayMatches()
    }

    /// Redis 7.0.15 looks the key up for the TYPE filter (deleting it if
    /// expired) and calls the missing key's type "none": `TYPE none`
    /// returns the expired keys it deletes. Checked against redis-server.
    @Test func typeNoneReturnsExpiredKeysAsRedisDoes() {
        let t = TestEngine()
        t.run("SET", "live", "v")
        t.run("SET", "dead", "v")
        t.run("PEXPIRE", "dead", "1")
        t.clock.advance(milliseconds: 2)
        #expect(ScanTests.scanAll(t, ["TYPE", "none"]) == ["dead"])
        #expect(t.lastEffects == [["DEL", "dead"]])
        #expect(t.run("DBSIZE") == .integer(1))
        t.expectReplayMatches()
    }

    @Test func argumentErrors() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(t.run("SCAN") == arityError("scan"))
        #expect(t.run("SCAN", "abc") == .err("ERR invalid cursor"))
        #expect(t.run("SCAN", " 1") == .err("ERR invalid cursor"))
        #expect(t.run("SCAN", "1 ") == .err("ERR invalid cursor"))
        #expect(t.run("SCAN", "0x10") == .err("ERR invalid cursor"))
        #expect(t.run("SCAN", "18446744073709551616") == .err("ERR invalid cursor"))
        #expect(ScanTests.page(t.run("SCAN", "18446744073709551615")) != nil)
        #expect(ScanTests.page(t.run("SCAN", "-1")) != nil, "strtoul wraps a minus sign")
        #expect(ScanTests.page(t.run("SCAN", "+0"))?.keys.count == 1)
        #expect(t.run("SCAN", "0", "COUNT", "0") == syntaxError)
        #expect(t.run("SCAN", "0", "COUNT", "-1") == syntaxError)
        #expect(t.run("SCAN", "0", "COUNT", "x") == notInteger)
        #expect(t.run("SCAN", "0", "MATCH") == syntaxError)
        #expect(t.run("SCAN", "0", "TYPE") == syntaxError)
        #expect(t.run("SCAN", "0", "COUNT") == syntaxError)
        #expect(t.run("SCAN", "0", "foo", "bar") == syntaxError)
        #expect(t.run("SCAN", "abc", "foo") == .err("ERR invalid cursor"), "the cursor is parsed first")
        #expect(t.run("SCAN", "0", "COUNT", "0", "foo") == syntaxError)
    }

    @Test func binaryKeys() {
        let t = TestEngine()
        let keys: [Bytes] = [[], [0x00], [0x0D, 0x0A], [0xFF, 0x00, 0x61]]
        for key in keys { t.run([KeysFixtures.b("SET"), key, KeysFixtures.b("v")]) }
        let page = ScanTests.page(t.run("SCAN", "0", "COUNT", "100"))
        #expect(Set(page?.keys ?? []) == Set(keys))
        let matched = ScanTests.page(t.run([KeysFixtures.b("SCAN"), KeysFixtures.b("0"), KeysFixtures.b("MATCH"), [0xFF, 0x2A]]))
        #expect(matched?.keys == [[0xFF, 0x00, 0x61]])
    }

    /// The SCAN guarantee under churn: 1,000 keys stay for the whole scan
    /// while other keys come and go between calls. The inserts take the
    /// table from 2,048 slots to 32,768; the deletes then shrink it back to
    /// 2,048. Every stable key must come back at least once.
    @Test(arguments: [UInt64(1), 2, 3])
    func everyStableKeyIsReturnedDespiteGrowthAndShrinking(seed: UInt64) {
        let t = TestEngine(seed: seed)
        var random = RandomSource(seed: seed)
        let stable = (0..<1000).map { "stable:\($0)" }
        for key in stable { t.run("SET", key, "v") }
        var temporary: [String] = []
        var next = 0
        var calls = 0
        var peak = 0
        let seen = ScanTests.scanAll(t, ["COUNT", "20"]) {
            calls += 1
            if calls <= 40 {
                // Growth: 300 new keys per call, 12,000 in all.
                for _ in 0..<300 {
                    let key = "temp:\(next)"
                    next += 1
                    t.run("SET", key, "v")
                    temporary.append(key)
                }
            } else if !temporary.isEmpty {
                // Shrinking: delete up to 500 random temporary keys per call.
                for _ in 0..<min(500, temporary.count) {
                    let index = Int.random(in: 0..<temporary.count, using: &random)
                    temporary.swapAt(index, temporary.count - 1)
                    t.run("DEL", temporary.removeLast())
                }
            }
            peak = max(peak, t.engine.keyCount(database: 0))
        }
        let missing = Set(stable).subtracting(seen)
        #expect(missing.count == 0, "seed \(seed): \(missing.count) stable keys never returned, e.g. \(missing.first ?? "")")
        #expect(peak >= 13_000)
        #expect(temporary.isEmpty, "seed \(seed): the scan ended before the deletes (\(calls) calls)")
        #expect(t.engine.keyCount(database: 0) == 1000)
    }

    /// Deleting keys behind and ahead of the cursor: keys that stay are still
    /// returned, and deleted keys are never returned after their deletion.
    @Test func deletedKeysAreNotReturnedAfterDeletion() {
        let t = TestEngine()
        for i in 0..<2000 { t.run("SET", "k\(i)", "v") }
        var deleted = Set<String>()
        var cursor = "0"
        var seen = Set<String>()
        var round = 0
        repeat {
            guard let page = ScanTests.page(t.run("SCAN", cursor, "COUNT", "50")) else { break }
            for key in page.keys.map({ String(decoding: $0, as: UTF8.self) }) {
                #expect(!deleted.contains(key), "\(key) was returned after it was deleted")
                seen.insert(key)
            }
            cursor = page.cursor
            for i in stride(from: round, to: 2000, by: 40) where i % 2 == 1 {
                t.run("DEL", "k\(i)")
                deleted.insert("k\(i)")
            }
            round += 1
        } while cursor != "0"
        let kept = Set((0..<2000).map { "k\($0)" }).subtracting(deleted)
        #expect(kept.isSubset(of: seen))
    }
}
