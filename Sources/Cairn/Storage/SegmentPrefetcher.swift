/// Reads a list of segments in order on another thread, one segment ahead of
/// the caller: while recovery replays segment N (CPU), segment N+1 comes off
/// the disk, so a cold open costs about max(read, replay) rather than the
/// sum. Holds at most two segments in memory (the one being replayed and the
/// next). Errors arrive in order, with the segment they belong to.
struct SegmentPrefetcher {
    private let reader: BackgroundReader<Bytes>?

    init(paths: [String], fileIO: any FileIO) {
        reader = paths.isEmpty ? nil : BackgroundReader(name: "cairn-segment-read", capacity: 1) {
            (put: (Bytes) -> Bool) throws(StorageError) in
            for path in paths {
                guard put(try storageIO { () throws(IOError) in try fileIO.readFile(path) }) else { return }
            }
        }
    }

    /// The next segment's bytes, in the order given; waits for the reader.
    func next() throws(StorageError) -> Bytes {
        guard let reader, case .item(let bytes) = try reader.next() else {
            preconditionFailure("more segments taken than listed")
        }
        return bytes
    }

    /// Stops the reader early (recovery refused to open); safe to call twice.
    func cancel() { reader?.cancel() }
}
