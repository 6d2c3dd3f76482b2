/// An order-independent digest of a database's contents: the same keys,
/// types, values and expiry times give the same digest whatever order they
/// were inserted in (per-key hashes are combined by addition). Crash and
/// recovery tests compare states with it: unlike Redis's SHA-1 digest
/// (`RedisDigest`, what `DEBUG DIGEST` and `cairn-dump digest` report) it
/// covers expiry times to the millisecond, and costs no SHA-1 per element.
enum Digest {
    /// 128 bits as two lanes; (0, 0) for an empty database.
    struct Lanes: Equatable {
        var high: UInt64 = 0
        var low: UInt64 = 0

        mutating func add(_ other: Lanes) {
            high &+= other.high
            low &+= other.low
        }

        /// 32 lowercase hex digits.
        var hex: String {
            func pad(_ value: UInt64) -> String {
                let digits = String(value, radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }
            return pad(high) + pad(low)
        }
    }

    static func database(_ database: Database) -> Lanes {
        var total = Lanes()
        database.main.forEachEntry { entry in
            let key = database.main.key(at: entry)
            var item = Hash128()
            item.combine(key)
            switch database.main.value(at: entry) {
            case .string(let string):
                item.combine(1)
                item.combine(string)
            case .hash(let hash):
                item.combine(2)
                item.combineUnordered { add in
                    hash.forEach { field, value in
                        var pair = Hash128()
                        pair.combine(field)
                        pair.combine(value)
                        add(pair)
                    }
                }
            case .list(let list):
                // Ordered: the elements are hashed in sequence.
                item.combine(3)
                item.combine(UInt64(list.count))
                list.forEach(in: 0..<list.count) { _, element in
                    item.combine(element)
                    return true
                }
            case .set(let set):
                // Members are summed, so the digest ignores their order.
                item.combine(4)
                item.combineUnordered { add in
                    set.forEach { member in
                        var one = Hash128()
                        one.combine(member)
                        add(one)
                    }
                }
            case .zset(let zset):
                item.combine(5)
                item.combineUnordered { add in
                    zset.forEach { member, score in
                        var pair = Hash128()
                        pair.combine(member)
                        pair.combine(score.bitPattern)
                        add(pair)
                    }
                }
            }
            item.combine(UInt64(bitPattern: database.expires[key] ?? -1))
            total.add(item.finalize())
        }
        return total
    }

    /// Two independent FNV-1a-style lanes with a strong final mix.
    struct Hash128 {
        private var a: UInt64 = 0xcbf2_9ce4_8422_2325
        private var b: UInt64 = 0x8422_2325_cbf2_9ce4

        mutating func combine(_ string: ByteString) {
            combine(UInt64(string.count))
            string.withUnsafeBytes { raw in
                for byte in raw {
                    a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                    b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 ^ 0x5bd1_e995
                }
            }
        }

        mutating func combine(_ word: UInt64) {
            a = mix(a ^ word)
            b = mix(b &+ word &* 0x9E37_79B9_7F4A_7C15)
        }

        /// Combines the elements `visit` hands to `add`, in any order: each is
        /// finalized on its own and the results summed (hashes, sets and
        /// sorted sets have no order a replay must reproduce).
        mutating func combineUnordered(_ visit: (_ add: (Hash128) -> Void) -> Void) {
            var total = Lanes()
            visit { total.add($0.finalize()) }
            combine(total.high)
            combine(total.low)
        }

        func finalize() -> Lanes { Lanes(high: mix(a), low: mix(b ^ 0xD6E8_FEB8_6659_FD93)) }

        private func mix(_ value: UInt64) -> UInt64 {
            var z = value
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

extension Engine {
    /// The digest of one database, as 32 hex digits (all zeros when empty).
    public func digest(database: Int) -> String {
        Digest.database(keyspace.databases[database]).hex
    }

    /// The digest of all sixteen databases together.
    public func digest() -> String {
        var total = Digest.Lanes()
        for index in 0..<Keyspace.databaseCount {
            var lanes = Digest.database(keyspace.databases[index])
            guard lanes != Digest.Lanes() else { continue }
            var salt = Digest.Hash128()
            salt.combine(UInt64(index))
            salt.combine(lanes.high)
            salt.combine(lanes.low)
            lanes = salt.finalize()
            total.add(lanes)
        }
        return total.hex
    }
}
