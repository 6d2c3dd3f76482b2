import Foundation

/// Reads a list of segments in order on another thread, one segment ahead of
/// the caller: while recovery replays segment N (CPU), segment N+1 comes off
/// the disk, so a cold open costs about max(read, replay) rather than the
/// sum. Holds at most two segments in memory (the one being replayed and the
/// next). Errors arrive in order, with the segment they belong to.
final class SegmentPrefetcher: @unchecked Sendable {
    private let paths: [String]
    private let fileIO: any FileIO
    /// Guards the fields below; signalled whenever one changes.
    private let condition = NSCondition()
    /// Segments read (or failed) and not yet taken, in order.
    private var results: [Result<Bytes, StorageError>] = []
    private var taken = 0
    private var cancelled = false

    init(paths: [String], fileIO: any FileIO) {
        self.paths = paths
        self.fileIO = fileIO
        guard !paths.isEmpty else { return }
        let thread = Thread { [self] in readAll() }
        thread.name = "cairn-segment-read"
        thread.start()
    }

    /// The next segment's bytes, in the order given; waits for the reader.
    func next() throws(StorageError) -> Bytes {
        condition.lock()
        precondition(taken < paths.count, "more segments taken than listed")
        while results.isEmpty { condition.wait() }
        let result = results.removeFirst()
        taken += 1
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// Stops the reader early (recovery refused to open); safe to call twice.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func readAll() {
        for (index, path) in paths.enumerated() {
            // Stay at most one segment ahead of the one being replayed.
            condition.lock()
            while !cancelled && index > taken { condition.wait() }
            let stop = cancelled
            condition.unlock()
            if stop { return }
            let result: Result<Bytes, StorageError>
            do throws(StorageError) {
                result = .success(try storageIO { () throws(IOError) in try fileIO.readFile(path) })
            } catch {
                result = .failure(error)
            }
            condition.lock()
            results.append(result)
            condition.broadcast()
            condition.unlock()
            if case .failure = result { return }
        }
    }
}
