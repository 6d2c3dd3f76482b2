import Foundation
import Testing
@testable import Cairn

/// Random set commands against a model (a dictionary of Swift `Set`s):
/// every reply and the final state must agree, across intset widths and
/// conversions (a small `set-max-intset-entries` makes them frequent), and
/// the effects must replay to the same state.
///
/// Replay a failure with `CAIRN_SEED=<seed> swift test --filter SetsModelTests`.
@Suite struct SetsModelTests {
    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["CAIRN_SEED"], let seed = UInt64(text) { return [seed] }
        var system = SystemRandomNumberGenerator()
        return [11, 12, system.next()]
    }()

    @Test(arguments: seeds)
    func matchesTheModel(seed: UInt64) {
        print("SetsModelTests seed \(seed)")
        var random = RandomSource(seed: seed)
        let t = TestEngine(seed: seed)
        var limits = EncodingLimits()
        limits.setMaxIntsetEntries = [4, 16, 512][Int.random(in: 0..<3, using: &random)]
        t.engine.keyspace.limits = limits
        var model: [String: Set<String>] = [:]
        let keys = ["a", "b", "c"]
        let pool = ["0", "1", "-1", "7", "300", "40000", "-70000", "5000000000", "-9223372036854775808",
                    "x", "y", "01", "", "\0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]
        func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &random)] }
        func sorted(_ set: Set<String>?) -> [String] { (set ?? []).sorted() }
        func store(_ key: String, _ result: Set<String>) { model[key] = result.isEmpty ? nil : result }

        for step in 0..<3000 {
            let key = pick(keys), other = pick(keys), third = pick(keys)
            let members = (0..<Int.random(in: 1...4, using: &random)).map { _ in pick(pool) }
            let where_ = "seed \(seed) step \(step)"
            switch Int.random(in: 0..<11, using: &random) {
            case 0, 1, 2:
                let new = Set(members).subtracting(model[key] ?? [])
                #expect(t.run((["SADD", key] + members).map { Array($0.utf8) }) == .integer(Int64(new.count)), "\(where_)")
                model[key, default: []].formUnion(members)
            case 3:
                let gone = Set(members).intersection(model[key] ?? [])
                #expect(t.run((["SREM", key] + members).map { Array($0.utf8) }) == .integer(Int64(gone.count)), "\(where_)")
                store(key, (model[key] ?? []).subtracting(members))
            case 4:
                let member = members[0]
                let moved = model[key]?.contains(member) == true
                #expect(t.run("SMOVE", key, other, member) == .integer(moved ? 1 : 0), "\(where_)")
                if moved && key != other {
                    store(key, model[key]!.subtracting([member]))
                    model[other, default: []].insert(member)
                }
            case 5:
                let a = model[key] ?? [], b = model[other] ?? []
                #expect(SetTestSupport.members(t.run("SINTER", key, other)) == sorted(a.intersection(b)), "\(where_)")
                #expect(SetTestSupport.members(t.run("SUNION", key, other)) == sorted(a.union(b)), "\(where_)")
                #expect(SetTestSupport.members(t.run("SDIFF", key, other)) == sorted(a.subtracting(b)), "\(where_)")
                #expect(t.run("SINTERCARD", "2", key, other) == .integer(Int64(a.intersection(b).count)), "\(where_)")
            case 6:
                let a = model[other] ?? [], b = model[third] ?? []
                let (command, result) = pick([("SINTERSTORE", a.intersection(b)), ("SUNIONSTORE", a.union(b)),
                                              ("SDIFFSTORE", a.subtracting(b))])
                #expect(t.run(command, key, other, third) == .integer(Int64(result.count)), "\(where_)")
                store(key, result)
            case 7:
                let count = Int.random(in: 0...6, using: &random)
                let popped = SetTestSupport.members(t.run("SPOP", key, String(count)))
                #expect(popped.count == min(count, model[key]?.count ?? 0), "\(where_)")
                #expect(Set(popped).isSubset(of: model[key] ?? []), "\(where_)")
                store(key, (model[key] ?? []).subtracting(popped))
            case 8:
                let count = Int.random(in: -6...6, using: &random)
                let picked = SetTestSupport.members(t.run("SRANDMEMBER", key, String(count)))
                let size = model[key]?.count ?? 0
                #expect(picked.count == (count < 0 ? (size == 0 ? 0 : -count) : min(count, size)), "\(where_)")
                #expect(Set(picked).isSubset(of: model[key] ?? []), "\(where_)")
            case 9:
                #expect(t.run("SCARD", key) == .integer(Int64(model[key]?.count ?? 0)), "\(where_)")
                #expect(t.run("SISMEMBER", key, members[0]) == .integer(model[key]?.contains(members[0]) == true ? 1 : 0),
                        "\(where_)")
            default:
                #expect(SetTestSupport.members(t.run("SMEMBERS", key)) == sorted(model[key]), "\(where_)")
            }
        }
        for key in keys {
            #expect(SetTestSupport.members(t.run("SMEMBERS", key)) == sorted(model[key]), "seed \(seed) final \(key)")
            if let set = SetTestSupport.stored(t, key) {
                let allIntegers = model[key]!.allSatisfy { Numbers.parseInteger(Array($0.utf8)) != nil }
                if !allIntegers { #expect(!set.isIntset, "seed \(seed): \(key) holds a non-integer") }
                if set.count > limits.setMaxIntsetEntries { #expect(!set.isIntset) }
            }
        }
        t.expectReplayMatches()
    }
}
