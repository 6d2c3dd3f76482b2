/// Writes one snapshot file through a `FileIO`, on a background thread (not
/// the engine's): the header at `init`, then the body compressed as it comes
/// into one LZ4 frame, then at `finish` the trailer and an `fdatasync`.
///
/// The file checksum in the trailer (CRC-32C of every byte before it) is
/// computed over the bytes as they are written, so nothing is read back.
/// The file is not a snapshot until the caller has renamed it into place and
/// synced the directory (and published a MANIFEST naming it); after any
/// error, call `abandon`.
///
/// ```swift
/// let writer = try SnapshotFileWriter(path: "/data/000042.snap.tmp", header: header, fileIO: io)
/// try writer.append(chunk)                // body bytes from SnapshotRecords.append, any cut
/// try writer.finish(keyCount: keys)       // durable once this returns
/// try io.rename("/data/000042.snap.tmp", to: "/data/000042.snap"); try io.syncDirectory("/data")
/// ```
final class SnapshotFileWriter {
    private let fileIO: any FileIO
    private let path: String
    private let header: SnapshotHeader
    private var handle: FileDescriptorHandle?
    private let encoder: LZ4FrameEncoder
    /// CRC-32C (unmasked) of every byte written so far.
    private var checksum: UInt32 = 0

    /// File bytes written so far.
    private(set) var bytesWritten: Int64 = 0

    /// Creates the file (truncating one left by an earlier attempt) and
    /// writes the header and the LZ4 frame's header. `layout` is for
    /// measurements; readers take any layout.
    init(path: String, header: SnapshotHeader, fileIO: any FileIO,
         layout: LZ4FrameLayout = SnapshotFormat.bodyLayout) throws(StorageError) {
        encoder = LZ4FrameEncoder(layout: layout)
        self.fileIO = fileIO
        self.path = path
        self.header = header
        handle = try Self.io { () throws(IOError) in try fileIO.open(path, .readWrite, options: [.create, .truncate]) }
        do throws(StorageError) {
            try write(header.encoded + encoder.begin())
        } catch {
            abandon()
            throw error
        }
    }

    /// Compresses `body` (the next bytes of the record stream; a chunk may
    /// end inside a record) and writes the blocks it completes.
    func append(_ body: Bytes) throws(StorageError) {
        guard !body.isEmpty else { return }
        let blocks = body.withUnsafeBytes { encoder.update($0) }
        try write(blocks)
    }

    /// Ends the frame, writes the trailer and `fdatasync`s the file, then
    /// closes it. The snapshot's bytes are durable when this returns; its
    /// name is not (the caller renames and syncs the directory).
    func finish(keyCount: UInt64) throws(StorageError) {
        try write(encoder.end())
        let bodyBytes = UInt64(bytesWritten) - UInt64(SnapshotFormat.headerBytes)
        let trailer = SnapshotTrailer(keyCount: keyCount, sequence: header.sequence, bodyBytes: bodyBytes)
        try write(trailer.encoded(fileChecksum: checksum))
        let open = openHandle
        try Self.io { () throws(IOError) in try fileIO.fdatasync(open) }
        handle = nil
        try Self.io { () throws(IOError) in try fileIO.close(open) }
    }

    /// Closes and removes the file (after an error, or when the snapshot is
    /// no longer wanted). Errors are ignored: the file is garbage either way.
    func abandon() {
        if let handle { try? fileIO.close(handle) }
        handle = nil
        try? fileIO.unlink(path)
    }

    private func write(_ bytes: Bytes) throws(StorageError) {
        guard !bytes.isEmpty else { return }
        let open = openHandle
        let offset = bytesWritten
        try Self.io { () throws(IOError) in try fileIO.writeAll(open, bytes, at: offset) }
        checksum = CRC32C.extend(checksum, bytes)
        bytesWritten += Int64(bytes.count)
    }

    private var openHandle: FileDescriptorHandle {
        // A use after finish or abandon is a bug in the caller.
        guard let handle else { preconditionFailure("snapshot writer for \(path) used after finish or abandon") }
        return handle
    }

    /// A file-system call, its error as the storage layer reports it: a full
    /// disk is `.diskFull` (the snapshot can be retried once space returns).
    private static func io<Result>(_ call: () throws(IOError) -> Result) throws(StorageError) -> Result {
        do {
            return try call()
        } catch {
            throw error.isOutOfSpace ? .diskFull(error) : .io(error)
        }
    }
}
