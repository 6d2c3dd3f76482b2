/// What a verified snapshot held.
struct SnapshotSummary: Sendable, Equatable {
    var header: SnapshotHeader
    var keyCount: UInt64
    var fileBytes: Int64
}

/// Reads a snapshot file back, verifying every byte of it (docs/FORMAT.md
/// "Reading a snapshot"): the restart path.
enum SnapshotFileReader {
    /// Reads and verifies the whole file: the header (magic, version, its
    /// checksum), the trailer (its magic, the body's length, the header's
    /// sequence), every LZ4 block checksum and the content checksum, every
    /// record, then the trailer's key count and the file checksum. Calls
    /// `entry` for each key in file order, as its record is read: the last
    /// checks come after the last key, so on any error the caller drops
    /// everything it was given.
    ///
    /// Memory stays bounded: the file is read `SnapshotFormat.readChunkBytes`
    /// at a time and decompressed a block at a time; only a record larger
    /// than a block is gathered whole.
    ///
    /// Damage throws `.corruption` with the file offset nearest to it (the
    /// header field, the LZ4 bytes whose block failed, the block a bad record
    /// starts in, the trailer field); I/O errors throw `.io`.
    ///
    /// ```swift
    /// let summary = try SnapshotFileReader.read(path: path, fileIO: io, limits: limits) { entry in
    ///     keyspace.databases[entry.database].main.insertNew(entry.key, entry.value)
    /// }
    /// ```
    static func read(
        path: String, fileIO: any FileIO, limits: EncodingLimits,
        entry: (SnapshotEntry) throws(StorageError) -> Void
    ) throws(StorageError) -> SnapshotSummary {
        let handle = try storageIO { () throws(IOError) in try fileIO.open(path, .readOnly, options: []) }
        defer { try? fileIO.close(handle) }
        let fileBytes = try storageIO { () throws(IOError) in try fileIO.size(handle) }
        let frame = Int64(SnapshotFormat.headerBytes + SnapshotFormat.trailerBytes)
        guard fileBytes >= frame else {
            throw .corruption(file: path, offset: Int(fileBytes),
                              reason: "snapshot is \(fileBytes) bytes, shorter than its header and trailer (\(frame)); truncated")
        }
        let headerBytes = try storageIO { () throws(IOError) in try fileIO.read(handle, count: SnapshotFormat.headerBytes, at: 0) }
        let header = try SnapshotHeader.decode(headerBytes, file: path)

        let trailerOffset = fileBytes - Int64(SnapshotFormat.trailerBytes)
        let trailerBytes = try storageIO { () throws(IOError) in
            try fileIO.read(handle, count: SnapshotFormat.trailerBytes, at: trailerOffset)
        }
        guard trailerBytes.count == SnapshotFormat.trailerBytes else {
            throw .corruption(file: path, offset: Int(trailerOffset), reason: "snapshot shrank while it was read")
        }
        let (trailer, storedChecksum) = try SnapshotTrailer.decode(trailerBytes, file: path, offset: Int(trailerOffset))
        let bodyBytes = UInt64(trailerOffset) - UInt64(SnapshotFormat.headerBytes)
        guard trailer.bodyBytes == bodyBytes else {
            throw .corruption(file: path, offset: Int(trailerOffset) + 24,
                              reason: "the trailer gives a \(trailer.bodyBytes)-byte body, the file holds \(bodyBytes) (truncated or extended)")
        }
        guard trailer.sequence == header.sequence else {
            throw .corruption(file: path, offset: Int(trailerOffset) + 16,
                              reason: "the trailer's sequence \(trailer.sequence) is not the header's \(header.sequence)")
        }

        let body = SnapshotBodyStream(path: path, handle: handle, fileIO: fileIO, limits: limits,
                                      bodyEnd: trailerOffset, checksum: CRC32C.extend(0, headerBytes))
        let keyCount = try body.readRecords(entry)

        guard keyCount == trailer.keyCount else {
            throw .corruption(file: path, offset: Int(trailerOffset) + 8,
                              reason: "the trailer counts \(trailer.keyCount) keys, the body holds \(keyCount)")
        }
        let computed = CRC32C.mask(CRC32C.extend(body.checksum, trailerBytes[0..<(SnapshotFormat.trailerBytes - 4)]))
        guard computed == storedChecksum else {
            throw .corruption(file: path, offset: Int(fileBytes) - 4,
                              reason: "snapshot file checksum mismatch (stored \(Hex.word(storedChecksum)), computed \(Hex.word(computed)))")
        }
        return SnapshotSummary(header: header, keyCount: keyCount, fileBytes: fileBytes)
    }

