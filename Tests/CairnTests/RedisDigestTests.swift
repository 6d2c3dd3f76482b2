import Foundation
import Testing
@testable import Cairn

/// SHA-1 against FIPS 180 vectors, and `DEBUG DIGEST` / `DEBUG DIGEST-VALUE`
/// against what a real redis-server 7.0.15 answered for the same commands.
///
/// The dataset is testdata/redis-7.0.15-digest-dataset.redis, redis-cli input
/// (one command a line, quoted as redis-cli's sdssplitargs reads it): strings
/// that are integers ("42") and that are not ("-0", "007", 2^63), binary and
/// empty values, short and long lists, listpack and hashtable hashes, intsets
/// and hashtable sets, listpack and skiplist sorted sets with scores 1.5,
/// 0.1+0.2 (ZINCRBY), -inf, inf, 1e-300, 3, -0 and 0, TTLs set by EX, PX,
/// EXPIRE and PEXPIREAT, and keys in databases 0 and 3. The reference
/// digests were recorded with
///
///     redis-server --port 7471 --save '' --appendonly no --enable-debug-command yes
///     redis-cli -p 7471 < testdata/redis-7.0.15-digest-dataset.redis
///     redis-cli -p 7471 DEBUG DIGEST
///     redis-cli -p 7471 DEBUG DIGEST-VALUE str int ... missing       (the keys of `databaseZero`)
///     redis-cli -p 7471 -n 3 DEBUG DIGEST-VALUE str list ... missing (the keys of `databaseThree`)
@Suite struct RedisDigestTests {
    static let zeros = String(repeating: "0", count: 40)

    // MARK: SHA-1

