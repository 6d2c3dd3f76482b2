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
    case list(ListObject)
    case set(SetObject)
    case zset(SortedSetObject)

    /// The name `TYPE` reports.
    var typeName: String {
        switch self {
        case .string: return "string"
        case .hash: return "hash"
        case .list: return "list"
        case .set: return "set"
        case .zset: return "zset"
        }
    }

    /// An independent copy (`COPY`): collections are objects, so a copy
    /// must not share them.
    func duplicate() -> Value {
        switch self {
        case .string: return self
        case .hash(let hash): return .hash(hash.copy())
        case .list(let list): return .list(list.copy())
        case .set(let set): return .set(set.copy())
        case .zset(let zset): return .zset(zset.copy())
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
        case .list:
            // Redis 7.0 has one list encoding (listpack lists came in 7.2).
            return "quicklist"
        case .set(let set):
            return set.isIntset ? "intset" : "hashtable"
        case .zset(let zset):
            return zset.isCompact ? "listpack" : "skiplist"
        }
    }
}

/// Redis's encoding thresholds for small hashes (`hash-max-listpack-entries`,
/// `hash-max-listpack-value`).
public struct EncodingLimits: Sendable {
    public var hashMaxListpackEntries = 128
    public var hashMaxListpackValue = 64
    /// `set-max-intset-entries`: an intset holding more becomes a hash table.
    public var setMaxIntsetEntries = 512
    /// `zset-max-listpack-entries` and `zset-max-listpack-value`.
    public var zsetMaxListpackEntries = 128
    public var zsetMaxListpackValue = 64
    public init() {}
}

/// A Redis hash. Small hashes are `PackedPairs`, one byte buffer of
/// field/value pairs scanned linearly (Redis's listpack: no per-field
/// allocation, no index, insertion order); they turn into a `ByteTable` once
/// they pass `EncodingLimits`, and never back.
///
/// A class, so a command changes the stored hash in place. Twenty-four
/// bytes, the smallest malloc chunk (32): the object header and an 8-byte
/// enum of two references; the table lives in its own object so the enum
/// does not grow to `ByteTable`'s 56 bytes for every small hash.
final class HashObject {
    private enum Storage {
        case packed(PackedPairs)
        case table(FieldTable)
    }

    /// A big hash's table, boxed (see `HashObject`).
    private final class FieldTable {
        var table: ByteTable<ByteString>
        init(_ table: ByteTable<ByteString>) { self.table = table }
    }

    private var storage: Storage

    init() { storage = .packed(PackedPairs()) }

    private init(storage: Storage) { self.storage = storage }

    /// A copy with its own storage (packed bytes are shared until one side
    /// writes; a table's arrays are copied on write).
    func copy() -> HashObject {
        switch storage {
        case .packed: return HashObject(storage: storage)
        case .table(let box): return HashObject(storage: .table(FieldTable(box.table)))
        }
    }

    var isCompact: Bool {
        if case .packed = storage { return true }
        return false
    }

    var count: Int {
        switch storage {
        case .packed(let pairs): return pairs.count
        case .table(let box): return box.table.count
        }
    }

    func get(_ field: ByteString) -> ByteString? {
        switch storage {
        case .packed(let pairs): return pairs.value(for: field)
        case .table(let box): return box.table[field]
        }
    }

    /// Sets `field`; returns true when the field is new.
    ///
    /// A compact hash becomes a table when the field or the value is longer
    /// than `hashMaxListpackValue` bytes, or the packed bytes would pass
    /// Redis's 1 GB listpack safety size (`hashTypeTryConversion`, before
    /// the write), or the hash passes `hashMaxListpackEntries` fields
    /// (`hashTypeSet`, after appending one field too many).
    @discardableResult
    func set(_ field: ByteString, _ value: ByteString, limits: EncodingLimits) -> Bool {
        if case .packed(let pairs) = storage {
            let fieldCount = field.count, valueCount = value.count
            if fieldCount > limits.hashMaxListpackValue || valueCount > limits.hashMaxListpackValue
                || pairs.byteCount + fieldCount + valueCount > PackedPairs.safetyLimitBytes {
                convertToTable()
            }
        }
        switch storage {
        case .packed(var pairs):
            storage = .packed(PackedPairs())  // drop the enum's reference so the buffer can change in place
            let outcome = pairs.set(field, value)
            storage = .packed(pairs)
            guard case .inserted(let pairCount) = outcome else { return false }
            if pairCount > limits.hashMaxListpackEntries { convertToTable() }
            return true
        case .table(let box):
            return box.table.updateValue(value, forKey: field) == nil
        }
    }

    /// A hash of alternating fields and values `flat`, none repeated,
    /// built at once when `set` of each pair in turn would keep it packed
    /// (RESTORE and snapshot loading: one allocation, not one per field);
    /// nil when it would not.
    static func packed(_ flat: [ByteString], limits: EncodingLimits) -> HashObject? {
        guard flat.count / 2 <= limits.hashMaxListpackEntries else { return nil }
        var byteCount = 0
        for index in stride(from: 0, to: flat.count - 1, by: 2) {
            let fieldCount = flat[index].count, valueCount = flat[index + 1].count
            guard fieldCount <= limits.hashMaxListpackValue, valueCount <= limits.hashMaxListpackValue,
                  byteCount + fieldCount + valueCount <= PackedPairs.safetyLimitBytes else { return nil }
            byteCount += PackedPairs.entrySize(fieldCount) + PackedPairs.entrySize(valueCount)
        }
        return HashObject(storage: .packed(PackedPairs(packing: flat)))
    }

    /// Whether `field` is present (`HEXISTS`, `HSETNX`).
    func contains(_ field: ByteString) -> Bool {
        switch storage {
        case .packed(let pairs): return pairs.contains(field)
        case .table(let box): return box.table.find(field) != nil
        }
    }

    /// Removes `field`; returns true when it was present.
    @discardableResult
    func remove(_ field: ByteString) -> Bool {
        switch storage {
        case .packed(var pairs):
            storage = .packed(PackedPairs())
            let removed = pairs.remove(field)
            storage = .packed(pairs)
            return removed
        case .table(let box):
            return box.table.removeValue(forKey: field) != nil
        }
    }

    /// Calls `body` with each field and value, in storage order.
    func forEach(_ body: (ByteString, ByteString) throws -> Void) rethrows {
        switch storage {
        case .packed(let pairs):
            try pairs.forEach(body)
        case .table(let box):
            let table = box.table
            try table.forEachEntry { try body(table.key(at: $0), table.value(at: $0)) }
        }
    }

    /// A uniformly random field and its value; the hash must not be empty.
    func randomPair<R: RandomNumberGenerator>(using generator: inout R) -> (ByteString, ByteString) {
        switch storage {
        case .packed(let pairs):
            return pairs.pair(at: Int.random(in: 0..<pairs.count, using: &generator))
        case .table(let box):
            let entry = box.table.randomEntry(using: &generator)!
            return (box.table.key(at: entry), box.table.value(at: entry))
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
        case .packed:
            try forEach(body)
            return 0
        case .table(let box):
            let table = box.table
            return try table.scan(cursor: cursor) { try body(table.key(at: $0), table.value(at: $0)) }
        }
    }

    private func convertToTable() {
        guard case .packed(let pairs) = storage else { return }
        var table = ByteTable<ByteString>()
        pairs.forEach { table.insertNew($0, $1) }
        storage = .table(FieldTable(table))
    }
}