    /// The file's header alone, verified (what `read` checks first).
    static func header(path: String, fileIO: any FileIO) throws(StorageError) -> SnapshotHeader {
        let handle = try storageIO { () throws(IOError) in try fileIO.open(path, .readOnly, options: []) }
        defer { try? fileIO.close(handle) }
        let bytes = try storageIO { () throws(IOError) in try fileIO.read(handle, count: SnapshotFormat.headerBytes, at: 0) }
        return try SnapshotHeader.decode(bytes, file: path)
    }
}

/// The body between header and trailer, read as an incremental state
/// machine: file bytes in chunks → the LZ4 decoder, fed exactly the bytes it
/// asks for so a failing call names the block it was given → decompressed
/// bytes → whole records, carrying a partial record over to the next block.
private final class SnapshotBodyStream {
    let path: String
    let handle: FileDescriptorHandle
    let fileIO: any FileIO
    let limits: EncodingLimits
    /// File offset where the body ends (the trailer starts).
    let bodyEnd: Int64
    /// CRC-32C (unmasked) of every file byte read so far.
    private(set) var checksum: UInt32

    private let decoder = LZ4FrameDecoder()
    private var decoded = Bytes(repeating: 0, count: SnapshotFormat.bodyLayout.blockSize.bytes)

    /// File bytes read and not yet given to the decoder:
    /// `input[inputStart..<inputEnd]`, `input[0]` being at file offset
    /// `inputOffset`. The buffer is reused from chunk to chunk (a fresh
    /// megabyte per chunk costs a page fault per 4 KiB).
    private var input: Bytes = []
    private var inputStart = 0
    private var inputEnd = 0
    private var inputOffset = Int64(SnapshotFormat.headerBytes)

    /// Decompressed bytes not yet parsed: `pending[pendingStart...]`;
    /// `pending[0]` is at body offset `pendingBodyOffset`.
    private var pending: Bytes = []
    private var pendingStart = 0
    private var pendingBodyOffset: Int64 = 0
    /// Where each decoder call's output starts in the body, and the file
    /// offset of the block it came from (its size field), oldest first; only
    /// those still covering `pending` are kept.
    private var origins: [(body: Int64, file: Int64)] = []
    private var keyCount: UInt64 = 0
    /// File offset of the frame part being decoded (see `locateUnit`).
    private var unitOffset = Int64(SnapshotFormat.headerBytes)
    private var frameHeaderEnd: Int64?
    private var lastFeedWasWhole = false

    init(path: String, handle: FileDescriptorHandle, fileIO: any FileIO, limits: EncodingLimits,
         bodyEnd: Int64, checksum: UInt32) {
        self.path = path
        self.handle = handle
        self.fileIO = fileIO
        self.limits = limits
        self.bodyEnd = bodyEnd
        self.checksum = checksum
    }

    private func corrupt(_ offset: Int64, _ reason: String) -> StorageError {
        .corruption(file: path, offset: Int(offset), reason: reason)
    }

    /// Decodes the one LZ4 frame that must fill the body exactly, calling
    /// `entry` for each record; returns how many there were.
    func readRecords(_ entry: (SnapshotEntry) throws(StorageError) -> Void) throws(StorageError) -> UInt64 {
        while decoder.expectedInputBytes > 0 {
            let wanted = decoder.expectedInputBytes
            try fill(wanted)
            let available = inputEnd - inputStart
            let feedOffset = inputOffset + Int64(inputStart)
            locateUnit(feedOffset: feedOffset, available: available)
            guard available > 0 else {
                throw corrupt(unitOffset, "the LZ4 frame is cut short: its \(unitName) at offset \(unitOffset) runs past the body's end (no end mark and content checksum)")
            }
            let feed = min(wanted, available)
            var fed = 0
            while fed < feed {
                let start = inputStart + fed, end = inputStart + feed
                // withUnsafeBytes rethrows untyped; carry the typed result out by value.
                let result: Result<(consumed: Int, produced: Int), LZ4Error> = input.withUnsafeBytes { source in
                    decoded.withUnsafeMutableBytes { destination in
                        Result { () throws(LZ4Error) in
                            try decoder.decode(UnsafeRawBufferPointer(rebasing: source[start..<end]), into: destination)
                        }
                    }
                }
                let step: (consumed: Int, produced: Int)
                do throws(LZ4Error) {
                    step = try result.get()
                } catch {
                    throw corrupt(unitOffset, "the LZ4 \(unitName) at offset \(unitOffset) does not decode: \(error.reason)")
                }
                guard step.consumed > 0 || step.produced > 0 else {
                    throw corrupt(unitOffset, "the LZ4 decoder made no progress in the \(unitName) at offset \(unitOffset)")
                }
                fed += step.consumed
                if step.produced > 0 {
                    origins.append((pendingBodyOffset + Int64(pending.count), unitOffset))
                    pending.append(contentsOf: decoded[0..<step.produced])
                    try parseRecords(entry)
                }
            }
            inputStart += fed
            lastFeedWasWhole = feed == wanted
        }
        let frameEnd = inputOffset + Int64(inputStart)
        guard frameEnd == bodyEnd else {
            throw corrupt(frameEnd, "\(bodyEnd - frameEnd) bytes after the body's LZ4 frame")
        }
        guard pendingStart == pending.count else {
            throw corrupt(origin(of: pendingBodyOffset), "the body ends inside the record at body offset \(pendingBodyOffset): truncated")
        }
        return keyCount
    }

