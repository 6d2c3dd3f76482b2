/// Typed conveniences over `execute`: the same commands, the same semantics
/// and the same effects, with Swift types instead of argv and `Reply`.
/// Each is one argv away from its Redis command, so there is only one
/// implementation of every behaviour.
///
/// ```swift
/// let engine = Engine()
/// try engine.set("session:7", "alice", expiration: .seconds(1800))
/// let user = try engine.get("session:7")          // Bytes of "alice"
/// let visits = try engine.incr("visits")          // 1
/// ```
extension Engine {
    /// When a `SET` key expires.
    public enum Expiration: Sendable {
        case seconds(Int64)
        case milliseconds(Int64)
        case unixSeconds(Int64)
        case unixMilliseconds(Int64)
        /// Keep the key's current TTL (`KEEPTTL`).
        case keep
    }

    /// When a `SET` writes.
    public enum SetCondition: Sendable {
        case always
        /// `NX`: only if the key does not exist.
        case ifAbsent
        /// `XX`: only if the key exists.
        case ifPresent
    }

    /// A key's time to live, as `PTTL` reports it.
    public enum TimeToLive: Sendable, Equatable {
        case missing
        case persistent
        case milliseconds(Int64)
    }

    /// Runs `argv` and turns an error reply into a thrown `CommandError`.
    @discardableResult
    func call(_ arguments: [any ByteRepresentable]) throws(CommandError) -> Reply {
        let reply = execute(arguments.map(\.cairnBytes))
        if case .error(let message) = reply { throw CommandError(message) }
        return reply
    }

    // MARK: Strings

    /// `GET key`.
    public func get(_ key: some ByteRepresentable) throws(CommandError) -> Bytes? {
        try call(["GET", key]).bytesValue
    }

    /// `SET key value [EX|PX|EXAT|PXAT|KEEPTTL] [NX|XX]`; returns whether it wrote.
    @discardableResult
    public func set(_ key: some ByteRepresentable, _ value: some ByteRepresentable,
                    expiration: Expiration? = nil, condition: SetCondition = .always) throws(CommandError) -> Bool {
        var argv: [any ByteRepresentable] = ["SET", key, value]
        switch expiration {
        case nil: break
        case .seconds(let n): argv += ["EX", String(n)]
        case .milliseconds(let n): argv += ["PX", String(n)]
        case .unixSeconds(let n): argv += ["EXAT", String(n)]
        case .unixMilliseconds(let n): argv += ["PXAT", String(n)]
        case .keep: argv.append("KEEPTTL")
        }
        switch condition {
        case .always: break
        case .ifAbsent: argv.append("NX")
        case .ifPresent: argv.append("XX")
        }
        return try call(argv) != .null
    }

    /// `MGET key...`: one optional value per key.
    public func mget(_ keys: [any ByteRepresentable]) throws(CommandError) -> [Bytes?] {
        guard case .array(let replies) = try call(["MGET"] + keys) else { return [] }
        return replies.map(\.bytesValue)
    }

    /// `MSET key value ...`.
    public func mset(_ pairs: [(any ByteRepresentable, any ByteRepresentable)]) throws(CommandError) {
        try call(["MSET"] + pairs.flatMap { [$0.0, $0.1] })
    }

    /// `INCRBY key increment`: the new value.
    @discardableResult
    public func incr(_ key: some ByteRepresentable, by increment: Int64 = 1) throws(CommandError) -> Int64 {
        try call(["INCRBY", key, String(increment)]).integerValue ?? 0
    }

    /// `INCRBYFLOAT key increment`: the new value.
    @discardableResult
    public func incr(_ key: some ByteRepresentable, byFloat increment: Double) throws(CommandError) -> Double {
        let reply = try call(["INCRBYFLOAT", key, increment])
        return reply.bytesValue.flatMap { Double(String(decoding: $0, as: UTF8.self)) } ?? 0
    }

    // MARK: Keys

    /// `DEL key...`: how many existed.
    @discardableResult
    public func delete(_ keys: any ByteRepresentable...) throws(CommandError) -> Int {
        Int(try call(["DEL"] + keys).integerValue ?? 0)
    }

    /// `EXISTS key`.
    public func exists(_ key: some ByteRepresentable) throws(CommandError) -> Bool {
        try call(["EXISTS", key]).integerValue == 1
    }

    /// `PEXPIRE key milliseconds` (or `EXPIRE` for whole seconds): whether a TTL was set.
    @discardableResult
    public func expire(_ key: some ByteRepresentable, after duration: Duration) throws(CommandError) -> Bool {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return try call(["PEXPIRE", key, String(milliseconds)]).integerValue == 1
    }

    /// `PERSIST key`: whether a TTL was removed.
    @discardableResult
    public func persist(_ key: some ByteRepresentable) throws(CommandError) -> Bool {
        try call(["PERSIST", key]).integerValue == 1
    }

    /// `PTTL key`.
    public func timeToLive(_ key: some ByteRepresentable) throws(CommandError) -> TimeToLive {
        switch try call(["PTTL", key]).integerValue ?? -2 {
        case -2: return .missing
        case -1: return .persistent
        case let milliseconds: return .milliseconds(milliseconds)
        }
    }

    // MARK: Hashes

    /// `HSET key field value ...`: how many fields were new.
    @discardableResult
    public func hset(_ key: some ByteRepresentable,
                     _ fields: [(any ByteRepresentable, any ByteRepresentable)]) throws(CommandError) -> Int {
        Int(try call(["HSET", key] + fields.flatMap { [$0.0, $0.1] }).integerValue ?? 0)
    }

    /// `HGET key field`.
    public func hget(_ key: some ByteRepresentable, _ field: some ByteRepresentable) throws(CommandError) -> Bytes? {
        try call(["HGET", key, field]).bytesValue
    }

    /// `HGETALL key`: every field and value (empty when the key is missing).
    public func hgetall(_ key: some ByteRepresentable) throws(CommandError) -> [Bytes: Bytes] {
        guard case .map(let flat) = try call(["HGETALL", key]) else { return [:] }
        var result: [Bytes: Bytes] = [:]
        var index = 0
        while index + 1 < flat.count {
            if let field = flat[index].bytesValue, let value = flat[index + 1].bytesValue { result[field] = value }
            index += 2
        }
        return result
    }

    /// `HDEL key field...`: how many fields were removed.
    @discardableResult
    public func hdel(_ key: some ByteRepresentable, _ fields: any ByteRepresentable...) throws(CommandError) -> Int {
        Int(try call(["HDEL", key] + fields).integerValue ?? 0)
    }

    /// `HINCRBY key field increment`: the new value.
    @discardableResult
    public func hincr(_ key: some ByteRepresentable, _ field: some ByteRepresentable,
                      by increment: Int64 = 1) throws(CommandError) -> Int64 {
        try call(["HINCRBY", key, field, String(increment)]).integerValue ?? 0
    }
}

extension Reply {
    /// The bytes of a bulk reply; nil for anything else.
    public var bytesValue: Bytes? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    /// The value of an integer reply; nil for anything else.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}
