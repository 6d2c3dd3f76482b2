/// Why the durable engine refused to open, to write, or to go on: every case
/// names the file and, where there is one, the byte offset, so an operator
/// can look at the bytes (`xxd -s OFFSET FILE`).
///
/// ```swift
/// // "corrupt log /data/00000000000000000001.wal at offset 4096: bad frame ...; refusing to open"
/// // "disk full: pwrite of /data/...wal at offset 8192 (61 bytes) failed: No space left on device (ENOSPC); ..."
/// ```
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file-system call failed (the error names the call, file and offset).
    case io(IOError)
    /// Another engine (process, or open in this process) holds the directory's `LOCK`.
    case directoryLocked(directory: String, IOError)
    /// The log on disk is damaged somewhere a torn write cannot explain, or
    /// is not a log this code can read: the engine refuses to open.
    case corruption(file: String, offset: Int, reason: String)
    /// The log ends in a torn tail (records never synced, cut short) and
    /// `LogConfiguration.acceptsTornTail` (`aof-load-truncated`) is off.
    case tornTailRefused(file: String, offset: Int, reason: String)
    /// A logged effect the engine refused on replay.
    case replayFailed(file: String, offset: Int, message: String)
    /// The disk is full: writes are refused until the log's pending bytes
    /// can be written again; reads keep working.
    case diskFull(IOError)
    /// A sync failed earlier ("fsyncgate": the data it covered may be lost),
    /// so the log stopped for good: every later write is refused. Restart to
    /// recover from what is on disk.
    case failStopped(cause: IOError)
    /// The writer was closed.
    case closed(directory: String)
    /// The effects cannot be encoded as a record (an engine bug or a limit).
    case unencodable(RecordEncodingError)
    /// A rewrite (snapshot) failed; the previous snapshot and log stay in use.
    case rewriteFailed(reason: String)
    /// A point of history asked for (`PointInTime.load`) that the directory
    /// no longer holds: it lies before its snapshot.
    case pointNotHeld(reason: String)

    /// A file named in the call was not there (ENOENT).
    public var isMissingFile: Bool {
        if case .io(let error) = self { return error.errno == .noSuchFile }
        return false
    }

    public var description: String {
        switch self {
        case .io(let error):
            return error.description
        case .directoryLocked(let directory, let error):
            return "data directory \(directory) is in use by another engine (its LOCK is held): \(error)"
        case .corruption(let file, let offset, let reason):
            return "corrupt log \(file) at offset \(offset): \(reason); refusing to open (salvage is an explicit repair)"
        case .tornTailRefused(let file, let offset, let reason):
            return "the log \(file) ends in a torn tail at offset \(offset): \(reason); aof-load-truncated is no, so refusing to open (set it to yes to drop the tail)"
        case .replayFailed(let file, let offset, let message):
            return "replay of the record at offset \(offset) of \(file) failed: \(message)"
        case .diskFull(let error):
            return "disk full: \(error); writes are refused until space returns, reads keep working"
        case .failStopped(let cause):
            return "the log stopped after a failed sync (\(cause)); no write is accepted and nothing pending was made durable; restart to recover from disk"
        case .closed(let directory):
            return "the log of \(directory) is closed"
        case .unencodable(let error):
            return "the effects cannot be logged: \(error)"
        case .rewriteFailed(let reason):
            return "the rewrite failed: \(reason); the previous snapshot and log stay in use"
        case .pointNotHeld(let reason):
            return "that point of history is not held: \(reason)"
        }
    }
}

/// Runs one file-system call, wrapping its error for the storage layer.
@inline(__always)
func storageIO<Result>(_ body: () throws(IOError) -> Result) throws(StorageError) -> Result {
    do {
        return try body()
    } catch {
        throw .io(error)
    }
}
