extension Recovery {
    /// Records a snapshot's reader hands over at a time: large enough that
    /// the hand-over costs little per key, small enough to stay in cache.
    static let snapshotBatchEntries = 1024

    /// Loads the snapshot the MANIFEST names into `engine` (every block,
    /// record and the trailer verified); returns the record it holds the
    /// state after. A missing or damaged snapshot refuses to open.
    ///
    /// Two threads share the work: a `BackgroundReader` reads, checks,
    /// decompresses and decodes records into values, batches ahead; this
    /// thread puts them into the tables. The last checks (key count, file
    /// checksum) come after the last batch, and any error refuses the open,
    /// so the engine that took the batches is dropped with it.
    static func loadSnapshot(_ name: String, directory directoryPath: String, fileIO: any FileIO, engine: Engine,
                             report: inout RecoveryReport) throws(StorageError) -> UInt64 {
        let path = DataDirectory.join(directoryPath, name)
        if let defect = LogLayout.missingSnapshotDefect(name, directory: directoryPath, fileIO: fileIO) {
            throw .corruption(file: defect.file, offset: 0, reason: defect.reason)
        }
        let keyspace = engine.keyspace
        let limits = keyspace.limits
        let reader = BackgroundReader<SnapshotBatch>(name: "cairn-snapshot-read", capacity: 16) {
            (put: (SnapshotBatch) -> Bool) throws(StorageError) in
            var batch = SnapshotBatch.Entries()
            let summary = try SnapshotFileReader.read(path: path, fileIO: fileIO, limits: limits) {
                (entry: SnapshotEntry) throws(StorageError) in
                batch.add(entry)
                guard batch.items.count == snapshotBatchEntries else { return }
                // The open gave up: stop reading (nobody sees this error).
                guard put(.entries(batch)) else { throw .closed(directory: directoryPath) }
                batch = SnapshotBatch.Entries()
            }
            guard batch.items.isEmpty || put(.entries(batch)) else { return }
            _ = put(.verified(summary))
        }
        defer { reader.cancel() }
        while case .item(let batch) = try reader.next() {
            switch batch {
            case .entries(let box):
                var items = box.take()
                // Popping moves each entry out (no retain and release per
                // key); a batch goes into the tables last record first,
                // which no order of Redis's promises depends on.
                while let entry = items.popLast() {
                    guard entry.database >= 0 && entry.database < Keyspace.databaseCount else {
                        throw .corruption(file: path, offset: 0, reason: "a record of database \(entry.database)")
                    }
                    insert(entry, into: keyspace)
                }
            case .verified(let summary):
                report.snapshotName = name
                report.snapshotSequence = summary.header.sequence
                report.snapshotKeys = summary.keyCount
                report.snapshotBytes = summary.fileBytes
                return summary.header.sequence
            }
        }
        preconditionFailure("the snapshot reader ended without its summary")
    }
}

extension Recovery {
    /// Puts a snapshot's key into its database (replacing a key of the same name).
    static func insert(_ entry: SnapshotEntry, into keyspace: Keyspace) {
        let database = keyspace.databases[entry.database]
        database.main.updateValue(entry.value, forKey: entry.key)
        if let expireAt = entry.expireAt { database.expires.updateValue(expireAt, forKey: entry.key) }
    }
}

/// What the snapshot's reader thread hands over: records in file order, then
/// the summary once every check passed.
private enum SnapshotBatch {
    case entries(Entries)
    case verified(SnapshotSummary)

    /// Records in a box, so the taker holds the only reference to the array
    /// and can move the entries out of it.
    final class Entries {
        private(set) var items: [SnapshotEntry] = []

        init() { items.reserveCapacity(Recovery.snapshotBatchEntries) }

        func add(_ entry: SnapshotEntry) {
            items.append(entry)
        }

        /// The records; the box is left empty.
        func take() -> [SnapshotEntry] {
            var taken: [SnapshotEntry] = []
            swap(&taken, &items)
            return taken
        }
    }
}
