/// Typed conveniences for lists, in the style of Engine+Typed.swift: each
/// is one argv away from its Redis command.
///
/// ```swift
/// try engine.rpush("jobs", ["a", "b"])        // 2
/// let next = try engine.lpop("jobs")           // Bytes of "a"
/// ```
extension Engine {
    /// `LPUSH key element...`: the length after the push. The elements end
    /// up in reverse order at the head, as Redis pushes them one by one.
    @discardableResult
    public func lpush(_ key: some ByteRepresentable, _ elements: [any ByteRepresentable]) throws(CommandError) -> Int {
        Int(try call(["LPUSH", key] + elements).integerValue ?? 0)
    }

    /// `RPUSH key element...`: the length after the push.
    @discardableResult
    public func rpush(_ key: some ByteRepresentable, _ elements: [any ByteRepresentable]) throws(CommandError) -> Int {
        Int(try call(["RPUSH", key] + elements).integerValue ?? 0)
    }

    /// `LPOP key`: the head element, nil when the key is missing.
    public func lpop(_ key: some ByteRepresentable) throws(CommandError) -> Bytes? {
        try call(["LPOP", key]).bytesValue
    }

    /// `LPOP key count`: up to `count` elements from the head (empty when the key is missing).
    public func lpop(_ key: some ByteRepresentable, count: Int) throws(CommandError) -> [Bytes] {
        Engine.elements(try call(["LPOP", key, String(count)]))
    }

    /// `RPOP key`: the tail element, nil when the key is missing.
    public func rpop(_ key: some ByteRepresentable) throws(CommandError) -> Bytes? {
        try call(["RPOP", key]).bytesValue
    }

    /// `RPOP key count`: up to `count` elements from the tail, last first.
    public func rpop(_ key: some ByteRepresentable, count: Int) throws(CommandError) -> [Bytes] {
        Engine.elements(try call(["RPOP", key, String(count)]))
    }

    /// `LRANGE key start stop` (negative indexes count from the end; the
    /// default is the whole list).
    public func lrange(_ key: some ByteRepresentable, _ start: Int = 0, _ stop: Int = -1) throws(CommandError) -> [Bytes] {
        Engine.elements(try call(["LRANGE", key, String(start), String(stop)]))
    }

    /// `LLEN key`: 0 when the key is missing.
    public func llen(_ key: some ByteRepresentable) throws(CommandError) -> Int {
        Int(try call(["LLEN", key]).integerValue ?? 0)
    }

    private static func elements(_ reply: Reply) -> [Bytes] {
        guard case .array(let replies) = reply else { return [] }
        return replies.compactMap(\.bytesValue)
    }
}
