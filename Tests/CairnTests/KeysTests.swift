import Testing
@testable import Cairn

/// Fixtures shared by the generic-key suites.
enum KeysFixtures {
    /// Bytes of a text argument.
    static func b(_ text: String) -> Bytes { Array(text.utf8) }

    /// A hash built directly (HSET belongs to the hash family), so tests of
    /// the generic commands do not depend on it.
    static func hash(_ pairs: [(String, String)], limits: EncodingLimits = EncodingLimits()) -> HashObject {
        let hash = HashObject()
        for (field, value) in pairs { hash.set(ByteString(b(field)), ByteString(b(value)), limits: limits) }
        return hash
    }

    /// Stores a hash without logging it. A replay check must seed the same
    /// hash first: see `expectReplayMatches(_:seed:)`.
    static func putHash(_ engine: Engine, _ key: String, database: Int = 0, _ pairs: [(String, String)]) {
        engine.keyspace.set(database, ByteString(b(key)), .hash(hash(pairs)))
    }

    /// `TestEngine.expectReplayMatches` for tests that stored values
    /// directly: the fresh engine gets the same seed state before the replay.
    static func expectReplayMatches(_ t: TestEngine, seed: (Engine) -> Void,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        t.expectReplayMatches(prepare: seed, sourceLocation: sourceLocation)
    }

    /// The field/value pairs of the hash at `key`, sorted.
    static func hashPairs(_ engine: Engine, _ key: String, database: Int = 0) -> [String] {
        guard case .hash(let hash)? = engine.keyspace.databases[database].main[ByteString(b(key))] else { return [] }
        var pairs: [String] = []
        hash.forEach { field, value in pairs.append("\(field)=\(value)") }
        return pairs.sorted()
    }
}

/// DEL UNLINK EXISTS TOUCH TYPE KEYS RANDOMKEY RENAME RENAMENX COPY MOVE OBJECT.
@Suite struct KeysTests {
    let binaryKey: Bytes = [0x61, 0x00, 0x0D, 0x0A, 0xFF]

    // MARK: DEL / UNLINK

