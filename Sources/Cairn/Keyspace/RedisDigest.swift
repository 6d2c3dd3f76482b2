/// Redis 7.0.15's `DEBUG DIGEST` and `DEBUG DIGEST-VALUE` (debug.c's
/// computeDatasetDigest and xorObjectDigest), byte for byte, so that a Cairn
/// dataset and a redis-server holding the same data report the same forty
/// hex digits. Cairn's own `Digest` stays the fast fingerprint tests compare
/// states with; this one exists to be compared with Redis.
///
/// What Redis hashes, and so what this hashes:
/// - every value as the string a client reads (integer-encoded strings,
///   intset members and listpack integers as their decimal text), so the
///   encoding never shows;
/// - `mix` where order counts (a key and its value, list elements in order,
///   the databases in turn), `xor` where it does not (keys of a database,
///   set members, hash fields, sorted-set members);
/// - sorted-set scores as `snprintf("%.17g")` prints them (`inf`, `-inf`,
///   `-0`, `0.30000000000000004`), the same in listpack and skiplist form;
/// - only whether a key has a TTL (`!!expire!!`), not when it expires, and
///   keys already logically expired but not yet deleted (Redis walks the
///   dict without lookupKey).
enum RedisDigest {
    /// xorObjectDigest's type word: server.h's OBJ_STRING ... OBJ_HASH.
    private static func typeCode(_ value: Value) -> UInt32 {
        switch value {
        case .string: return 0
        case .list: return 1
        case .set: return 2
        case .zset: return 3
        case .hash: return 4
        }
    }

    /// computeDatasetDigest: for each non-empty database in order, the
    /// running digest is mixed with its id (so the same keys in another
    /// database differ), then the hash of every key's digest is XORed in
    /// (xorDigest hashes what it is given before XORing it). Twenty zero
    /// bytes when there are no keys.
    static func dataset(_ keyspace: Keyspace) -> SHA1Digest {
        var final = SHA1Digest.zero
        for index in 0..<Keyspace.databaseCount {
            let database = keyspace.databases[index]
            guard !database.main.isEmpty else { continue }
            mix(&final, word: UInt32(index))
            database.main.forEachEntry { entry in
                let key = database.main.key(at: entry)
                var digest = SHA1Digest.zero
                mix(&digest, key)
                addObject(database.main.value(at: entry), hasExpiry: database.expireAt(key) != nil, to: &digest)
                final ^= SHA1.hash(digest)
            }
        }
        return final
    }

    /// `DEBUG DIGEST-VALUE`'s digest of one key: xorObjectDigest from zero,
    /// without the key's name; zero for a missing key. Like Redis it finds
    /// the key without expiring it.
    static func value(of key: ByteString, in database: Database) -> SHA1Digest {
        var digest = SHA1Digest.zero
        if let value = database.main[key] {
            addObject(value, hasExpiry: database.expireAt(key) != nil, to: &digest)
        }
        return digest
    }

    /// xorObjectDigest: the type word and the value mixed into `digest`,
    /// then `!!expire!!` XORed in when the key has a TTL.
    private static func addObject(_ value: Value, hasExpiry: Bool, to digest: inout SHA1Digest) {
        mix(&digest, word: typeCode(value))
        switch value {
        case .string(let string):
            mix(&digest, string)
        case .list(let list):
            list.forEach(in: 0..<list.count) { _, element in
                mix(&digest, element)
                return true
            }
        case .set(let set):
            // XORed straight into the key's digest, not through an element digest.
            set.forEach { digest ^= SHA1.hash($0) }
        case .zset(let zset):
            // Each pair gets an element digest (member, then score, mixed),
            // and like every xorDigest it is hashed once more as it is XORed in.
            zset.forEach { member, score in
                var element = SHA1Digest.zero
                mix(&element, member)
                mix(&element, Numbers.formatDouble(score))
                digest ^= SHA1.hash(element)
            }
        case .hash(let hash):
            hash.forEach { field, fieldValue in
                var element = SHA1Digest.zero
                mix(&element, field)
                mix(&element, fieldValue)
                digest ^= SHA1.hash(element)
            }
        }
        if hasExpiry { digest ^= SHA1.hash(expireMarker) }
    }

    private static let expireMarker = Array("!!expire!!".utf8)

    /// mixDigest: `digest = SHA1(digest xor SHA1(data))`.
    private static func mix(_ digest: inout SHA1Digest, _ data: ByteString) {
        digest ^= SHA1.hash(data)
        digest = SHA1.hash(digest)
    }

    private static func mix(_ digest: inout SHA1Digest, _ data: Bytes) {
        digest ^= SHA1.hash(data)
        digest = SHA1.hash(digest)
    }

    /// mixDigest of `htonl(word)`: its four bytes, most significant first.
    private static func mix(_ digest: inout SHA1Digest, word: UInt32) {
        mix(&digest, (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) })
    }
}

extension Engine {
    /// `DEBUG DIGEST`'s reply and `cairn-dump digest`'s output: Redis
    /// 7.0.15's dataset digest, forty hex digits, equal to a redis-server's
    /// for the same keys, values and presence of TTLs (forty zeros when
    /// there are no keys).
    ///
    /// ```swift
    /// let engine = Engine()
    /// engine.debugDigest()   // "0000000000000000000000000000000000000000"
    /// ```
    public func debugDigest() -> String {
        RedisDigest.dataset(keyspace).hex
    }

    /// `DEBUG DIGEST-VALUE key ...` in `database`: one Redis digest per key,
    /// in order, of the value alone (the key's name is not hashed, so equal
    /// values under two names match); forty zeros for a missing key.
    public func debugDigestValue(keys: [Bytes], database: Int) -> [String] {
        let database = keyspace.databases[database]
        return keys.map { RedisDigest.value(of: ByteString($0), in: database).hex }
    }
}
