/// What salvage lost of a snapshot: one damaged stretch and, when the bytes
/// before the damage name it, the key whose record ran into it.
public struct SnapshotDamage: Sendable, Equatable {
    /// File offset of the damage (a block's size field, the trailer).
    public var offset: Int
    public var reason: String
    /// The record cut by the damage, when its first bytes are readable.
    public var lostKey: (database: Int, key: Bytes)?

    public static func == (left: SnapshotDamage, right: SnapshotDamage) -> Bool {
        left.offset == right.offset && left.reason == right.reason
            && left.lostKey?.database == right.lostKey?.database && left.lostKey?.key == right.lostKey?.key
    }
}

/// What `SnapshotSalvage.read` got out of a snapshot.
struct SalvagedSnapshot {
    /// The header, when it verified.
    var header: SnapshotHeader?
    /// The trailer's key count, when the trailer is there.
    var trailerKeyCount: UInt64?
    var keysRead: UInt64 = 0
    var damage: [SnapshotDamage] = []

    /// Keys the trailer counts that were not read (nil: no trailer to count them).
    var keysLost: UInt64? {
        trailerKeyCount.map { $0 > keysRead ? $0 - keysRead : 0 }
    }
}

/// Reads what a damaged snapshot still holds (`cairn-dump repair
/// --salvage`). The body's LZ4 blocks are independent, so each is decoded
/// on its own against its checksum: a damaged block is a hole, and the
/// blocks after it still decode. Records are self-delimiting from the
/// start of the body; after a hole the reader finds the first offset from
/// which records parse back to back to the end of the readable bytes, and
/// goes on from there. A record that runs into a hole is lost, named when
/// its first bytes hold its key. The whole file is read into memory.
enum SnapshotSalvage {
    /// Record chains shorter than this, and not reaching the end of the
    /// readable bytes, do not count as finding the records again after a hole.
    static let resyncRecords = 16

    static func read(path: String, fileIO: any FileIO, limits: EncodingLimits,
                     entry: (SnapshotEntry) -> Void) throws(StorageError) -> SalvagedSnapshot {
        let bytes = try storageIO { () throws(IOError) in try fileIO.readFile(path) }
        var salvaged = SalvagedSnapshot()
        salvaged.header = bytes.count >= SnapshotFormat.headerBytes
            ? try? SnapshotHeader.decode(Array(bytes[0..<SnapshotFormat.headerBytes]), file: path) : nil
        var bodyEnd = bytes.count
        if bytes.count >= SnapshotFormat.headerBytes + SnapshotFormat.trailerBytes {
            let trailerOffset = bytes.count - SnapshotFormat.trailerBytes
            if let (trailer, _) = try? SnapshotTrailer.decode(Array(bytes[trailerOffset...]), file: path, offset: trailerOffset) {
                salvaged.trailerKeyCount = trailer.keyCount
                bodyEnd = trailerOffset
            } else {
                salvaged.damage.append(SnapshotDamage(offset: trailerOffset, reason: "no snapshot trailer (the file is cut short)"))
            }
        }
        let runs = decodeBlocks(bytes, bodyEnd: bodyEnd, into: &salvaged.damage)
        for (index, run) in runs.enumerated() {
            parseRecords(run, endsInHole: index < runs.count - 1 || run.cutShort,
                         limits: limits, salvaged: &salvaged, entry: entry)
        }
        return salvaged
    }

    /// Decompressed body bytes that follow one another with no hole, and
    /// the file offset of their first block.
    struct Run {
        var data: Bytes = []
        var fileOffset: Int
        /// The body's bytes end inside this run's last record for a reason
        /// other than a later hole (no end mark: the frame was cut short).
        var cutShort = false
        /// A hole comes before this run.
        var afterHole: Bool
    }

