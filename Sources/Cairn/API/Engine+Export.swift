/// A key and its value as plain bytes, for tools that take a dataset out
/// of an engine (cairn-dump export): nothing of the engine's own storage.
public struct ExportedKey: Sendable {
    public var database: Int
    public var key: Bytes
    /// Absolute expiry, Unix milliseconds.
    public var expireAt: Int64?
    public var value: ExportedValue
}

/// A value, one case per Redis type, elements in the engine's order (a
/// list's from head to tail; a sorted set's by score, then member).
public enum ExportedValue: Sendable {
    case string(Bytes)
    case list([Bytes])
    case set([Bytes])
    case hash([(field: Bytes, value: Bytes)])
    case zset([(member: Bytes, score: Double)])

    /// TYPE's reply.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .list: "list"
        case .set: "set"
        case .hash: "hash"
        case .zset: "zset"
        }
    }
}

extension Engine {
    /// Calls `body` with every key of every database (expired ones too, with
    /// their expiry: whoever loads them drops them), database by database.
    public func forEachKey(_ body: (ExportedKey) -> Void) {
        for (index, database) in keyspace.databases.enumerated() {
            database.main.forEachEntry { entry in
                let key = database.main.key(at: entry)
                body(ExportedKey(database: index, key: key.bytes, expireAt: database.expireAt(key),
                                 value: Self.exported(database.main.value(at: entry))))
            }
        }
    }

    private static func exported(_ value: Value) -> ExportedValue {
        switch value {
        case .string(let string):
            return .string(string.bytes)
        case .list(let list):
            return .list(list.elements.map(\.bytes))
        case .set(let set):
            var members: [Bytes] = []
            members.reserveCapacity(set.count)
            set.forEach { members.append($0.bytes) }
            return .set(members)
        case .hash(let hash):
            var pairs: [(field: Bytes, value: Bytes)] = []
            hash.forEach { pairs.append(($0.bytes, $1.bytes)) }
            return .hash(pairs)
        case .zset(let zset):
            return .zset(zset.elements(0..<zset.count).map { ($0.member.bytes, $0.score) })
        }
    }
}
