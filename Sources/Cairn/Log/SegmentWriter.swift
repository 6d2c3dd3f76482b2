/// One open log segment the writer appends to: its handle, where its data
/// ends, how many records it holds. Owned by `LogWriter`; it turns file
/// errors into the writer's decisions (docs/ARCHITECTURE.md, "Failures").
struct SegmentWriter: Sendable {
    let handle: FileDescriptorHandle
    let firstSequence: UInt64
    /// Where the next frame goes: after the last frame written.
    private(set) var endOffset: Int64
    /// Records written to this segment (page cache or disk).
    private(set) var recordCount: Int

    var path: String { handle.path }

    /// Reopens a recovered segment to append after its last valid record.
    static func resume(_ path: String, firstSequence: UInt64, endOffset: Int64, recordCount: Int,
                       fileIO: any FileIO) throws(StorageError) -> SegmentWriter {
        let handle = try storageIO { () throws(IOError) in try fileIO.open(path, .readWrite, options: []) }
        return SegmentWriter(handle: handle, firstSequence: firstSequence, endOffset: endOffset, recordCount: recordCount)
    }

    /// Creates the segment whose first record will be `firstSequence`, with
    /// `reservingBytes` allocated (`fallocate`: its records are written into
    /// space the disk already gave; it reads as zeros, which are no record):
    /// its header written and synced, and the directory synced, before any
    /// record goes in (so a durable record never sits in a file whose name
    /// or header could vanish). A file left by an earlier failed attempt is
    /// replaced: it can hold no record, since records numbered
    /// `firstSequence` and up were never written.
    static func create(inDirectory directory: String, firstSequence: UInt64, reservingBytes: Int64,
                       fileIO: any FileIO) throws(StorageError) -> SegmentWriter {
        let path = DataDirectory.join(directory, DataDirectory.segmentName(firstSequence: firstSequence))
        let handle: FileDescriptorHandle
        do throws(IOError) {
            handle = try fileIO.open(path, .readWrite, options: [.create, .truncate])
        } catch {
            throw error.isOutOfSpace ? .diskFull(error) : .io(error)
        }
        do throws(IOError) {
            try fileIO.fallocate(handle, offset: 0, length: max(reservingBytes, Int64(SegmentHeader.byteCount)))
            try fileIO.writeAll(handle, SegmentHeader(firstSequence: firstSequence).encoded(), at: 0)
            try fileIO.fdatasync(handle)
            try fileIO.syncDirectory(directory)
        } catch {
            try? fileIO.close(handle)
            if error.operation == .pwrite || error.operation == .fallocate, error.isOutOfSpace {
                try? fileIO.unlink(path)
                throw .diskFull(error)
            }
            throw .failStopped(cause: error)
        }
        return SegmentWriter(handle: handle, firstSequence: firstSequence,
                             endOffset: Int64(SegmentHeader.byteCount), recordCount: 0)
    }

    /// Writes `frames` (holding `recordCount` records) at the end. On error
    /// nothing moves: a retry overwrites whatever part reached the page cache.
    mutating func write(_ frames: Bytes, recordCount count: Int, fileIO: any FileIO) throws(StorageError) {
        do throws(IOError) {
            try fileIO.writeAll(handle, frames, at: endOffset)
        } catch {
            if error.isOutOfSpace { throw .diskFull(error) }
            throw .failStopped(cause: error)
        }
        endOffset += Int64(frames.count)
        recordCount += count
    }

    /// `fdatasync`: on success everything written is durable. A failure is
    /// final (fsyncgate), so it is always `.failStopped`.
    func sync(fileIO: any FileIO) throws(StorageError) {
        do throws(IOError) {
            try fileIO.fdatasync(handle)
        } catch {
            throw .failStopped(cause: error)
        }
    }

    func close(fileIO: any FileIO) {
        try? fileIO.close(handle)
    }
}

extension IOError {
    /// `ENOSPC` or `EDQUOT`: the write may succeed once space returns.
    var isOutOfSpace: Bool { errno == .noSpace || errno == .quotaExceeded }
}