    @Test func delCountsAndLogsOnlyDeletedKeys() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        t.run("SET", "b", "2")
        #expect(t.run("DEL", "a", "missing", "b", "a") == .integer(2))
        #expect(t.lastEffects == [["DEL", "a", "b"]])
        #expect(t.run("DEL", "a") == .integer(0))
        #expect(t.lastEffects == [], "deleting nothing logs nothing")
        #expect(t.run("DEL") == arityError("del"))
        t.expectReplayMatches()
    }

    @Test func unlinkIsLoggedAsDel() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        #expect(t.run("UNLINK", "a", "b") == .integer(1))
        #expect(t.lastEffects == [["DEL", "a"]])
        #expect(t.run("UNLINK") == arityError("unlink"))
        t.expectReplayMatches()
    }

    @Test func delOfAnExpiredKeyIsAnExpiryNotADeletion() {
        let t = TestEngine()
        t.run("SET", "old", "1")
        t.run("PEXPIRE", "old", "10")
        t.run("SET", "live", "2")
        t.clock.advance(milliseconds: 11)
        #expect(t.run("DEL", "old", "live") == .integer(1))
        #expect(t.lastEffects == [["DEL", "old"], ["DEL", "live"]])
        #expect(t.engine.keyCount(database: 0) == 0)
        t.expectReplayMatches()
    }

    @Test func binaryAndEmptyKeys() {
        let t = TestEngine()
        #expect(t.run([KeysFixtures.b("SET"), binaryKey, KeysFixtures.b("v")]) == .ok)
        #expect(t.run([KeysFixtures.b("SET"), [], KeysFixtures.b("empty")]) == .ok)
        #expect(t.run([KeysFixtures.b("EXISTS"), binaryKey, [], [0x61]]) == .integer(2))
        #expect(t.run([KeysFixtures.b("TYPE"), []]) == .simple("string"))
        #expect(t.run([KeysFixtures.b("RENAME"), binaryKey, [0x00]]) == .ok)
        #expect(t.run([KeysFixtures.b("GET"), [0x00]]) == .text("v"))
        #expect(t.run([KeysFixtures.b("DEL"), [0x00], []]) == .integer(2))
        #expect(t.records.last?.first?.argv == [KeysFixtures.b("DEL"), [0x00], []])
        t.expectReplayMatches()
    }

    // MARK: EXISTS / TOUCH / TYPE

    @Test func existsCountsRepeatsAndSkipsExpired() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        t.run("SET", "gone", "1")
        t.run("PEXPIRE", "gone", "5")
        t.clock.advance(milliseconds: 6)
        #expect(t.run("EXISTS", "a", "a", "missing", "gone") == .integer(2))
        #expect(t.lastEffects == [["DEL", "gone"]], "the lookup expires the key through the log")
        #expect(t.run("EXISTS") == arityError("exists"))
        t.expectReplayMatches()
    }

    @Test func touchCountsAndLogsNothing() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        #expect(t.run("TOUCH", "a", "b", "a") == .integer(2))
        #expect(t.lastEffects == [])
        #expect(t.run("TOUCH") == arityError("touch"))
    }

    @Test func typeNamesEveryKind() {
        let t = TestEngine()
        t.run("SET", "s", "x")
        KeysFixtures.putHash(t.engine, "h", [("f", "v")])
        #expect(t.run("TYPE", "s") == .simple("string"))
        #expect(t.run("TYPE", "h") == .simple("hash"))
        #expect(t.run("TYPE", "nothing") == .simple("none"))
        t.run("PEXPIRE", "s", "1")
        t.clock.advance(milliseconds: 2)
        #expect(t.run("TYPE", "s") == .simple("none"))
        #expect(t.lastEffects == [["DEL", "s"]])
        #expect(t.run("TYPE") == arityError("type"))
        #expect(t.run("TYPE", "a", "b") == arityError("type"))
    }

    @Test func genericCommandsNeverAnswerWrongType() {
        let t = TestEngine()
        KeysFixtures.putHash(t.engine, "h", [("f", "v")])
        #expect(t.run("EXISTS", "h") == .integer(1))
        #expect(t.run("TOUCH", "h") == .integer(1))
        #expect(t.run("EXPIRE", "h", "100") == .integer(1))
        #expect(t.run("TTL", "h") == .integer(100))
        #expect(t.run("PERSIST", "h") == .integer(1))
        #expect(t.run("OBJECT", "ENCODING", "h") == .text("listpack"))
        #expect(t.run("RENAME", "h", "h2") == .ok)
        #expect(t.run("COPY", "h2", "h3") == .integer(1))
        #expect(t.run("MOVE", "h3", "1") == .integer(1))
        #expect(t.run("DEL", "h2") == .integer(1))
        KeysFixtures.expectReplayMatches(t) { KeysFixtures.putHash($0, "h", [("f", "v")]) }
    }

    // MARK: KEYS

    @Test func keysMatchesPatterns() {
        let t = TestEngine()
        for key in ["hello", "hallo", "hxllo", "heeeello", "other"] { t.run("SET", key, "1") }
        #expect(Set(KeysTests.texts(t.run("KEYS", "h?llo"))) == ["hello", "hallo", "hxllo"])
        #expect(Set(KeysTests.texts(t.run("KEYS", "h*llo"))) == ["hello", "hallo", "hxllo", "heeeello"])
        #expect(Set(KeysTests.texts(t.run("KEYS", "h[ae]llo"))) == ["hello", "hallo"])
        #expect(Set(KeysTests.texts(t.run("KEYS", "h[^e]llo"))) == ["hallo", "hxllo"])
        #expect(t.run("KEYS", "nomatch*") == .array([]))
        #expect(t.run("KEYS") == arityError("keys"))
        #expect(t.run("KEYS", "a", "b") == arityError("keys"))
    }

    @Test func keysStarAloneIncludesTheEmptyKey() {
        let t = TestEngine()
        t.run([KeysFixtures.b("SET"), [], KeysFixtures.b("v")])
        t.run("SET", "a", "1")
        #expect(Set(KeysTests.texts(t.run("KEYS", "*"))) == ["", "a"])
        #expect(Set(KeysTests.texts(t.run("KEYS", "**"))) == ["a"], "only a lone * short-circuits")
    }

    @Test func keysMatchesBinaryKeys() {
        let t = TestEngine()
        t.run([KeysFixtures.b("SET"), binaryKey, KeysFixtures.b("v")])
        #expect(t.run([KeysFixtures.b("KEYS"), [0x61, 0x00, 0x2A]]) == .array([.bulk(binaryKey)]))
        #expect(t.run([KeysFixtures.b("KEYS"), [0x61, 0x3F, 0x0D, 0x0A, 0x3F]]) == .array([.bulk(binaryKey)]))
    }

    @Test func keysHidesExpiredKeysWithoutDeletingThem() {
        let t = TestEngine()
        t.run("SET", "live", "1")
        t.run("SET", "dead", "1")
        t.run("PEXPIRE", "dead", "10")
        t.clock.advance(milliseconds: 11)
        #expect(t.run("KEYS", "*") == .texts(["live"]))
        #expect(t.lastEffects == [], "Redis 7.0's KEYS filters with keyIsExpired, which deletes nothing")
        #expect(t.run("DBSIZE") == .integer(2))
    }

    // MARK: RANDOMKEY

    @Test func randomKeyOnEmptyAndSingleKeyDatabases() {
        let t = TestEngine()
        #expect(t.run("RANDOMKEY") == .null)
        t.run("SET", "only", "1")
        #expect(t.run("RANDOMKEY") == .text("only"))
        #expect(t.run("RANDOMKEY", "x") == arityError("randomkey"))
    }

    @Test func randomKeyReachesEveryKey() {
        let t = TestEngine()
        for i in 0..<5 { t.run("SET", "k\(i)", "v") }
        var seen = Set<String>()
        for _ in 0..<200 { seen.formUnion(KeysTests.texts(.array([t.run("RANDOMKEY")]))) }
        #expect(seen == ["k0", "k1", "k2", "k3", "k4"])
    }

    @Test func randomKeyDeletesExpiredKeysItDraws() {
        let t = TestEngine()
        for i in 0..<20 {
            t.run("SET", "v\(i)", "1")
            t.run("PEXPIRE", "v\(i)", "5")
        }
        t.run("SET", "survivor", "1")
        t.clock.advance(milliseconds: 6)
        #expect(t.run("RANDOMKEY") == .text("survivor"))
        #expect(t.lastEffects.allSatisfy { $0.count == 2 && $0[0] == "DEL" && $0[1].hasPrefix("v") })
        t.expectReplayMatches()
    }

    @Test func randomKeyWhenEveryKeyHasExpired() {
        let t = TestEngine()
        for i in 0..<30 {
            t.run("SET", "v\(i)", "1")
            t.run("PEXPIRE", "v\(i)", "5")
        }
        t.clock.advance(milliseconds: 6)
        #expect(t.run("RANDOMKEY") == .null)
        #expect(t.lastEffects.count == 30)
        #expect(t.run("DBSIZE") == .integer(0))
        t.expectReplayMatches()
    }

    /// Redis's replica loop is bounded; here replay cannot expire, so the
    /// first key drawn is returned even if its time has passed.
    @Test func randomKeyDuringReplayReturnsExpiredKeys() throws {
        let t = TestEngine()
        try t.engine.replay([
            Effect(database: 0, argv: [KeysFixtures.b("SET"), KeysFixtures.b("k"), KeysFixtures.b("v")]),
            Effect(database: 0, argv: [KeysFixtures.b("PEXPIREAT"), KeysFixtures.b("k"), KeysFixtures.b("1")]),
        ])
        t.engine.keyspace.expiryEnabled = false
        #expect(t.run("RANDOMKEY") == .text("k"))
        t.engine.keyspace.expiryEnabled = true
        #expect(t.run("RANDOMKEY") == .null)
    }

    // MARK: RENAME / RENAMENX

    @Test func renameMovesValueAndSourceTTL() {
        let t = TestEngine()
        t.run("SET", "src", "v")
        t.run("PEXPIREAT", "src", "1700000100000")
        t.run("SET", "dst", "old")
        t.run("EXPIRE", "dst", "5")
        #expect(t.run("RENAME", "src", "dst") == .ok)
        #expect(t.lastEffects == [["RENAME", "src", "dst"]])
        #expect(t.run("GET", "dst") == .text("v"))
        #expect(t.run("PEXPIRETIME", "dst") == .integer(1_700_000_100_000))
        #expect(t.run("EXISTS", "src") == .integer(0))
        t.run("SET", "plain", "p")
        #expect(t.run("RENAME", "plain", "dst") == .ok)
        #expect(t.run("TTL", "dst") == .integer(-1), "the destination's TTL goes with its old value")
        t.expectReplayMatches()
    }

    @Test func renameErrorsAndSameKey() {
        let t = TestEngine()
        #expect(t.run("RENAME", "missing", "x") == .err("ERR no such key"))
        #expect(t.run("RENAME", "missing", "missing") == .err("ERR no such key"))
        #expect(t.run("RENAMENX", "missing", "x") == .err("ERR no such key"))
        t.run("SET", "k", "v")
        t.run("EXPIRE", "k", "100")
        #expect(t.run("RENAME", "k", "k") == .ok)
        #expect(t.lastEffects == [])
        #expect(t.run("RENAMENX", "k", "k") == .integer(0))
        #expect(t.run("TTL", "k") == .integer(100))
        #expect(t.run("RENAME", "k") == arityError("rename"))
        #expect(t.run("RENAMENX", "a", "b", "c") == arityError("renamenx"))
        t.expectReplayMatches()
    }

    @Test func renameOfAnExpiredSourceIsNoSuchKey() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIRE", "k", "1")
        t.clock.advance(milliseconds: 2)
        #expect(t.run("RENAME", "k", "x") == .err("ERR no such key"))
        #expect(t.lastEffects == [["DEL", "k"]])
        t.expectReplayMatches()
    }

    @Test func renameOntoAnExpiredDestination() {
        let t = TestEngine()
        t.run("SET", "src", "v")
        t.run("SET", "dst", "old")
        t.run("PEXPIRE", "dst", "1")
        t.clock.advance(milliseconds: 2)
        #expect(t.run("RENAMENX", "src", "dst") == .integer(1))
        #expect(t.lastEffects == [["DEL", "dst"], ["RENAMENX", "src", "dst"]])
        t.expectReplayMatches()
    }

    @Test func renamenxOnlyWhenTheDestinationIsFree() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        t.run("SET", "b", "2")
        #expect(t.run("RENAMENX", "a", "b") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("RENAMENX", "a", "c") == .integer(1))
        #expect(t.lastEffects == [["RENAMENX", "a", "c"]])
        #expect(t.run("GET", "c") == .text("1"))
        t.expectReplayMatches()
    }

    @Test func renameKeepsTheSameHashObject() {
        let t = TestEngine()
        KeysFixtures.putHash(t.engine, "h", [("f", "v")])
        t.run("SET", "dst", "x")
        #expect(t.run("RENAME", "h", "dst") == .ok)
        #expect(t.run("HGET", "dst", "f") == .text("v"))
        #expect(t.run("TYPE", "dst") == .simple("hash"))
        KeysFixtures.expectReplayMatches(t) { KeysFixtures.putHash($0, "h", [("f", "v")]) }
    }

    // MARK: COPY

    @Test func copyWithinTheDatabaseCarriesTheTTL() {
        let t = TestEngine()
        t.run("SET", "src", "v")
        t.run("PEXPIREAT", "src", "1700000100000")
        #expect(t.run("COPY", "src", "dst") == .integer(1))
        #expect(t.lastEffects == [["COPY", "src", "dst"]])
        #expect(t.run("GET", "dst") == .text("v"))
        #expect(t.run("PEXPIRETIME", "dst") == .integer(1_700_000_100_000))
        #expect(t.run("GET", "src") == .text("v"))
        t.expectReplayMatches()
    }

    @Test func copyNeedsReplaceToOverwrite() {
        let t = TestEngine()
        t.run("SET", "src", "new")
        t.run("SET", "dst", "old")
        t.run("EXPIRE", "dst", "100")
        #expect(t.run("COPY", "src", "dst") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("COPY", "src", "dst", "replace") == .integer(1))
        #expect(t.lastEffects == [["COPY", "src", "dst", "REPLACE"]])
        #expect(t.run("GET", "dst") == .text("new"))
        #expect(t.run("TTL", "dst") == .integer(-1))
        #expect(t.run("COPY", "src", "fresh", "REPLACE") == .integer(1))
        #expect(t.lastEffects == [["COPY", "src", "fresh"]], "nothing was replaced")
        #expect(t.run("COPY", "missing", "x") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func copyToAnotherDatabase() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("SELECT", "1")
        t.run("SET", "k", "there")
        t.run("SELECT", "0")
        #expect(t.run("COPY", "k", "k", "DB", "1") == .integer(0))
        #expect(t.run("COPY", "k", "k", "db", "1", "REPLACE") == .integer(1))
        #expect(t.lastEffects == [["COPY", "k", "k", "DB", "1", "REPLACE"]])
        #expect(t.run("COPY", "k", "k2", "DB", "0") == .integer(1))
        #expect(t.lastEffects == [["COPY", "k", "k2"]])
        t.run("SELECT", "1")
        #expect(t.run("GET", "k") == .text("v"))
        t.expectReplayMatches()
    }

    @Test func copyErrors() {
        let t = TestEngine()
        t.run("SET", "a", "1")
        #expect(t.run("COPY", "a", "a") == .err("ERR source and destination objects are the same"))
        #expect(t.run("COPY", "a", "a", "DB", "0") == .err("ERR source and destination objects are the same"))
        #expect(t.run("COPY", "missing", "missing") == .err("ERR source and destination objects are the same"))
        #expect(t.run("COPY", "a", "b", "DB", "16") == .err("ERR DB index is out of range"))
        #expect(t.run("COPY", "a", "b", "DB", "-1") == .err("ERR DB index is out of range"))
        #expect(t.run("COPY", "a", "b", "DB", "x") == notInteger)
        #expect(t.run("COPY", "a", "b", "DB", "x", "foo") == notInteger, "DB is parsed before the next option")
        #expect(t.run("COPY", "a", "b", "DB", "99999999999")
            == .err("ERR value is out of range, value must between -2147483648 and 2147483647"))
        #expect(t.run("COPY", "a", "b", "foo", "DB", "x") == syntaxError)
        #expect(t.run("COPY", "a", "b", "DB") == syntaxError)
        #expect(t.run("COPY", "a") == arityError("copy"))
        #expect(t.run("EXISTS", "b") == .integer(0))
        #expect(t.run("COPY", "a", "a", "DB", "1") == .integer(1))
    }

    @Test func copyOfAHashIsDeep() {
        let t = TestEngine()
        KeysFixtures.putHash(t.engine, "h", [("f", "v"), ("g", "w")])
        #expect(t.run("COPY", "h", "h2") == .integer(1))
        guard case .hash(let original)? = t.engine.keyspace.databases[0].main[ByteString("h")] else {
            Issue.record("h is not a hash")
            return
        }
        original.set(ByteString("f"), ByteString("changed"), limits: EncodingLimits())
        original.remove(ByteString("g"))
        #expect(KeysFixtures.hashPairs(t.engine, "h2") == ["f=v", "g=w"])
        #expect(KeysFixtures.hashPairs(t.engine, "h") == ["f=changed"])
    }

    @Test func copyOfATableEncodedHashIsDeep() {
        let t = TestEngine()
        let pairs = (0..<300).map { ("field\($0)", "value\($0)") }
        KeysFixtures.putHash(t.engine, "big", pairs)
        #expect(t.run("OBJECT", "ENCODING", "big") == .text("hashtable"))
        #expect(t.run("COPY", "big", "copy", "DB", "3") == .integer(1))
        guard case .hash(let original)? = t.engine.keyspace.databases[0].main[ByteString("big")] else {
            Issue.record("big is not a hash")
            return
        }
        original.remove(ByteString("field0"))
        #expect(KeysFixtures.hashPairs(t.engine, "copy", database: 3).count == 300)
        t.run("SELECT", "3")
        #expect(t.run("OBJECT", "ENCODING", "copy") == .text("hashtable"))
    }

    @Test func copyReplayRebuildsTheHash() {
        let t = TestEngine()
        KeysFixtures.putHash(t.engine, "h", [("f", "v")])
        t.run("COPY", "h", "h2", "DB", "2")
        t.run("EXPIRE", "h", "50")
        t.run("COPY", "h", "h3")
        KeysFixtures.expectReplayMatches(t) { KeysFixtures.putHash($0, "h", [("f", "v")]) }
    }

    // MARK: MOVE

    @Test func moveCarriesTheTTL() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIREAT", "k", "1700000100000")
        #expect(t.run("MOVE", "k", "2") == .integer(1))
        #expect(t.lastEffects == [["MOVE", "k", "2"]])
        #expect(t.run("EXISTS", "k") == .integer(0))
        t.run("SELECT", "2")
        #expect(t.run("GET", "k") == .text("v"))
        #expect(t.run("PEXPIRETIME", "k") == .integer(1_700_000_100_000))
        t.expectReplayMatches()
    }

    @Test func moveRefusesAnExistingTarget() {
        let t = TestEngine()
        t.run("SET", "k", "here")
        t.run("SELECT", "1")
        t.run("SET", "k", "there")
        t.run("SELECT", "0")
        #expect(t.run("MOVE", "k", "1") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("MOVE", "missing", "1") == .integer(0))
        t.run("SELECT", "1")
        t.run("PEXPIRE", "k", "1")
        t.clock.advance(milliseconds: 2)
        t.run("SELECT", "0")
        #expect(t.run("MOVE", "k", "1") == .integer(1), "the target's key had expired")
        #expect(t.lastEffects == [["DEL", "k"], ["MOVE", "k", "1"]])
        #expect(t.records.last?.first?.database == 1, "the expiry is logged in the target database")
        t.expectReplayMatches()
    }

    @Test func moveErrors() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(t.run("MOVE", "k", "0") == .err("ERR source and destination objects are the same"))
        #expect(t.run("MOVE", "missing", "0") == .err("ERR source and destination objects are the same"))
        #expect(t.run("MOVE", "k", "16") == .err("ERR DB index is out of range"))
        #expect(t.run("MOVE", "k", "x") == notInteger)
        #expect(t.run("MOVE", "k", "99999999999")
            == .err("ERR value is out of range, value must between -2147483648 and 2147483647"))
        #expect(t.run("MOVE", "k") == arityError("move"))
        #expect(t.run("SELECT", "99999999999")
            == .err("ERR value is out of range, value must between -2147483648 and 2147483647"))
    }

    // MARK: OBJECT

    @Test func objectEncodingAndRefcount() {
        let t = TestEngine()
        t.engine.keyspace.set(0, ByteString("small"), .string(ByteString(integer: 123)))
        t.engine.keyspace.set(0, ByteString("large"), .string(ByteString(integer: 10_000)))
        t.engine.keyspace.set(0, ByteString("negative"), .string(ByteString(integer: -1)))
        t.run("SET", "short", "hello")
        t.run("SET", "long", String(repeating: "x", count: 45))
        t.run("SET", "edge", String(repeating: "x", count: 44))
        KeysFixtures.putHash(t.engine, "h", [("f", "v")])
        #expect(t.run("OBJECT", "ENCODING", "small") == .text("int"))
        #expect(t.run("OBJECT", "encoding", "short") == .text("embstr"))
        #expect(t.run("OBJECT", "ENCODING", "edge") == .text("embstr"))
        #expect(t.run("OBJECT", "ENCODING", "long") == .text("raw"))
        #expect(t.run("OBJECT", "ENCODING", "h") == .text("listpack"))
        #expect(t.run("OBJECT", "ENCODING", "missing") == .null)
        #expect(t.run("OBJECT", "REFCOUNT", "small") == .integer(2_147_483_647), "shared integer")
        #expect(t.run("OBJECT", "REFCOUNT", "large") == .integer(1))
        #expect(t.run("OBJECT", "REFCOUNT", "negative") == .integer(1))
        #expect(t.run("OBJECT", "REFCOUNT", "short") == .integer(1))
        #expect(t.run("OBJECT", "REFCOUNT", "h") == .integer(1))
        #expect(t.run("OBJECT", "REFCOUNT", "missing") == .null)
    }

    @Test func objectIdletimeAndFreq() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.clock.advance(milliseconds: 60_000)
        #expect(t.run("OBJECT", "IDLETIME", "k") == .integer(0), "no access clock is kept")
        #expect(t.run("OBJECT", "IDLETIME", "missing") == .null)
        #expect(t.run("OBJECT", "FREQ", "missing") == .null)
        #expect(t.run("OBJECT", "FREQ", "k") == .err(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
                + "switching between policies at runtime LRU and LFU data will take some time to adjust."))
    }

    @Test func objectLooksUpWithExpiry() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIRE", "k", "1")
        t.clock.advance(milliseconds: 2)
        #expect(t.run("OBJECT", "ENCODING", "k") == .null)
        #expect(t.lastEffects == [["DEL", "k"]])
    }

    @Test func objectHelpAndErrors() {
        let t = TestEngine()
        guard case .array(let lines) = t.run("OBJECT", "HELP") else {
            Issue.record("OBJECT HELP is not an array")
            return
        }
        #expect(lines.count == 15)
        #expect(lines.first == .simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"))
        #expect(lines[1] == .simple("ENCODING <key>"))
        #expect(lines.last == .simple("    Prints this help."))
        #expect(t.run("object", "help") == .array(lines))
        #expect(t.run("OBJECT") == arityError("object"))
        #expect(t.run("OBJECT", "ENCODING") == arityError("object|encoding"))
        #expect(t.run("OBJECT", "ENCODING", "a", "b") == arityError("object|encoding"))
        #expect(t.run("OBJECT", "HELP", "x") == arityError("object|help"))
        #expect(t.run("OBJECT", "foo") == .err("ERR unknown subcommand 'foo'. Try OBJECT HELP."))
        #expect(t.run("OBJECT", "foo", "k") == .err("ERR unknown subcommand 'foo'. Try OBJECT HELP."))
    }

    /// The bulk texts of an array reply.
    static func texts(_ reply: Reply) -> [String] {
        guard case .array(let items) = reply else { return [] }
        return items.compactMap {
            if case .bulk(let bytes) = $0 { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
    }
}
