/// Typed sorted-set conveniences over `execute`, in the style of
/// `Engine+Typed.swift`: each is one argv away from its Redis command.
///
/// ```swift
/// let engine = Engine()
/// try engine.zadd("scores", [(10, "alice"), (7.5, "bob")])
/// let top = try engine.zrange("scores", ranks: 0...0, reverse: true)  // [("alice", 10)]
/// let rank = try engine.zrank("scores", "bob")                        // 0
/// ```
extension Engine {
    /// A member and its score, as the typed range calls return them.
    public typealias ScoredMember = (member: Bytes, score: Double)

    /// `ZADD key score member ...`: how many members were new.
    @discardableResult
    public func zadd(_ key: some ByteRepresentable,
                     _ pairs: [(score: Double, member: any ByteRepresentable)]) throws(CommandError) -> Int {
        Int(try call(["ZADD", key] + pairs.flatMap { [$0.score, $0.member] }).integerValue ?? 0)
    }

    /// `ZINCRBY key increment member`: the new score.
    @discardableResult
    public func zincrby(_ key: some ByteRepresentable, _ increment: Double,
                        _ member: some ByteRepresentable) throws(CommandError) -> Double {
        try call(["ZINCRBY", key, increment, member]).doubleValue ?? 0
    }

    /// `ZSCORE key member`.
    public func zscore(_ key: some ByteRepresentable, _ member: some ByteRepresentable) throws(CommandError) -> Double? {
        try call(["ZSCORE", key, member]).doubleValue
    }

    /// `ZRANK key member` (or `ZREVRANK` when `reverse`): 0-based.
    public func zrank(_ key: some ByteRepresentable, _ member: some ByteRepresentable,
                      reverse: Bool = false) throws(CommandError) -> Int? {
        try call([reverse ? "ZREVRANK" : "ZRANK", key, member]).integerValue.map { Int($0) }
    }

    /// `ZREM key member...`: how many were removed.
    @discardableResult
    public func zrem(_ key: some ByteRepresentable, _ members: any ByteRepresentable...) throws(CommandError) -> Int {
        Int(try call(["ZREM", key] + members).integerValue ?? 0)
    }

    /// `ZCARD key`.
    public func zcard(_ key: some ByteRepresentable) throws(CommandError) -> Int {
        Int(try call(["ZCARD", key]).integerValue ?? 0)
    }

    /// `ZRANGE key start stop [REV] WITHSCORES`: the members at those ranks
    /// (negative ranks count from the end, as in Redis).
    public func zrange(_ key: some ByteRepresentable, ranks: ClosedRange<Int>,
                       reverse: Bool = false) throws(CommandError) -> [ScoredMember] {
        var argv: [any ByteRepresentable] = ["ZRANGE", key, String(ranks.lowerBound), String(ranks.upperBound)]
        if reverse { argv.append("REV") }
        return Engine.scoredMembers(try call(argv + ["WITHSCORES"]))
    }

    /// `ZRANGE key min max BYSCORE [REV] [LIMIT offset count] WITHSCORES`:
    /// members with `scores.lowerBound <= score <= scores.upperBound`,
    /// lowest first (highest first when `reverse`).
    public func zrange(_ key: some ByteRepresentable, scores: ClosedRange<Double>, reverse: Bool = false,
                       offset: Int = 0, limit: Int? = nil) throws(CommandError) -> [ScoredMember] {
        var argv: [any ByteRepresentable] = ["ZRANGE", key]
        argv += reverse ? [scores.upperBound, scores.lowerBound] : [scores.lowerBound, scores.upperBound]
        argv.append("BYSCORE")
        if reverse { argv.append("REV") }
        if let limit { argv += ["LIMIT", String(offset), String(limit)] }
        else if offset != 0 { argv += ["LIMIT", String(offset), "-1"] }
        return Engine.scoredMembers(try call(argv + ["WITHSCORES"]))
    }

    /// A WITHSCORES reply (flat in RESP2, which `execute` speaks) as pairs.
    static func scoredMembers(_ reply: Reply) -> [ScoredMember] {
        guard case .array(let flat) = reply else { return [] }
        var result: [ScoredMember] = []
        var index = 0
        while index + 1 < flat.count {
            if let member = flat[index].bytesValue, let score = flat[index + 1].doubleValue { result.append((member, score)) }
            index += 2
        }
        return result
    }
}

extension Reply {
    /// The value of a double reply; nil for anything else.
    public var doubleValue: Double? {
        if case .double(let value) = self { return value }
        return nil
    }
}
