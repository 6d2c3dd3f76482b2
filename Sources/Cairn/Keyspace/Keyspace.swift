/// One write's effect in the deterministic form the log persists: the
/// database it applies to and a command whose replay gives the same state
/// whatever the clock or the random source say (`PEXPIREAT`, not `EXPIRE`;
/// `SET .. PXAT`, not `SET .. EX`; `DEL` for an expired key).
public struct Effect: Sendable, Equatable {
    public var database: Int
    public var argv: [Bytes]

    public init(database: Int, argv: [Bytes]) {
        self.database = database
        self.argv = argv
    }
}

/// One database: the keys, and the absolute expiry (Unix ms) of the keys
/// that have one, kept apart as Redis does so keys without a TTL pay nothing.
///
/// A class: every lookup reaches the tables through it in place (as a
/// struct in an array, reading `databases[i].main` copied the table's
/// references on each command). FLUSHDB installs a new one; SWAPDB swaps.
final class Database {
    var main = ByteTable<Value>()
    var expires = ByteTable<Int64>()

    /// `key`'s absolute expiry (Unix ms), with no lookup when no key has one.
    func expireAt(_ key: ByteString) -> Int64? {
        expires.isEmpty ? nil : expires[key]
    }
}

/// A key some client `WATCH`es, in a given database.
struct WatchedKey: Hashable {
    let database: Int
    let key: ByteString
}

/// The sixteen databases and every operation that changes them.
///
/// Each mutation here does the bookkeeping Redis's `db.c` does: expired keys
/// are deleted through the log (a `DEL` effect), watched keys get a new
/// modification version, and `dirty` counts changes.
final class Keyspace {
    static let databaseCount = 16

    var databases = (0 ..< Keyspace.databaseCount).map { _ in Database() }
    var limits = EncodingLimits()
    /// False while the log is replayed: replay never reads the clock, so a
    /// key is deleted only by the `DEL` the log holds for it.
    var expiryEnabled = true
    /// Off while replaying: replayed effects are already in the log.
    var recordsEffects = true
    /// Effects of the command running now, in order.
    var pendingEffects: [Effect] = []
    /// Changes since the last snapshot (`rdb_changes_since_last_save`).
    var dirty = 0
    /// INFO stats: keys deleted by expiry, and key lookups of read commands
    /// that found a key or not (`stat_keyspace_hits/misses`).
    var statistics = EngineStatistics()
    /// Whether lookups count as hits or misses: while a read-only command
    /// runs (Redis counts `lookupKeyRead`, not `lookupKeyWrite`).
    var countsLookups = false

    /// The snapshot being taken, if one is (`SnapshotCapture`): told before
    /// any key changes, so its image keeps the value from its start.
    var capture: SnapshotCapture?
    /// Whether the running command is a write (its lookups may be followed
    /// by changes in place, so a snapshot is told of them too).
    var writing = false

    private var watchVersions: [WatchedKey: (version: UInt64, watchers: Int)] = [:]
    private var modificationCounter: UInt64 = 0

    // MARK: Effects

    func emit(_ database: Int, _ argv: [Bytes]) {
        guard recordsEffects else { return }
        pendingEffects.append(Effect(database: database, argv: argv))
    }

    func takeEffects() -> [Effect] {
        defer { pendingEffects = [] }
        return pendingEffects
    }

    // MARK: Lookup

    /// The value of `key`, after deleting it if it has expired.
    func lookup(_ database: Int, _ key: ByteString, now: Int64) -> Value? {
        if writing { willModify(database, key) }
        let value = expireIfNeeded(database, key, now: now) ? nil : databases[database].main[key]
        if countsLookups {
            if value == nil { statistics.keyspaceMisses += 1 } else { statistics.keyspaceHits += 1 }
        }
        return value
    }

    /// Tells a running snapshot that `key` is about to change.
    @inline(__always)
    func willModify(_ database: Int, _ key: ByteString) {
        capture?.willModify(databases[database], key)
    }

    /// Whether `key` exists (ignoring expiry: callers look it up first).
    func contains(_ database: Int, _ key: ByteString) -> Bool {
        databases[database].main.find(key) != nil
    }

    /// Deletes `key` if its expiry time has passed; returns whether it did.
    /// A key expires once the clock is strictly past its time (`keyIsExpired`:
    /// `now > when`), so at `now == when` it still exists with a TTL of 0.
    @discardableResult
    func expireIfNeeded(_ database: Int, _ key: ByteString, now: Int64) -> Bool {
        guard expiryEnabled, !databases[database].expires.isEmpty,
              let when = databases[database].expires[key], Keyspace.hasExpired(when, now: now) else { return false }
        deleteExpired(database, key)
        return true
    }

    /// Deletes a key whose time has come, through the log.
    func deleteExpired(_ database: Int, _ key: ByteString) {
        delete(database, key)
        statistics.expiredKeys += 1
        emit(database, [Array("DEL".utf8), key.bytes])
    }

