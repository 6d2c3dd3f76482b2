@testable import Cairn

extension Workload {
    /// Set commands for the shared random workload (replay and power-loss
    /// tests): writes of every kind, SPOP's random picks, the STORE forms,
    /// on set keys and on the shared keys (so WRONGTYPE and overwrites of
    /// other types happen too).
    static func setCommand(_ random: inout RandomSource) -> [String] {
        func pick(_ options: [String]) -> String { options[Int.random(in: 0..<options.count, using: &random)] }
        func key() -> String { Int.random(in: 0..<3, using: &random) == 0 ? pick(keys) : pick(["s0", "s1", "s2"]) }
        func member() -> String { pick(values + ["a", "b", "70000", "-5000000000", "s\0t"]) }
        func count() -> String { String(Int.random(in: -3...12, using: &random)) }
        switch Int.random(in: 0..<12, using: &random) {
        case 0, 1: return ["SADD", key(), member(), member(), member()]
        case 2: return ["SREM", key(), member(), member()]
        case 3: return ["SPOP", key()] + (Bool.random(using: &random) ? [] : [count()])
        case 4: return ["SMOVE", key(), key(), member()]
        case 5: return ["SINTERSTORE", key(), key(), key()]
        case 6: return ["SUNIONSTORE", key(), key(), key()]
        case 7: return ["SDIFFSTORE", key(), key(), key()]
        case 8: return ["SRANDMEMBER", key(), count()]
        case 9: return ["SINTERCARD", "2", key(), key(), "LIMIT", count()]
        case 10: return ["SSCAN", key(), "0"]
        default: return ["SMEMBERS", key()]
        }
    }
}
