/// A data directory opened through a `FileIO`: it holds the lock file `LOCK`
/// for as long as it is open (a second opener, in this process or another,
/// is refused) and knows the log's segment files (docs/FORMAT.md, "Segment
/// files in a data directory").
///
/// Segment files are `NNNNNNNNNNNNNNNNNNNN.wal` (the first sequence number,
/// 20 zero padded digits, so names sort in log order); which of them make
/// up the live log is the MANIFEST's say (`Manifest`).
///
/// ```swift
/// let directory = try DataDirectory.open("/data", fileIO: PosixFileIO())
/// defer { directory.close() }
/// for segment in try directory.segments() { print(segment.path, segment.firstSequence) }
/// ```
public final class DataDirectory {
    public let path: String
    public let fileIO: any FileIO
    private var lock: FileDescriptorHandle?

    /// A segment file found in the directory.
    public struct Segment: Sendable, Equatable {
        public let path: String
        /// The first sequence number its name claims (its header must agree).
        public let firstSequence: UInt64
    }

    static let lockName = "LOCK"
    static let segmentSuffix = ".wal"
    static let segmentDigits = 20

    private init(path: String, fileIO: any FileIO, lock: FileDescriptorHandle) {
        self.path = path
        self.fileIO = fileIO
        self.lock = lock
    }

    /// Opens `path`, creating it (and making its name durable) if missing,
    /// and takes its lock.
    public static func open(_ path: String, fileIO: any FileIO) throws(StorageError) -> DataDirectory {
        if !fileIO.fileExists(path) {
            try storageIO { () throws(IOError) in try fileIO.makeDirectory(path) }
            try storageIO { () throws(IOError) in try fileIO.syncDirectory(parent(of: path)) }
        }
        let lock: FileDescriptorHandle
        do {
            lock = try fileIO.acquireLock(join(path, lockName))
        } catch where error.errno == .wouldBlock {
            throw .directoryLocked(directory: path, error)
        } catch {
            throw .io(error)
        }
        return DataDirectory(path: path, fileIO: fileIO, lock: lock)
    }

    /// Releases the lock. Idempotent.
    public func close() {
        if let lock {
            try? fileIO.close(lock)
            self.lock = nil
        }
    }

    deinit { close() }

    /// The segment files, in log order (by name). Names that are not
    /// segment names are ignored.
    public func segments() throws(StorageError) -> [Segment] {
        segments(among: try fileNames())
    }

    /// The directory's file names, as `FileIO.listDirectory` gives them.
    func fileNames() throws(StorageError) -> [String] {
        try storageIO { () throws(IOError) in try fileIO.listDirectory(path) }
    }

    /// The segment files among `names` (one listing of this directory).
    func segments(among names: [String]) -> [Segment] {
        DataDirectory.segments(inDirectory: path, among: names)
    }

    /// The segment files among `names`, a listing of `directory`, in log order.
    static func segments(inDirectory directory: String, among names: [String]) -> [Segment] {
        names.sorted().compactMap { name in
            firstSequence(ofSegmentNamed: name).map { Segment(path: join(directory, name), firstSequence: $0) }
        }
    }

    /// The path of the segment whose first record is `firstSequence`.
    public func segmentPath(firstSequence: UInt64) -> String {
        DataDirectory.join(path, DataDirectory.segmentName(firstSequence: firstSequence))
    }

    static let snapshotSuffix = ".snap"
    /// A file being written (a snapshot, a MANIFEST) before its rename.
    static let temporarySuffix = ".tmp"

    static func segmentName(firstSequence: UInt64) -> String {
        paddedNumber(firstSequence) + segmentSuffix
    }

    /// `NNNNNNNNNNNNNNNNNNNN.snap`: the snapshot of the state after record `sequence`.
    static func snapshotName(sequence: UInt64) -> String {
        paddedNumber(sequence) + snapshotSuffix
    }

    private static func paddedNumber(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, segmentDigits - digits.count)) + digits
    }

    static func firstSequence(ofSegmentNamed name: String) -> UInt64? {
        number(inName: name, suffix: segmentSuffix)
    }

    /// The record a snapshot's name says it holds the state after, or nil
    /// for a name that is not `NNNNNNNNNNNNNNNNNNNN.snap`.
    static func sequence(ofSnapshotNamed name: String) -> UInt64? {
        number(inName: name, suffix: snapshotSuffix)
    }

    /// The number of a `NNNNNNNNNNNNNNNNNNNN<suffix>` name (20 digits).
    private static func number(inName name: String, suffix: String) -> UInt64? {
        guard name.hasSuffix(suffix) else { return nil }
        let digits = name.dropLast(suffix.count)
        guard digits.count == segmentDigits, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(digits)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
