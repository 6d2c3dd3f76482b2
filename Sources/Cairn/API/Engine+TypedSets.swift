/// Typed conveniences for sets (see Engine+Typed.swift): SADD, SREM,
/// SMEMBERS, SISMEMBER and SCARD with Swift types.
///
/// ```swift
/// try engine.sadd("tags:7", ["swift", "redis"])   // 2
/// try engine.sismember("tags:7", "swift")        // true
/// try engine.smembers("tags:7")                  // Set of Bytes
/// ```
extension Engine {
    /// `SADD key member...`: how many members were new.
    @discardableResult
    public func sadd(_ key: some ByteRepresentable, _ members: [any ByteRepresentable]) throws(CommandError) -> Int {
        Int(try call(["SADD", key] + members).integerValue ?? 0)
    }

    /// `SREM key member...`: how many members were removed.
    @discardableResult
    public func srem(_ key: some ByteRepresentable, _ members: [any ByteRepresentable]) throws(CommandError) -> Int {
        Int(try call(["SREM", key] + members).integerValue ?? 0)
    }

    /// `SMEMBERS key`: every member (empty when the key is missing).
    public func smembers(_ key: some ByteRepresentable) throws(CommandError) -> Set<Bytes> {
        guard case .set(let members) = try call(["SMEMBERS", key]) else { return [] }
        return Set(members.compactMap(\.bytesValue))
    }

    /// `SISMEMBER key member`.
    public func sismember(_ key: some ByteRepresentable, _ member: some ByteRepresentable) throws(CommandError) -> Bool {
        try call(["SISMEMBER", key, member]).integerValue == 1
    }

    /// `SCARD key`: the number of members (0 when the key is missing).
    public func scard(_ key: some ByteRepresentable) throws(CommandError) -> Int {
        Int(try call(["SCARD", key]).integerValue ?? 0)
    }
}
