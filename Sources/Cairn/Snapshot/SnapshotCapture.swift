/// A point-in-time image of the keyspace, taken without a copy and without
/// stopping the world (the forkless save of Dragonfly and Valkey 9.2).
///
/// At the start it holds the sixteen `Database` objects as they are (FLUSHDB
/// installs a new one and SWAPDB swaps them, so the objects it holds stay
/// the databases of that moment, by position) and walks their tables entry
/// by entry in small slices on the engine's thread (`step`). The image is
/// the state after record `sequence`: every later write must not show. So
/// before anything changes a key (`willModify`, called by the keyspace for
/// every mutation and every lookup of a write command), a key the walk has
/// not reached yet is encoded first, as it was, and remembered as handled;
/// a key that does not exist yet is remembered too, so the walk skips it
/// when it finds it later. Keys the walk passed are left alone. While the
/// walk runs, the tables it walks keep their entries in place
/// (`ByteTable.keepsEntryIndices`), so an entry index says where the walk is.
///
/// Encoding runs here (values are mutable objects of the engine's thread);
/// each full chunk of encoded records goes to `emit` (the background writer
/// compresses and writes it), which hands back an empty buffer to fill next
/// (one the writer is done with: reusing them spares the command thread the
/// page faults of fresh large allocations).
final class SnapshotCapture {
    let sequence: UInt64
    private let databases: [Database]
    private let positions: [ObjectIdentifier: Int]
    /// Entries at or past these were added after the start: new keys.
    private let entryLimits: [Int]
    /// Keys of a database not walked through yet that were encoded ahead of
    /// the walk, or did not exist when first touched: the walk skips them.
    private var handled: [Set<ByteString>]
    private var walkDatabase = 0
    private var walkEntry = 0
    private var body: Bytes = []
    private let chunkBytes: Int
    private let emit: (Bytes) -> Bytes
    private(set) var keyCount: UInt64 = 0
    /// Keys encoded ahead of the walk because a write came first.
    private(set) var keysEncodedEarly = 0

    init(databases: [Database], sequence: UInt64, chunkBytes: Int, emit: @escaping (Bytes) -> Bytes) {
        self.sequence = sequence
        self.databases = databases
        self.chunkBytes = chunkBytes
        self.emit = emit
        var positions: [ObjectIdentifier: Int] = [:]
        for (index, database) in databases.enumerated() {
            positions[ObjectIdentifier(database)] = index
            database.main.keepsEntryIndices = true
        }
        self.positions = positions
        entryLimits = databases.map(\.main.entryLimit)
        handled = Array(repeating: [], count: databases.count)
        body.reserveCapacity(chunkBytes + chunkBytes / 8)
    }

    /// Whether every database has been walked (the image is complete).
    var isComplete: Bool { walkDatabase >= databases.count }

    /// `key` of `database` is about to change (or be read by a write
    /// command, which may change the object in place): encode it first if
    /// the image still needs its current value.
    func willModify(_ database: Database, _ key: ByteString) {
        guard let index = positions[ObjectIdentifier(database)], index >= walkDatabase else { return }
        guard let entry = database.main.find(key) else {
            handled[index].insert(key)
            return
        }
        if index == walkDatabase && entry < walkEntry { return }
        if entry >= entryLimits[index] { return }
        guard handled[index].insert(key).inserted else { return }
        keysEncodedEarly += 1
        encode(index, database, entry)
    }

    /// Walks on until `deadline` or until a chunk was handed over; returns
    /// whether the image is complete (the last bytes were handed over).
    func step(until deadline: ContinuousClock.Instant) -> Bool {
        var encoded = 0
        while walkDatabase < databases.count {
            let database = databases[walkDatabase]
            let limit = min(entryLimits[walkDatabase], database.main.entryLimit)
            while walkEntry < limit {
                let entry = walkEntry
                walkEntry += 1
                guard database.main.isLive(entry) else { continue }
                if !handled[walkDatabase].isEmpty, handled[walkDatabase].contains(database.main.key(at: entry)) { continue }
                encode(walkDatabase, database, entry)
                encoded += 1
                if encoded & 7 == 0, ContinuousClock.now >= deadline { return false }
            }
            database.main.keepsEntryIndices = false
            handled[walkDatabase] = []
            walkDatabase += 1
            walkEntry = 0
            if ContinuousClock.now >= deadline { return isCompleteAfterFlush() }
        }
        return isCompleteAfterFlush()
    }

    /// Stops the walk (a failed or abandoned snapshot): tables may move their entries again.
    func cancel() {
        for database in databases { database.main.keepsEntryIndices = false }
        walkDatabase = databases.count
        body = []
    }

    private func isCompleteAfterFlush() -> Bool {
        guard isComplete else { return false }
        if !body.isEmpty {
            _ = emit(body)
            body = []
        }
        return true
    }

    private func encode(_ index: Int, _ database: Database, _ entry: Int) {
        let key = database.main.key(at: entry)
        SnapshotRecords.append(database: index, key: key, value: database.main.value(at: entry),
                               expireAt: database.expireAt(key), to: &body)
        keyCount += 1
        if body.count >= chunkBytes {
            body = emit(body)
            body.reserveCapacity(chunkBytes + chunkBytes / 8)
        }
    }
}