    /// Tracks which part of the frame the next feed decodes, so errors name
    /// its start: the frame header, or a block by its 4-byte size field (a
    /// field its block checksum does not cover, so damage to it surfaces
    /// as a failing or overlong block). Each feed is exactly what liblz4
    /// asked for: the rest of the current part and the next block's size
    /// field, so after a whole feed the next part starts 4 bytes before the
    /// next feed.
    private func locateUnit(feedOffset: Int64, available: Int) {
        let frameStart = Int64(SnapshotFormat.headerBytes)
        if feedOffset == frameStart, frameHeaderEnd == nil, available > 4 {
            frameHeaderEnd = frameStart + Int64(LZ4FrameDecoder.headerBytes(descriptorFlags: input[inputStart + 4]))
        }
        guard let frameHeaderEnd, feedOffset >= frameHeaderEnd else { return }
        if feedOffset == frameHeaderEnd {
            unitOffset = feedOffset
        } else if lastFeedWasWhole {
            unitOffset = feedOffset - 4
        }
    }

    private var unitName: String { unitOffset == Int64(SnapshotFormat.headerBytes) ? "frame header" : "block" }

    /// Makes at least `count` unread input bytes available, or all the body
    /// has left; every byte read goes into the file checksum.
    private func fill(_ count: Int) throws(StorageError) {
        let available = inputEnd - inputStart
        let nextRead = inputOffset + Int64(inputEnd)
        guard available < count, nextRead < bodyEnd else { return }
        if inputStart > 0 {
            let (from, kept) = (inputStart, available)
            input.withUnsafeMutableBytes { buffer in
                if kept > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + from, byteCount: kept) }
            }
            inputOffset += Int64(inputStart)
            inputStart = 0
            inputEnd = available
        }
        let readCount = Int(min(Int64(max(SnapshotFormat.readChunkBytes, count - available)), bodyEnd - nextRead))
        if input.count < inputEnd + readCount {
            input.append(contentsOf: repeatElement(0, count: inputEnd + readCount - input.count))
        }
        let (start, fileIO, handle) = (inputEnd, fileIO, handle)
        // withUnsafeMutableBytes rethrows untyped; carry the typed result out by value.
        let result: Result<Int, IOError> = input.withUnsafeMutableBytes { buffer in
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + readCount)])
            return Result { () throws(IOError) in try fileIO.readFully(handle, into: target, at: nextRead) }
        }
        let got = try storageIO { () throws(IOError) in try result.get() }
        guard got == readCount else {
            throw corrupt(nextRead + Int64(got), "snapshot shrank while it was read")
        }
        checksum = input.withUnsafeBytes { CRC32C.extend(checksum, UnsafeRawBufferPointer(rebasing: $0[start..<(start + readCount)])) }
        inputEnd += readCount
    }

    /// Parses every whole record in `pending`, keeping the partial one.
    private func parseRecords(_ entry: (SnapshotEntry) throws(StorageError) -> Void) throws(StorageError) {
        records: while true {
            let bodyOffset = pendingBodyOffset + Int64(pendingStart)
            let parsed: SnapshotEntry
            let extent: Int
            do throws(RDBFormatError) {
                guard let measured = try SnapshotRecords.extent(pending, at: pendingStart, end: pending.count),
                      measured <= pending.count - pendingStart else { break records }
                extent = measured
                parsed = try SnapshotRecords.decode(pending, start: pendingStart, end: pendingStart + extent, limits: limits)
            } catch {
                throw corrupt(origin(of: bodyOffset),
                              "bad record \(keyCount + 1) at body offset \(bodyOffset): \(error.reason)")
            }
            pendingStart += extent
            keyCount += 1
            try entry(parsed)
        }
        guard pendingStart > 0 else { return }
        pending.removeSubrange(0..<pendingStart)
        pendingBodyOffset += Int64(pendingStart)
        pendingStart = 0
        // Keep the origin of the partial record's first byte and later ones.
        if let keep = origins.lastIndex(where: { $0.body <= pendingBodyOffset }), keep > 0 {
            origins.removeFirst(keep)
        }
    }

    /// The file offset of the compressed bytes that held body offset `bodyOffset`.
    private func origin(of bodyOffset: Int64) -> Int64 {
        origins.last(where: { $0.body <= bodyOffset })?.file ?? Int64(SnapshotFormat.headerBytes)
    }
}
