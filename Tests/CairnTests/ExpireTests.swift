import Testing
@testable import Cairn

/// EXPIRE PEXPIRE EXPIREAT PEXPIREAT, TTL PTTL EXPIRETIME PEXPIRETIME, PERSIST.
/// The test clock starts at 1_700_000_000_000 ms.
@Suite struct ExpireTests {
    static let start: Int64 = 1_700_000_000_000

    // MARK: Setting a TTL

    @Test func everyFormIsLoggedAsPexpireat() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(t.run("EXPIRE", "k", "100") == .integer(1))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "1700000100000"]])
        #expect(t.run("PEXPIRE", "k", "1500") == .integer(1))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "1700000001500"]])
        #expect(t.run("EXPIREAT", "k", "1800000000") == .integer(1))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "1800000000000"]])
        #expect(t.run("PEXPIREAT", "k", "1800000000123") == .integer(1))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "1800000000123"]])
        #expect(t.run("PEXPIRETIME", "k") == .integer(1_800_000_000_123))
        t.expectReplayMatches()
    }

    @Test func missingKeyAnswersZero() {
        let t = TestEngine()
        #expect(t.run("EXPIRE", "nope", "100") == .integer(0))
        #expect(t.run("PEXPIREAT", "nope", "0") == .integer(0))
        #expect(t.run("EXPIRE", "nope", "100", "GT") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("EXISTS", "nope") == .integer(0))
    }

    @Test func pastOrPresentTimeDeletesTheKey() {
        let t = TestEngine()
        for (command, time) in [("EXPIRE", "0"), ("EXPIRE", "-10"), ("PEXPIRE", "0"), ("EXPIREAT", "1"),
                                ("PEXPIREAT", String(ExpireTests.start))] {
            t.run("SET", "k", "v")
            #expect(t.run(command, "k", time) == .integer(1), "\(command) \(time)")
            #expect(t.lastEffects == [["DEL", "k"]])
            #expect(t.run("EXISTS", "k") == .integer(0))
            #expect(t.run("TTL", "k") == .integer(-2))
        }
        t.run("SET", "k", "v")
        #expect(t.run("PEXPIRE", "k", "1") == .integer(1), "one millisecond ahead is the future")
        #expect(t.lastEffects == [["PEXPIREAT", "k", "1700000000001"]])
        t.expectReplayMatches()
    }

    @Test func replaySetsPastTimesInsteadOfDeleting() throws {
        let t = TestEngine()
        let b = KeysFixtures.b
        try t.engine.replay([
            Effect(database: 0, argv: [b("SET"), b("k"), b("v")]),
            Effect(database: 0, argv: [b("EXPIRE"), b("k"), b("-5")]),
            Effect(database: 0, argv: [b("SET"), b("j"), b("v")]),
            Effect(database: 0, argv: [b("PEXPIREAT"), b("j"), b("1")]),
        ])
        #expect(t.engine.keyCount(database: 0) == 2, "loading keeps the keys and waits for the logged DEL")
        #expect(t.engine.expiringKeyCount(database: 0) == 2)
        #expect(t.engine.keyspace.expireTime(0, ByteString("j")) == 1)
        #expect(t.run("EXISTS", "k", "j") == .integer(0))
        #expect(t.lastEffects == [["DEL", "k"], ["DEL", "j"]])
    }

    @Test func expiryIsStrictlyAfterTheTime() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIRE", "k", "10")
        t.clock.advance(milliseconds: 10)
        #expect(t.run("PTTL", "k") == .integer(0), "at the expiry time the key still exists (now > when)")
        #expect(t.run("TTL", "k") == .integer(0))
        #expect(t.run("EXISTS", "k") == .integer(1))
        t.clock.advance(milliseconds: 1)
        #expect(t.run("PTTL", "k") == .integer(-2))
        #expect(t.lastEffects == [["DEL", "k"]])
        t.expectReplayMatches()
    }

    @Test func expireOnAnExpiredKeyAnswersZero() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIRE", "k", "5")
        t.clock.advance(milliseconds: 6)
        #expect(t.run("EXPIRE", "k", "100") == .integer(0))
        #expect(t.lastEffects == [["DEL", "k"]])
        t.expectReplayMatches()
    }

    @Test func overwritingDropsTheTTL() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("EXPIRE", "k", "100")
        t.run("SET", "k", "w")
        #expect(t.run("TTL", "k") == .integer(-1))
        t.expectReplayMatches()
    }

    // MARK: Overflow

    @Test func overflowIsAnInvalidExpireTime() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        let maxSeconds = String(Int64.max / 1000)
        #expect(t.run("EXPIRE", "k", "9223372036854775807") == .err("ERR invalid expire time in 'expire' command"))
        #expect(t.run("EXPIRE", "k", "9223372036854776") == .err("ERR invalid expire time in 'expire' command"))
        #expect(t.run("EXPIRE", "k", "-9223372036854776") == .err("ERR invalid expire time in 'expire' command"))
        #expect(t.run("EXPIRE", "k", maxSeconds) == .err("ERR invalid expire time in 'expire' command"),
                "seconds fit, but adding now overflows")
        #expect(t.run("EXPIREAT", "k", "-9223372036854775808") == .err("ERR invalid expire time in 'expireat' command"))
        #expect(t.run("PEXPIRE", "k", "9223372036854775807") == .err("ERR invalid expire time in 'pexpire' command"))
        #expect(t.run("PEXPIRE", "k", String(Int64.max - ExpireTests.start + 1))
            == .err("ERR invalid expire time in 'pexpire' command"))
        #expect(t.run("EXPIRE", "k", "9223372036854775808") == notInteger)
        #expect(t.lastEffects == [])
        #expect(t.run("TTL", "k") == .integer(-1))

        #expect(t.run("PEXPIRE", "k", String(Int64.max - ExpireTests.start)) == .integer(1))
        #expect(t.run("PEXPIRETIME", "k") == .integer(Int64.max))
        #expect(t.run("EXPIREAT", "k", maxSeconds) == .integer(1))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "9223372036854775000"]])
        #expect(t.run("PEXPIREAT", "k", "9223372036854775807") == .integer(1))
        #expect(t.run("EXPIRETIME", "k") == .integer(9_223_372_036_854_776), "rounds as redis-server does")
        #expect(t.run("PEXPIRE", "k", "-9223372036854775808") == .integer(1), "a huge negative time still deletes")
        #expect(t.lastEffects == [["DEL", "k"]])
        t.expectReplayMatches()
    }

    // MARK: NX XX GT LT

    @Test func optionErrors() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        let nxError = Reply.err("ERR NX and XX, GT or LT options at the same time are not compatible")
        #expect(t.run("EXPIRE", "k", "10", "NX", "XX") == nxError)
        #expect(t.run("EXPIRE", "k", "10", "nx", "gt") == nxError)
        #expect(t.run("EXPIRE", "k", "10", "LT", "NX") == nxError)
        #expect(t.run("EXPIRE", "k", "10", "GT", "LT") == .err("ERR GT and LT options at the same time are not compatible"))
        #expect(t.run("PEXPIRE", "k", "10", "NX", "GT", "LT") == nxError)
        #expect(t.run("EXPIRE", "k", "10", "foo") == .err("ERR Unsupported option foo"))
        #expect(t.run("EXPIRE", "k", "abc", "foo") == .err("ERR Unsupported option foo"), "options are checked first")
        #expect(t.run("EXPIRE", "k", "abc", "NX", "XX") == nxError)
        #expect(t.run("EXPIRE", "k", "abc") == notInteger)
        #expect(t.run("EXPIRE", "k", "10", "NX", "NX") == .integer(1), "repeating an option is fine")
        #expect(t.run("EXPIRE", "k") == arityError("expire"))
        #expect(t.run("PEXPIREAT", "k") == arityError("pexpireat"))
        #expect(t.run([KeysFixtures.b("EXPIRE"), KeysFixtures.b("k"), KeysFixtures.b("1"), KeysFixtures.b("bad\r\nx\r\n")])
            == .err("ERR Unsupported option bad  x"))
        #expect(t.run([KeysFixtures.b("EXPIRE"), KeysFixtures.b("k"), KeysFixtures.b("1"), [0x61, 0x00, 0x62]])
            == .err("ERR Unsupported option a"))
    }

    @Test func nxAndXx() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(t.run("EXPIRE", "k", "100", "XX") == .integer(0))
        #expect(t.lastEffects == [])
        #expect(t.run("EXPIRE", "k", "100", "NX") == .integer(1))
        #expect(t.lastEffects == [["PEXPIREAT", "k", "1700000100000"]])
        #expect(t.run("EXPIRE", "k", "200", "NX") == .integer(0))
        #expect(t.run("EXPIRE", "k", "200", "xx") == .integer(1))
        #expect(t.run("TTL", "k") == .integer(200))
        t.expectReplayMatches()
    }

    @Test func gtAndLtTreatNoTTLAsInfinite() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        #expect(t.run("EXPIRE", "k", "100", "GT") == .integer(0), "nothing is greater than forever")
        #expect(t.run("TTL", "k") == .integer(-1))
        #expect(t.run("EXPIRE", "k", "100", "LT") == .integer(1), "anything is less than forever")
        #expect(t.run("EXPIRE", "k", "200", "LT") == .integer(0))
        #expect(t.run("EXPIRE", "k", "100", "LT") == .integer(0), "equal is not less")
        #expect(t.run("EXPIRE", "k", "100", "GT") == .integer(0), "equal is not greater")
        #expect(t.run("EXPIRE", "k", "200", "GT") == .integer(1))
        #expect(t.run("EXPIRE", "k", "150", "XX", "LT") == .integer(1))
        #expect(t.run("TTL", "k") == .integer(150))
        #expect(t.run("EXPIRE", "k", "300", "XX", "GT") == .integer(1))
        #expect(t.run("TTL", "k") == .integer(300))
        #expect(t.run("EXPIRE", "k", "-1", "GT") == .integer(0))
        #expect(t.run("EXPIRE", "k", "-1", "LT") == .integer(1), "a past time passing LT deletes")
        #expect(t.lastEffects == [["DEL", "k"]])
        t.run("SET", "n", "v")
        #expect(t.run("EXPIRE", "n", "-1", "LT") == .integer(1))
        #expect(t.run("EXISTS", "n") == .integer(0))
        t.expectReplayMatches()
    }

    @Test func conditionMatrix() {
        typealias C = ExpireCommands.Conditions
        #expect(ExpireCommands.allows([], newTime: 5, current: nil))
        #expect(ExpireCommands.allows([.nx], newTime: 5, current: nil))
        #expect(!ExpireCommands.allows([.nx], newTime: 5, current: 1))
        #expect(!ExpireCommands.allows([.xx], newTime: 5, current: nil))
        #expect(ExpireCommands.allows([.xx], newTime: 5, current: 1))
        #expect(!ExpireCommands.allows([.gt], newTime: 5, current: nil))
        #expect(ExpireCommands.allows([.gt], newTime: 5, current: 4))
        #expect(!ExpireCommands.allows([.gt], newTime: 5, current: 5))
        #expect(ExpireCommands.allows([.lt], newTime: 5, current: nil))
        #expect(ExpireCommands.allows([.lt], newTime: 5, current: 6))
        #expect(!ExpireCommands.allows([.lt], newTime: 5, current: 5))
        #expect(!ExpireCommands.allows([.xx, .lt], newTime: 5, current: nil))
        #expect(!ExpireCommands.allows(C([.xx, .gt]), newTime: 5, current: 9))
    }

    // MARK: TTL family

    @Test func ttlFamilyReplies() {
        let t = TestEngine()
        #expect(t.run("TTL", "missing") == .integer(-2))
        #expect(t.run("PTTL", "missing") == .integer(-2))
        #expect(t.run("EXPIRETIME", "missing") == .integer(-2))
        #expect(t.run("PEXPIRETIME", "missing") == .integer(-2))
        t.run("SET", "k", "v")
        #expect(t.run("TTL", "k") == .integer(-1))
        #expect(t.run("PTTL", "k") == .integer(-1))
        #expect(t.run("EXPIRETIME", "k") == .integer(-1))
        #expect(t.run("PEXPIRETIME", "k") == .integer(-1))
        t.run("PEXPIRE", "k", "10499")
        #expect(t.run("TTL", "k") == .integer(10), "10.499 s rounds down")
        #expect(t.run("PTTL", "k") == .integer(10_499))
        #expect(t.run("EXPIRETIME", "k") == .integer(1_700_000_010))
        #expect(t.run("PEXPIRETIME", "k") == .integer(1_700_000_010_499))
        t.clock.advance(milliseconds: 1)
        #expect(t.run("TTL", "k") == .integer(10), "10.498 s")
        t.run("PEXPIRE", "k", "10500")
        #expect(t.run("TTL", "k") == .integer(11), "10.5 s rounds up")
        t.run("PEXPIRE", "k", "1")
        #expect(t.run("TTL", "k") == .integer(0))
        #expect(t.run("TTL") == arityError("ttl"))
        #expect(t.run("PTTL", "a", "b") == arityError("pttl"))
        #expect(t.run("EXPIRETIME") == arityError("expiretime"))
        #expect(t.run("PEXPIRETIME") == arityError("pexpiretime"))
        #expect(t.lastEffects == [])
    }

    @Test func ttlOfAnExpiredKeyDeletesIt() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIRE", "k", "100")
        t.clock.advance(milliseconds: 101)
        #expect(t.run("TTL", "k") == .integer(-2))
        #expect(t.lastEffects == [["DEL", "k"]])
        t.expectReplayMatches()
    }

    @Test func ttlOnBinaryAndEmptyKeys() {
        let t = TestEngine()
        let b = KeysFixtures.b
        let key: Bytes = [0x00, 0x0D, 0x0A]
        t.run([b("SET"), key, b("v")])
        t.run([b("SET"), [], b("v")])
        #expect(t.run([b("EXPIRE"), key, b("7")]) == .integer(1))
        #expect(t.records.last?.first?.argv == [b("PEXPIREAT"), key, b("1700000007000")])
        #expect(t.run([b("PEXPIRE"), [], b("0")]) == .integer(1))
        #expect(t.records.last?.first?.argv == [b("DEL"), []])
        #expect(t.run([b("TTL"), key]) == .integer(7))
        #expect(t.run([b("PERSIST"), key]) == .integer(1))
        #expect(t.records.last?.first?.argv == [b("PERSIST"), key])
        t.expectReplayMatches()
    }

    // MARK: PERSIST

    @Test func persistRemovesOnlyAnExistingTTL() {
        let t = TestEngine()
        #expect(t.run("PERSIST", "missing") == .integer(0))
        t.run("SET", "k", "v")
        #expect(t.run("PERSIST", "k") == .integer(0))
        #expect(t.lastEffects == [])
        t.run("EXPIRE", "k", "100")
        #expect(t.run("PERSIST", "k") == .integer(1))
        #expect(t.lastEffects == [["PERSIST", "k"]])
        #expect(t.run("TTL", "k") == .integer(-1))
        t.clock.advance(milliseconds: 200_000)
        #expect(t.run("EXISTS", "k") == .integer(1))
        #expect(t.run("PERSIST") == arityError("persist"))
        t.expectReplayMatches()
    }

    @Test func persistOnAnExpiredKey() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        t.run("PEXPIRE", "k", "5")
        t.clock.advance(milliseconds: 6)
        #expect(t.run("PERSIST", "k") == .integer(0))
        #expect(t.lastEffects == [["DEL", "k"]])
        t.expectReplayMatches()
    }

    @Test func transactionSeesOneTime() {
        let t = TestEngine()
        t.run("SET", "k", "v")
        var session = Session()
        let b = KeysFixtures.b
        let execution = t.engine.executeTransaction([
            [b("PEXPIRE"), b("k"), b("100")],
            [b("PTTL"), b("k")],
        ], session: &session)
        #expect(execution.reply == .array([.integer(1), .integer(100)]))
        #expect(execution.effects.map(\.argv) == [[b("PEXPIREAT"), b("k"), b("1700000000100")]])
    }
}