    /// The body's blocks, decoded one by one; a damaged block (or frame
    /// header) is a hole between runs, recorded in `damage`.
    static func decodeBlocks(_ bytes: Bytes, bodyEnd: Int, into damage: inout [SnapshotDamage]) -> [Run] {
        let frameStart = SnapshotFormat.headerBytes
        let magic: [UInt8] = [0x04, 0x22, 0x4D, 0x18]
        guard bodyEnd >= frameStart + 7, bytes[frameStart..<frameStart + 4].elementsEqual(magic) else {
            damage.append(SnapshotDamage(offset: frameStart, reason: "the body's LZ4 frame header is unreadable"))
            return []
        }
        let flags = bytes[frameStart + 4]
        let headerEnd = frameStart + LZ4FrameDecoder.headerBytes(descriptorFlags: flags)
        let frameHeader = Array(bytes[frameStart..<min(headerEnd, bodyEnd)])
        let checksumBytes = flags & 0x10 != 0 ? 4 : 0
        let maximumBlock = SnapshotFormat.bodyLayout.blockSize.bytes
        guard headerEnd <= bodyEnd, decode(frameHeader, block: [], maximumBlock: maximumBlock) != nil else {
            damage.append(SnapshotDamage(offset: frameStart, reason: "the body's LZ4 frame header is damaged"))
            return []
        }
        /// The block at `offset`: its decoded bytes and length in the file, or nil.
        func block(at offset: Int) -> (data: Bytes, length: Int)? {
            guard offset + 4 <= bodyEnd else { return nil }
            let size = Int(UInt32(bytes.littleEndianValue(at: offset, count: 4)) & 0x7FFF_FFFF)
            let length = 4 + size + checksumBytes
            guard size > 0, size <= maximumBlock, offset + length <= bodyEnd,
                  let data = decode(frameHeader, block: bytes[offset..<offset + length], maximumBlock: maximumBlock)
            else { return nil }
            return (data, length)
        }
        var runs = [Run(fileOffset: headerEnd, afterHole: false)]
        var offset = headerEnd
        while offset + 4 <= bodyEnd {
            if bytes.littleEndianValue(at: offset, count: 4) == 0 { return runs }  // the end mark
            if let (data, length) = block(at: offset) {
                runs[runs.count - 1].data += data
                offset += length
                continue
            }
            // A damaged block: read on at the next offset where a block decodes.
            var next = offset + 1
            while next + 4 <= bodyEnd, block(at: next) == nil { next += 1 }
            damage.append(SnapshotDamage(offset: offset, reason: next + 4 <= bodyEnd
                ? "the LZ4 block at offset \(offset) does not decode; reading on at the block at offset \(next)"
                : "the LZ4 block at offset \(offset) does not decode, nor does any block after it"))
            if next + 4 > bodyEnd { return runs }
            runs.append(Run(fileOffset: next, afterHole: true))
            offset = next
        }
        runs[runs.count - 1].cutShort = true
        damage.append(SnapshotDamage(offset: offset, reason: "the body's LZ4 frame is cut short (no end mark)"))
        return runs
    }

    /// One block decoded by a fresh decoder given the frame's header first
    /// (blocks are independent), its checksum checked; nil when it fails.
    private static func decode(_ frameHeader: Bytes, block: ArraySlice<UInt8>, maximumBlock: Int) -> Bytes? {
        let decoder = LZ4FrameDecoder()
        var output = Bytes(repeating: 0, count: maximumBlock)
        var produced = 0
        for input in [frameHeader[...], block] where !input.isEmpty {
            var consumed = 0
            while consumed < input.count {
                let step: (consumed: Int, produced: Int)? = input.withUnsafeBytes { source in
                    output.withUnsafeMutableBytes { destination in
                        try? decoder.decode(UnsafeRawBufferPointer(rebasing: source[consumed...]),
                                            into: UnsafeMutableRawBufferPointer(rebasing: destination[produced...]))
                    }
                }
                guard let step, step.consumed > 0 || step.produced > 0 else { return nil }
                consumed += step.consumed
                produced += step.produced
            }
        }
        // A whole block consumed must have produced its bytes.
        guard block.isEmpty || produced > 0 else { return nil }
        return Array(output[0..<produced])
    }

    /// The records of one run. After a hole, and after a record that does
    /// not decode, reading goes on at the first offset from which records
    /// parse back to back.
    private static func parseRecords(_ run: Run, endsInHole: Bool, limits: EncodingLimits,
                                     salvaged: inout SalvagedSnapshot, entry: (SnapshotEntry) -> Void) {
        let data = run.data
        func resync(from start: Int) -> Int? {
            (start..<max(start, data.count)).first { chainHolds(data, from: $0, endsInHole: endsInHole, limits: limits) }
        }
        var next = run.afterHole ? resync(from: 0) : 0
        while let offset = next, offset < data.count {
            let extent = try? SnapshotRecords.extent(data, at: offset, end: data.count)
            if let extent, extent <= data.count - offset,
               let record = try? SnapshotRecords.decode(data, start: offset, end: offset + extent, limits: limits) {
                entry(record)
                salvaged.keysRead += 1
                next = offset + extent
                continue
            }
            let runsOn = extent.map { $0 > data.count - offset } ?? false
            salvaged.damage.append(SnapshotDamage(
                offset: run.fileOffset,
                reason: "the record at offset \(offset) of the bytes decoded from offset \(run.fileOffset) on "
                    + (runsOn ? "runs into damage" : "does not decode"),
                lostKey: SnapshotRecords.key(data, at: offset, end: data.count)))
            next = runsOn ? nil : resync(from: offset + 1)
        }
    }

    /// Records parse back to back from `start`: `resyncRecords` of them,
    /// or as many as reach the end of `data` (the last one may be cut there
    /// only when a hole follows).
    private static func chainHolds(_ data: Bytes, from start: Int, endsInHole: Bool, limits: EncodingLimits) -> Bool {
        var offset = start
        var count = 0
        while count < resyncRecords {
            guard offset < data.count else { return count > 0 }
            guard let extent = try? SnapshotRecords.extent(data, at: offset, end: data.count) else {
                return endsInHole && count > 0
            }
            guard extent <= data.count - offset else { return endsInHole && count > 0 }
            guard (try? SnapshotRecords.decode(data, start: offset, end: offset + extent, limits: limits)) != nil else {
                return false
            }
            offset += extent
            count += 1
        }
        return true
    }
}
