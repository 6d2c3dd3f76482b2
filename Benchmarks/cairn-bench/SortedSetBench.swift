import Cairn

// `cairn-bench zsets [N]`: a sorted set of N members (default 1,000,000)
// through the engine (ZADD, ZRANK, ZRANGE BYSCORE LIMIT 0 10), then the
// engine's sorted set against a plain sorted array with a member->score
// dictionary at 10, 1,000 and 1,000,000 members: the same insert+delete
// and rank work through both. The engine numbers include command dispatch
// (argv in, Reply out), so a small set favours the array; the point is the
// growth: the skiplist stays logarithmic where the array moves memory.

/// Deterministic scores (the engine's seeded generator), so runs compare.
extension RandomSource {
    mutating func score() -> Double { Double(next() % 1_000_000) / 10 }
}

/// The baseline: (score, member) pairs kept sorted, found by binary search.
struct SortedArrayZset {
    var pairs: [(score: Double, member: Bytes)] = []
    var scores: [Bytes: Double] = [:]

    func position(_ score: Double, _ member: Bytes) -> Int {
        var low = 0, high = pairs.count
        while low < high {
            let middle = (low + high) / 2
            let pair = pairs[middle]
            if pair.score < score || (pair.score == score && pair.member.lexicographicallyPrecedes(member)) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    mutating func insert(_ score: Double, _ member: Bytes) {
        pairs.insert((score, member), at: position(score, member))
        scores[member] = score
    }

    mutating func remove(_ member: Bytes) {
        guard let score = scores.removeValue(forKey: member) else { return }
        pairs.remove(at: position(score, member))
    }

    func rank(_ member: Bytes) -> Int? { scores[member].map { position($0, member) } }
}

func runSortedSetWorkload(count: Int) {
    let engine = Engine()
    let zadd = Array("ZADD".utf8), zrank = Array("ZRANK".utf8), zrange = Array("ZRANGE".utf8), zrem = Array("ZREM".utf8)
    let key = Array("zset".utf8)
    var random = RandomSource(seed: 7)
    let members = (0..<count).map { keyName("member:", $0) }
    let scores = (0..<count).map { _ in Array(String(random.score()).utf8) }
    let before = residentBytes()
    let zaddSeconds = seconds {
        for index in 0..<count { _ = engine.execute([zadd, key, scores[index], members[index]]) }
    }
    let after = residentBytes()
    let lookups = min(count, 200_000)
    var found = 0
    let zrankSeconds = seconds {
        for _ in 0..<lookups {
            if case .integer = engine.execute([zrank, key, members[Int(random.next() % UInt64(count))]]) { found += 1 }
        }
    }
    precondition(found == lookups)
    var returned = 0
    let rangeSeconds = seconds {
        for _ in 0..<lookups {
            let low = Array(String(random.score()).utf8)
            let argv = [zrange, key, low, Array("+inf".utf8), Array("BYSCORE".utf8), Array("LIMIT".utf8), Array("0".utf8), Array("10".utf8)]
            if case .array(let replies) = engine.execute(argv) { returned += replies.count }
        }
    }
    report("zsets.bytes_per_member", Double(after - before) / Double(count), "B")
    report("zsets.zadd_ops_per_sec", Double(count) / zaddSeconds, "ops/s")
    report("zsets.zrank_ops_per_sec", Double(lookups) / zrankSeconds, "ops/s")
    report("zsets.zrange_byscore_limit10_ops_per_sec", Double(lookups) / rangeSeconds, "ops/s")
    report("zsets.zrange_byscore_limit10_avg_returned", Double(returned) / Double(lookups), "members")
    _ = engine.execute([Array("DEL".utf8), key])

    for size in [10, 1_000, 1_000_000] {
        let operations = size >= 1_000_000 ? 2_000 : 100_000
        let sizeKey = Array("zset:\(size)".utf8)
        var array = SortedArrayZset()
        for index in 0..<size {
            let score = random.score()
            let member = keyName("m:", index)
            _ = engine.execute([zadd, sizeKey, Array(String(score).utf8), member])
            array.insert(score, member)
        }
        let extra = (0..<operations).map { keyName("extra:", $0) }
        let extraScores = (0..<operations).map { _ in random.score() }
        let probes = (0..<operations).map { _ in keyName("m:", Int(random.next() % UInt64(size))) }
        let engineWrite = seconds {
            for index in 0..<operations {
                _ = engine.execute([zadd, sizeKey, Array(String(extraScores[index]).utf8), extra[index]])
                _ = engine.execute([zrem, sizeKey, extra[index]])
            }
        }
        let arrayWrite = seconds {
            for index in 0..<operations {
                array.insert(extraScores[index], extra[index])
                array.remove(extra[index])
            }
        }
        var ranks = 0
        let engineRank = seconds {
            for probe in probes { if case .integer(let rank) = engine.execute([zrank, sizeKey, probe]) { ranks &+= Int(rank) } }
        }
        let arrayRank = seconds {
            for probe in probes { ranks &-= array.rank(probe) ?? 0 }
        }
        precondition(ranks == 0, "engine and array ranks differ at \(size) members")
        report("zsets.n\(size).engine_insert_delete_ops_per_sec", Double(operations) / engineWrite, "ops/s")
        report("zsets.n\(size).sorted_array_insert_delete_ops_per_sec", Double(operations) / arrayWrite, "ops/s")
        report("zsets.n\(size).engine_rank_ops_per_sec", Double(operations) / engineRank, "ops/s")
        report("zsets.n\(size).sorted_array_rank_ops_per_sec", Double(operations) / arrayRank, "ops/s")
        _ = engine.execute([Array("DEL".utf8), sizeKey])
    }
}
