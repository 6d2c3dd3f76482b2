/// What a power cut did, counted over all undecided changes.
public struct PowerCutOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Unsynced (or failed-sync) writes and size changes that reached the disk whole.
    public var keptWrites = 0
    /// Those that did not reach the disk at all.
    public var droppedWrites = 0
    /// Writes of which only a prefix of sectors reached the disk.
    public var tornWrites = 0
    /// Unsynced creates, renames and unlinks that survived.
    public var keptDirectoryChanges = 0
    /// Those that were lost.
    public var lostDirectoryChanges = 0

    public init() {}

    public var description: String {
        "writes kept \(keptWrites) dropped \(droppedWrites) torn \(tornWrites); "
            + "directory changes kept \(keptDirectoryChanges) lost \(lostDirectoryChanges)"
    }
}

/// Counters of what the running file system was asked to do, for tests of
/// batching (a group commit is one `fdatasync`, not one per record).
public struct SimulatedFileSystemStatistics: Hashable, Sendable {
    public var writes = 0
    public var bytesWritten = 0
    /// Successful `fsync` and `fdatasync` calls.
    public var fileSyncs = 0
    /// Successful `syncDirectory` calls.
    public var directorySyncs = 0
    /// Syncs of either kind that failed (injected).
    public var failedSyncs = 0

    public init() {}
}
