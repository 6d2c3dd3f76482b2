/// A value in the keyspace: one case per Redis type.
///
/// Sixteen bytes: strings are stored in place (`ByteString`), collections as
/// a reference to a mutable object, so a command changes a big hash in place
/// instead of copying it (a Swift value type held in the table would be
/// copied on write). Lists, sets and sorted sets join in the data-structures
/// issue.
enum Value {
    case string(ByteString)
    case hash(HashObject)

    /// The name `TYPE` reports.
    var typeName: String {
        switch self {
        case .string: return "string"
        case .hash: return "hash"
        }
    }

    /// An independent copy (`COPY`): collections are objects, so a copy
    /// must not share them.
    func duplicate() -> Value {
        switch self {
        case .string: return self
        case .hash(let hash): return .hash(hash.copy())
        }
    }

    /// The name `OBJECT ENCODING` reports: Redis's encoding for the same data.
    var encodingName: String {
        switch self {
        case .string(let string):
            if string.integerValue != nil { return "int" }
            // Redis stores strings up to 44 bytes as embstr (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
            return string.count <= 44 ? "embstr" : "raw"
        case .hash(let hash):
            return hash.isCompact ? "listpack" : "hashtable"
        }
    }
}

/// Redis's encoding thresholds for small hashes (`hash-max-listpack-entries`,
/// `hash-max-listpack-value`).
public struct EncodingLimits: Sendable {
    public var hashMaxListpackEntries = 128
    public var hashMaxListpackValue = 64
    public init() {}
}

/// A Redis hash. Small hashes are a flat array of field/value pairs scanned
/// linearly (Redis's listpack: no per-field allocation, no index); they turn
/// into a `ByteTable` once they pass `EncodingLimits`, and never back.
final class HashObject {
    enum Storage {
        case compact([ByteString])  // field, value, field, value, ...
        case table(ByteTable<ByteString>)
    }

    private(set) var storage: Storage

    init() { storage = .compact([]) }

    private init(storage: Storage) { self.storage = storage }

    /// A copy with its own storage (the arrays are copied on write).
    func copy() -> HashObject { HashObject(storage: storage) }

    var isCompact: Bool {
        if case .compact = storage { return true }
        return false
    }

    var count: Int {
        switch storage {
        case .compact(let pairs): return pairs.count / 2
        case .table(let table): return table.count
        }
    }

    func get(_ field: ByteString) -> ByteString? {
        switch storage {
        case .compact(let pairs):
            var index = 0
            while index < pairs.count {
                if pairs[index] == field { return pairs[index + 1] }
                index += 2
            }
            return nil
        case .table(let table):
            return table[field]
        }
    }

    /// Sets `field`; returns true when the field is new.
    ///
    /// A compact hash becomes a table when the field or the value is longer
    /// than `hashMaxListpackValue` bytes or the hash passes
    /// `hashMaxListpackEntries` fields. Redis converts before writing a long
    /// argument (`hashTypeTryConversion`) and after appending one field too
    /// many (`hashTypeSet`); converting right after the write ends in the
    /// same encoding and contents.
    @discardableResult
    func set(_ field: ByteString, _ value: ByteString, limits: EncodingLimits) -> Bool {
        if case .compact(var pairs) = storage {
            var index = 0
            while index < pairs.count {
                if pairs[index] == field {
                    storage = .compact([])  // drop the enum's reference so the array stays unique
                    pairs[index + 1] = value
                    storage = .compact(pairs)
                    convertIfNeeded(value: value, limits: limits)
                    return false
                }
                index += 2
            }
            storage = .compact([])
            pairs.append(field)
            pairs.append(value)
            storage = .compact(pairs)
            convertIfNeeded(field: field, value: value, limits: limits)
            return true
        }
        guard case .table(var table) = storage else { return false }
        storage = .compact([])
        let replaced = table.updateValue(value, forKey: field)
        storage = .table(table)
        return replaced == nil
    }

    /// Whether `field` is present (`HEXISTS`, `HSETNX`).
    func contains(_ field: ByteString) -> Bool { get(field) != nil }

