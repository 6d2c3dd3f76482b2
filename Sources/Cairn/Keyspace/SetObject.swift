/// A Redis set (`t_set.c`'s `setType*` functions). Redis 7.0 has two
/// encodings: an `IntSet` while every member is an integer
/// (`isSdsRepresentableAsLongLong`) and there are at most
/// `set-max-intset-entries` of them, then a hash table (`ByteTable` keyed by
/// the member, with an empty value), never back. (Listpack sets came in 7.2.)
///
/// A class, so commands change the stored set in place (see `HashObject`);
/// the table lives in its own box so the storage enum stays one reference
/// wide and a small set is a 24-byte object.
final class SetObject {
    private enum Storage {
        case intset(IntSet)
        case table(MemberTable)
    }

    /// A big set's table, boxed (see `SetObject`). The value type is `Void`:
    /// `ByteTable` keeps values in an array of optionals, one byte each.
    final class MemberTable {
        var table: ByteTable<Void>
        init(_ table: ByteTable<Void>) { self.table = table }
    }

    private var storage: Storage

    /// The bytes the storage takes in the object (8: tests keep it so).
    static var storageSize: Int { MemoryLayout<Storage>.size }

    /// An empty intset (`createIntsetObject`): the start of every computed
    /// set (SINTERSTORE, SUNION, ...), which converts as members arrive.
    init() { storage = .intset(IntSet()) }

    private init(storage: Storage) { self.storage = storage }

    /// An empty set that can hold `member` (`setTypeCreate`): an intset if
    /// it is an integer, else a table.
    convenience init(for member: ByteString) {
        self.init(storage: SetObject.integer(member) == nil ? .table(MemberTable(ByteTable())) : .intset(IntSet()))
    }

    /// A copy with its own storage (an intset's array is shared until one
    /// side writes; a table's arrays are copied on write).
    func copy() -> SetObject {
        switch storage {
        case .intset: return SetObject(storage: storage)
        case .table(let box): return SetObject(storage: .table(MemberTable(box.table)))
        }
    }

    var isIntset: Bool {
        if case .intset = storage { return true }
        return false
    }

    /// The intset's element width in bits, nil for a table (tests, `DEBUG`).
    var intsetWidth: Int? {
        if case .intset(let set) = storage { return set.width }
        return nil
    }

    var count: Int {
        switch storage {
        case .intset(let set): return set.count
        case .table(let box): return box.table.count
        }
    }

    /// The member as a 64-bit integer when Redis would store it in an
    /// intset: `string2ll` accepts it (no sign, spaces or leading zeros).
    static func integer(_ member: ByteString) -> Int64? {
        member.integerValue ?? member.withUnsafeBytes { Numbers.parseInteger($0) }
    }

    /// `setTypeIsMember`.
    func contains(_ member: ByteString) -> Bool {
        switch storage {
        case .intset(let set):
            guard let value = SetObject.integer(member) else { return false }
            return set.contains(value)
        case .table(let box):
            return box.table.find(member) != nil
        }
    }

    /// Adds `member`; returns true when it is new (`setTypeAdd`). An intset
    /// becomes a table when a non-integer arrives, or after the insert that
    /// passes `setMaxIntsetEntries` (capped below 2^30 - 1, Redis caps at 2^30:
    /// the intset header counts in 30 bits).
    @discardableResult
    func add(_ member: ByteString, limits: EncodingLimits) -> Bool {
        switch storage {
        case .intset(var set):
            guard let value = SetObject.integer(member) else {
                convertToTable()
                add(member, limits: limits)
                return true
            }
            storage = .intset(IntSet())  // drop the enum's reference so the array changes in place
            let added = set.insert(value)
            storage = .intset(set)
            if added && set.count > min(limits.setMaxIntsetEntries, IntSetHeader.maxCount - 1) { convertToTable() }
            return added
        case .table(let box):
            guard box.table.find(member) == nil else { return false }
            box.table.insertNew(member, ())
            return true
        }
    }

    /// Removes `member`; returns true when it was there (`setTypeRemove`).
    @discardableResult
    func remove(_ member: ByteString) -> Bool {
        switch storage {
        case .intset(var set):
            guard let value = SetObject.integer(member) else { return false }
            storage = .intset(IntSet())
            let removed = set.remove(value)
            storage = .intset(set)
            return removed
        case .table(let box):
            return box.table.removeValue(forKey: member) != nil
        }
    }

    /// Calls `body` with every member: an intset's ascending (as Redis
    /// replies them), a table's in storage order.
    func forEach(_ body: (ByteString) throws -> Void) rethrows {
        switch storage {
        case .intset(let set):
            try set.forEach { try body(ByteString(integer: $0)) }
        case .table(let box):
            let table = box.table
            try table.forEachEntry { try body(table.key(at: $0)) }
        }
    }

    /// Every member, in `forEach` order.
    var members: [ByteString] {
        var result: [ByteString] = []
        result.reserveCapacity(count)
        forEach { result.append($0) }
        return result
    }

    /// A uniformly random member (`setTypeRandomElement`); the set must not be empty.
    func randomMember<R: RandomNumberGenerator>(using generator: inout R) -> ByteString {
        switch storage {
        case .intset(let set):
            return ByteString(integer: set.value(at: Int.random(in: 0..<set.count, using: &generator)))
        case .table(let box):
            return box.table.key(at: box.table.randomEntry(using: &generator)!)
        }
    }

    /// Replaces the contents with `members`, encoded as Redis encodes a
    /// set built from scratch by `setTypeCreate(first)` + `setTypeAdd` (SPOP's
    /// "CASE 3" rebuilds the set this way, so a hash table of integers that
    /// shrinks to a few members becomes an intset again).
    func rebuild(from members: [ByteString], limits: EncodingLimits) {
        storage = members.first.map { SetObject(for: $0).storage } ?? .intset(IntSet())
        for member in members { add(member, limits: limits) }
    }

    /// One step of `SSCAN`. An intset is returned whole with cursor 0
    /// (`scanGenericCommand` walks only hash tables).
    func scan(cursor: UInt64, _ body: (ByteString) throws -> Void) rethrows -> UInt64 {
        switch storage {
        case .intset:
            try forEach(body)
            return 0
        case .table(let box):
            let table = box.table
            return try table.scan(cursor: cursor) { try body(table.key(at: $0)) }
        }
    }

    /// `setTypeConvert(set, OBJ_ENCODING_HT)`.
    private func convertToTable() {
        guard case .intset(let set) = storage else { return }
        var table = ByteTable<Void>()
        // As decimal text, not the integer encoding: lookups hash and
        // compare the stored bytes, which an integer would format every time.
        set.forEach { table.insertNew(ByteString($0.decimal), ()) }
        storage = .table(MemberTable(table))
    }
}
