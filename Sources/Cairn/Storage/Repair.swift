/// The changes `cairn-dump repair` makes to a data directory, each only
/// after a synced backup of every file it changes or removes (hold the
/// directory's lock, `DataDirectory.open`, around them).
///
/// ```swift
/// let directory = try DataDirectory.open(path, fileIO: io)   // refused while a server runs
/// defer { directory.close() }
/// try Repair.backUp(["00000000000000000001.wal"], of: path, into: path + ".backup", fileIO: io)
/// try Repair.truncate(path + "/00000000000000000001.wal", to: validEnd, fileIO: io)
/// ```
public enum Repair {
    /// The files of a data directory that make up its state, and that
    /// `replace` backs up and removes: the MANIFEST, snapshots, segments and
    /// unfinished `.tmp` files (not the LOCK, nor files Cairn does not name).
    public static func dataFiles(among names: [String]) -> [String] {
        names.filter { name in
            name == Manifest.fileName || name.hasSuffix(DataDirectory.segmentSuffix)
                || name.hasSuffix(DataDirectory.snapshotSuffix) || name.hasSuffix(DataDirectory.temporarySuffix)
        }.sorted()
    }

    /// Copies the files `names` of `directory` into `backup`, a new
    /// directory; each copy, the directory and its name synced.
    public static func backUp(_ names: [String], of directory: String, into backup: String,
                              fileIO: any FileIO) throws(StorageError) {
        try storageIO { () throws(IOError) in
            try fileIO.makeDirectory(backup)
            for name in names {
                let bytes = try fileIO.readFile(DataDirectory.join(directory, name))
                let copy = try fileIO.open(DataDirectory.join(backup, name), .readWrite, options: .exclusiveCreate)
                do throws(IOError) {
                    try fileIO.writeAll(copy, bytes, at: 0)
                    try fileIO.fsync(copy)
                } catch {
                    try? fileIO.close(copy)
                    throw error
                }
                try fileIO.close(copy)
            }
            try fileIO.syncDirectory(backup)
            try fileIO.syncDirectory(DataDirectory.parent(of: backup))
        }
    }

    /// Cuts `file` to its first `length` bytes (a torn tail off), synced.
    public static func truncate(_ file: String, to length: Int, fileIO: any FileIO) throws(StorageError) {
        try storageIO { () throws(IOError) in
            let handle = try fileIO.open(file, .readWrite, options: [])
            do throws(IOError) {
                try fileIO.truncate(handle, to: Int64(length))
                try fileIO.fsync(handle)
            } catch {
                try? fileIO.close(handle)
                throw error
            }
            try fileIO.close(handle)
        }
    }

    /// Makes `directory` hold exactly `state`: a new snapshot of it and a
    /// MANIFEST naming it (the switch, atomic), then every other data file
    /// removed. Returns the snapshot's key count.
    @discardableResult
    public static func replace(_ directory: String, with state: SalvagedState, fileIO: any FileIO) throws(StorageError) -> UInt64 {
        let keys = try PointInTime.publish(state.engine, sequence: state.sequence, timeMilliseconds: state.timeMilliseconds,
                                           in: directory, fileIO: fileIO)
        let kept: Set = [Manifest.fileName, DataDirectory.snapshotName(sequence: state.sequence)]
        try storageIO { () throws(IOError) in
            for name in dataFiles(among: try fileIO.listDirectory(directory)) where !kept.contains(name) {
                try fileIO.unlink(DataDirectory.join(directory, name))
            }
            try fileIO.syncDirectory(directory)
        }
        return keys
    }
}