    /// Whether `key` exists but its expiry time has passed (for `WATCH`).
    func isLogicallyExpired(_ database: Int, _ key: ByteString, now: Int64) -> Bool {
        guard let when = databases[database].expires[key] else { return false }
        return Keyspace.hasExpired(when, now: now)
    }

    /// Whether an expiry time has passed: strictly, as Redis's `keyIsExpired`
    /// and `activeExpireCycleTryExpire` (`now > when`).
    static func hasExpired(_ when: Int64, now: Int64) -> Bool { now > when }

    // MARK: Mutation

    /// Stores `value` at `key`: a new key or an overwrite. The old TTL is
    /// dropped unless `keepTTL` (as `setKey` with `SETKEY_KEEPTTL`).
    func set(_ database: Int, _ key: ByteString, _ value: Value, keepTTL: Bool = false) {
        willModify(database, key)
        databases[database].main.updateValue(value, forKey: key)
        if !keepTTL { databases[database].expires.removeValue(forKey: key) }
        keyModified(database, key)
    }

    /// Replaces the value of an existing key in place, keeping its TTL.
    func overwrite(_ database: Int, _ key: ByteString, _ value: Value) {
        set(database, key, value, keepTTL: true)
    }

    /// Removes `key`; returns whether it existed.
    @discardableResult
    func delete(_ database: Int, _ key: ByteString) -> Bool {
        willModify(database, key)
        guard databases[database].main.removeValue(forKey: key) != nil else { return false }
        databases[database].expires.removeValue(forKey: key)
        keyModified(database, key)
        return true
    }

    func expireTime(_ database: Int, _ key: ByteString) -> Int64? {
        databases[database].expires[key]
    }

    /// Sets the absolute expiry (Unix ms) of an existing key.
    func setExpire(_ database: Int, _ key: ByteString, at milliseconds: Int64) {
        willModify(database, key)
        databases[database].expires.updateValue(milliseconds, forKey: key)
        keyModified(database, key)
    }

    /// Removes the TTL of `key`; returns whether it had one.
    @discardableResult
    func persist(_ database: Int, _ key: ByteString) -> Bool {
        willModify(database, key)
        guard databases[database].expires.removeValue(forKey: key) != nil else { return false }
        keyModified(database, key)
        return true
    }

    /// Empties one database (`FLUSHDB`).
    func flush(_ database: Int) {
        touchAllWatched(in: database)
        dirty += databases[database].main.count
        databases[database] = Database()
    }

    /// Exchanges two databases (`SWAPDB`).
    func swap(_ first: Int, _ second: Int) {
        touchAllWatched(in: first, alsoExistingIn: second)
        touchAllWatched(in: second, alsoExistingIn: first)
        databases.swapAt(first, second)
        dirty += 1
    }

    // MARK: Modification versions (WATCH)

    /// Records that `key` changed: bumps its version if a client watches it.
    func keyModified(_ database: Int, _ key: ByteString) {
        dirty += 1
        guard !watchVersions.isEmpty else { return }
        let watched = WatchedKey(database: database, key: key)
        if watchVersions[watched] != nil {
            modificationCounter += 1
            watchVersions[watched]!.version = modificationCounter
        }
    }

    /// Starts tracking `key` for one more watcher; returns its current version.
    func watch(_ database: Int, _ key: ByteString) -> UInt64 {
        let watched = WatchedKey(database: database, key: key)
        if let state = watchVersions[watched] {
            watchVersions[watched] = (state.version, state.watchers + 1)
            return state.version
        }
        watchVersions[watched] = (0, 1)
        return 0
    }

    /// Stops tracking `key` for one watcher.
    func unwatch(_ database: Int, _ key: ByteString) {
        let watched = WatchedKey(database: database, key: key)
        guard let state = watchVersions[watched] else { return }
        watchVersions[watched] = state.watchers > 1 ? (state.version, state.watchers - 1) : nil
    }

    /// The current version of a watched key.
    func version(_ database: Int, _ key: ByteString) -> UInt64 {
        watchVersions[WatchedKey(database: database, key: key)]?.version ?? 0
    }

    /// DEBUG RELOAD: `fresh` (rebuilt from the log) takes over the watched
    /// keys. Keys that exist now are touched first, as emptyData's
    /// `touchAllWatchedKeysInDb(db, NULL)`: a client watching one of them
    /// fails its EXEC, one watching a missing key does not.
    func handOverWatches(to fresh: Keyspace) {
        for database in 0 ..< Keyspace.databaseCount { touchAllWatched(in: database) }
        fresh.watchVersions = watchVersions
        fresh.modificationCounter = modificationCounter
    }

    /// Bumps every watched key of `database` that exists there (or, for
    /// `SWAPDB`, in the database replacing it), as `touchAllWatchedKeysInDb`.
    private func touchAllWatched(in database: Int, alsoExistingIn other: Int? = nil) {
        guard !watchVersions.isEmpty else { return }
        for watched in watchVersions.keys where watched.database == database {
            let exists = contains(database, watched.key) || other.map { contains($0, watched.key) } == true
            if exists {
                modificationCounter += 1
                watchVersions[watched]!.version = modificationCounter
            }
        }
    }
}