    @Test func fipsVectors() {
        #expect(SHA1.hash(Array("abc".utf8)).hex == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
            == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA1.hash(Bytes(repeating: UInt8(ascii: "a"), count: 1_000_000)).hex
            == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(SHA1.hash(Bytes()).hex == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    /// Every padding case (the length bits in the last block or in one
    /// more; 55, 56, 63, 64 bytes): the hex digests of "a" * 0..<200,
    /// concatenated, hashed again. Python's hashlib gives the same:
    /// `sha1("".join(sha1(b"a" * n).hexdigest() for n in range(200)).encode())`.
    @Test func everyLengthAroundTheBlockBoundaries() {
        let joined = (0..<200).map { SHA1.hash(Bytes(repeating: UInt8(ascii: "a"), count: $0)).hex }.joined()
        #expect(SHA1.hash(Array(joined.utf8)).hex == "cb062fe66512892ec8c722ee74ff9ac151cc4b61")
        // hashlib.sha1(bytes(range(256)) * 5): every byte value, unaligned tails.
        #expect(SHA1.hash(Bytes((0..<5).flatMap { _ in (0...255).map { UInt8($0) } })).hex
            == "e37a04cb2353309f5cff4ee036cfb91a5e31cefd")
    }

    @Test func hashingADigestIsHashingItsTwentyBytes() {
        let digest = SHA1.hash(Array("abc".utf8))
        #expect(digest.bytes.count == 20 && digest.bytes.first == 0xa9 && digest.bytes.last == 0x9d)
        #expect(SHA1.hash(digest) == SHA1.hash(digest.bytes))
        #expect(SHA1.hash(SHA1Digest.zero) == SHA1.hash(Bytes(repeating: 0, count: 20)))
    }

    // MARK: DEBUG DIGEST against redis-server 7.0.15

    /// `redis-cli -p 7471 DEBUG DIGEST` after the dataset.
    static let datasetDigest = "150108f26203304949bf00321d9294d469ab1979"

    /// `redis-cli -p 7471 DEBUG DIGEST-VALUE` of these keys, in this order.
    static let databaseZero: [(key: String, digest: String)] = [
        ("str", "36b23a1456b2dce2c3ed252c456761301dba8060"),
        ("int", "547a004a370bc71c2d611f010c52f2e7b64c77a4"),
        ("negzero", "e0600d2d16ffd1e26d9d7a86abf93583ae69b961"),
        ("leadingzeros", "8e00a8fb3b4e9d75e4004709d98cda64c3823457"),
        ("beyond", "e6209cec8df32b28e3caa48413f6d806f4703663"),
        ("empty", "8b3447c33a834b810e3e181b6fd6a2ee1020921c"),
        ("binary", "5426d687c649a54205f87e1d2dd0d044ed5bc0a7"),
        ("long", "6942b9b71aaff9a398b7a2f898756f5e28dd3cd1"),
        ("counter", "07c67dfbc5083f73c448480f17d37ddca504ccaf"),
        ("ttl:str", "311b17018163335616e089f6b951c82c477335ac"),
        ("list", "8c351bed8d44b2907474cd2ded9fc95fbd9328a7"),
        ("biglist", "22f2b48abd43b895b9ed18b91d3ae1909fa74cb2"),
        ("list:ttl", "4534b4cb138483adb1dbdb57b605180cfad50c3f"),
        ("hash", "64830abf809d4bcb1bda8306f7d04aeedd7882e7"),
        ("bighash", "da5884fc7ba8a8dc69e963590622d30a3baf7439"),
        ("longvaluehash", "af59cb727d919fed58a8fb5e7431c815b5b32732"),
        ("h:ttl", "764290614375888283b5a431391762cb21ffb885"),
        ("intset", "c973614b04d169415be2dcfd527667e50794b853"),
        ("bigintset", "04d81c0962ffde34acf89d01fe2057bd59abc03f"),
        ("strset", "184ea1ac59a6951f03ddc37262c128416132a75e"),
        ("s:ttl", "e7a1ca1a2129786a7477a3dba76489efb3eee776"),
        ("zset", "8993149c1b49ddada07edb0ec6cfd827a38d7ab3"),
        ("zbig", "15998c98f1f63f578828348bb75c2cf0f420cf49"),
        ("zlongmember", "f52d14ecb16c7e3f8498fbcb1a57eb65b47336c9"),
        ("z:ttl", "a5846e39316350ab396b7c4cb0705de2747e1916"),
        ("missing", zeros),
    ]

    /// `redis-cli -p 7471 -n 3 DEBUG DIGEST-VALUE` of these keys.
    static let databaseThree: [(key: String, digest: String)] = [
        ("str", "36b23a1456b2dce2c3ed252c456761301dba8060"),
        ("list", "8bf72d812571eea9b927f3c11beb0c4165a6ff89"),
        ("intset", "2a462a3f51a1db89738ebbeef0c47ce1bbc85246"),
        ("hash", "75b5bdb1966cd0b6f35aac02c5c85dc8498c33b9"),
        ("zset", "4abede9eeefb1bae2bf5394291a39b9e34b5b2b6"),
        ("db3:ttl", "0745672cb1bf060476eedeb8a28f5ffe1ff5a2be"),
        ("missing", zeros),
    ]

    /// A test engine holding the dataset, every command answered without an error.
    static func loadedDataset(sourceLocation: SourceLocation = #_sourceLocation) throws -> TestEngine {
        let path = URLPath.repositoryRoot() + "/testdata/redis-7.0.15-digest-dataset.redis"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let t = TestEngine()
        for line in text.split(separator: "\n") {
            let argv = try #require(splitArguments(Array(line.utf8)), "unparsable line: \(line)", sourceLocation: sourceLocation)
            let reply = t.run(argv)
            #expect(!reply.isError, "\(line.prefix(60)): \(reply)", sourceLocation: sourceLocation)
        }
        #expect(t.session.database == 0, sourceLocation: sourceLocation)
        return t
    }

    @Test func datasetDigestIsRedis() throws {
        let t = try Self.loadedDataset()
        #expect(t.engine.debugDigest() == Self.datasetDigest)
    }

    @Test func digestValueIsRedisInEachDatabase() throws {
        let t = try Self.loadedDataset()
        #expect(t.engine.debugDigestValue(keys: Self.databaseZero.map { Array($0.key.utf8) }, database: 0)
            == Self.databaseZero.map(\.digest))
        #expect(t.engine.debugDigestValue(keys: Self.databaseThree.map { Array($0.key.utf8) }, database: 3)
            == Self.databaseThree.map(\.digest))
        #expect(t.engine.debugDigestValue(keys: [], database: 0) == [])
    }

    @Test func emptyDatasetIsFortyZeros() {
        let t = TestEngine()
        #expect(t.engine.debugDigest() == Self.zeros)
        t.run("SET", "k", "v")
        t.run("DEL", "k")
        #expect(t.engine.debugDigest() == Self.zeros, "an emptied database is skipped, its id not mixed in")
    }

    /// Redis hashes whether a key has a TTL, not when it expires; Cairn's
    /// own digest tells the two apart.
    @Test func onlyThePresenceOfATTLCounts() {
        let a = TestEngine(), b = TestEngine()
        a.run("SET", "k", "v", "EX", "100")
        b.run("SET", "k", "v", "PXAT", "4102444800000")
        #expect(a.engine.debugDigest() == b.engine.debugDigest())
        #expect(a.engine.digest() != b.engine.digest())
        b.run("PERSIST", "k")
        #expect(a.engine.debugDigest() != b.engine.debugDigest())
    }

    /// Keys of a database are XORed (insertion order does not count),
    /// list elements mixed (their order does), and the same keys in another
    /// database give another digest.
    @Test func whatOrderCounts() {
        let a = TestEngine(), b = TestEngine()
        a.run("SET", "x", "1"); a.run("SADD", "s", "p", "q"); a.run("HSET", "h", "f", "1", "g", "2")
        b.run("HSET", "h", "g", "2", "f", "1"); b.run("SADD", "s", "q", "p"); b.run("SET", "x", "1")
        #expect(a.engine.debugDigest() == b.engine.debugDigest())
        a.run("RPUSH", "l", "a", "b")
        b.run("RPUSH", "l", "b", "a")
        #expect(a.engine.debugDigest() != b.engine.debugDigest())
        let c = TestEngine(), d = TestEngine()
        c.run("SET", "x", "1")
        d.run("SELECT", "3")
        d.run("SET", "x", "1")
        #expect(c.engine.debugDigest() != d.engine.debugDigest())
        #expect(c.engine.debugDigestValue(keys: [Array("x".utf8)], database: 0)
            == d.engine.debugDigestValue(keys: [Array("x".utf8)], database: 3))
    }

    /// debug.c finds the key with dictFind, not lookupKey: a key past its
    /// TTL that nothing has deleted yet still has its digest.
    @Test func logicallyExpiredKeysStillCount() {
        let t = TestEngine()
        t.run("SET", "k", "v", "PX", "10")
        let before = t.engine.debugDigest()
        t.clock.advance(milliseconds: 1_000)
        #expect(t.engine.debugDigest() == before)
        #expect(t.engine.debugDigestValue(keys: [Array("k".utf8)], database: 0) != [Self.zeros])
    }

    // MARK: redis-cli's argument splitting

    /// sdssplitargs, as much as the dataset uses: bare words, and double
    /// quotes with `\xHH`, `\n`, `\r`, `\t`, `\"` and `\\`. Nil when a
    /// quote is not closed.
    static func splitArguments(_ line: Bytes) -> [Bytes]? {
        var arguments: [Bytes] = []
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while true {
            while index < line.count && isSpace(line[index]) { index += 1 }
            guard index < line.count else { return arguments }
            var argument = Bytes()
            if line[index] == UInt8(ascii: "\"") {
                index += 1
                while true {
                    guard index < line.count else { return nil }
                    let byte = line[index]
                    if byte == UInt8(ascii: "\"") {
                        index += 1
                        break
                    }
                    if byte == UInt8(ascii: "\\") && index + 1 < line.count {
                        let next = line[index + 1]
                        if next == UInt8(ascii: "x"), index + 3 < line.count,
                           let high = hexValue(line[index + 2]), let low = hexValue(line[index + 3]) {
                            argument.append(high << 4 | low)
                            index += 4
                            continue
                        }
                        switch next {
                        case UInt8(ascii: "n"): argument.append(0x0A)
                        case UInt8(ascii: "r"): argument.append(0x0D)
                        case UInt8(ascii: "t"): argument.append(0x09)
                        default: argument.append(next)
                        }
                        index += 2
                        continue
                    }
                    argument.append(byte)
                    index += 1
                }
            } else {
                while index < line.count && !isSpace(line[index]) {
                    argument.append(line[index])
                    index += 1
                }
            }
            arguments.append(argument)
        }
    }

    @Test func splitArgumentsReadsRedisCliQuoting() {
        #expect(Self.splitArguments(Array(#"SET binary "\x00\xff\r\n\x01bin""#.utf8))
            == [Array("SET".utf8), Array("binary".utf8), [0x00, 0xFF, 0x0D, 0x0A, 0x01] + Array("bin".utf8)])
        #expect(Self.splitArguments(Array(#"SET empty """#.utf8)) == [Array("SET".utf8), Array("empty".utf8), []])
        #expect(Self.splitArguments(Array(#"SET open "x"#.utf8)) == nil)
    }
}