    /// Removes `field`; returns true when it was present.
    @discardableResult
    func remove(_ field: ByteString) -> Bool {
        switch storage {
        case .compact(var pairs):
            var index = 0
            while index < pairs.count {
                if pairs[index] == field {
                    storage = .compact([])
                    pairs.removeSubrange(index..<index + 2)
                    storage = .compact(pairs)
                    return true
                }
                index += 2
            }
            return false
        case .table(var table):
            storage = .compact([])
            let removed = table.removeValue(forKey: field) != nil
            storage = .table(table)
            return removed
        }
    }

    /// Calls `body` with each field and value, in storage order.
    func forEach(_ body: (ByteString, ByteString) throws -> Void) rethrows {
        switch storage {
        case .compact(let pairs):
            var index = 0
            while index < pairs.count {
                try body(pairs[index], pairs[index + 1])
                index += 2
            }
        case .table(let table):
            try table.forEachEntry { try body(table.key(at: $0), table.value(at: $0)) }
        }
    }

    /// A uniformly random field and its value; the hash must not be empty.
    func randomPair<R: RandomNumberGenerator>(using generator: inout R) -> (ByteString, ByteString) {
        switch storage {
        case .compact(let pairs):
            let index = Int.random(in: 0..<pairs.count / 2, using: &generator) * 2
            return (pairs[index], pairs[index + 1])
        case .table(let table):
            let entry = table.randomEntry(using: &generator)!
            return (table.key(at: entry), table.value(at: entry))
        }
    }

    /// Every field and value, in storage order.
    var pairs: [(field: ByteString, value: ByteString)] {
        var result: [(field: ByteString, value: ByteString)] = []
        result.reserveCapacity(count)
        forEach { result.append(($0, $1)) }
        return result
    }

    /// `count` distinct fields, each with its value, chosen uniformly at
    /// random: `HRANDFIELD key count` with a positive count. Asking for the
    /// whole hash or more returns every pair in storage order, as Redis's
    /// "CASE 2". A table with at least three times the fields asked for is
    /// sampled with rejection of repeats ("CASE 4": a few draws per field);
    /// otherwise a partial Fisher-Yates shuffle of all pairs picks them (the
    /// listpack path and "CASE 3", where rejection would redraw too often).
    func randomDistinctPairs<R: RandomNumberGenerator>(
        _ count: Int, using generator: inout R
    ) -> [(field: ByteString, value: ByteString)] {
        guard count > 0 else { return [] }
        guard count < self.count else { return pairs }
        if case .table = storage, count <= self.count / 3 {
            var seen = Set<ByteString>(minimumCapacity: count)
            var result: [(field: ByteString, value: ByteString)] = []
            result.reserveCapacity(count)
            while result.count < count {
                let (field, value) = randomPair(using: &generator)
                if seen.insert(field).inserted { result.append((field, value)) }
            }
            return result
        }
        var all = pairs
        for index in 0..<count {
            all.swapAt(index, Int.random(in: index..<all.count, using: &generator))
        }
        return Array(all.prefix(count))
    }

    /// One step of `HSCAN`. A compact hash is returned whole with cursor 0, as
    /// Redis does for listpacks.
    func scan(cursor: UInt64, _ body: (ByteString, ByteString) throws -> Void) rethrows -> UInt64 {
        switch storage {
        case .compact:
            try forEach(body)
            return 0
        case .table(let table):
            return try table.scan(cursor: cursor) { try body(table.key(at: $0), table.value(at: $0)) }
        }
    }

    private func convertIfNeeded(field: ByteString? = nil, value: ByteString, limits: EncodingLimits) {
        guard case .compact(let pairs) = storage else { return }
        let tooLong = value.count > limits.hashMaxListpackValue || (field?.count ?? 0) > limits.hashMaxListpackValue
        guard tooLong || pairs.count / 2 > limits.hashMaxListpackEntries else { return }
        var table = ByteTable<ByteString>()
        var index = 0
        while index < pairs.count {
            table.insertNew(pairs[index], pairs[index + 1])
            index += 2
        }
        storage = .table(table)
    }
}
