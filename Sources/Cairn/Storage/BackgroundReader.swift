import Foundation

/// Runs a producer on its own thread, a bounded number of items ahead of the
/// caller who takes them in order: recovery's way to overlap reading and
/// decoding files with applying what they hold (two cores, two halves of the
/// work). Used for log segments (`SegmentPrefetcher`) and snapshot records
/// (`Recovery.loadSnapshot`).
///
/// The producer gets a `put` that queues an item and returns once fewer than
/// `capacity` items wait (so it starts on the next one only then), or false
/// once the caller cancelled (the producer should then stop). At most
/// `capacity` items are queued or being produced while the caller works on
/// one.
/// Its end, or its error, is the last item the caller takes; after an error
/// nothing more is produced.
///
/// Items move between threads by ownership: the producer builds an item,
/// hands it over and never touches it again, which is why `Item` need not be
/// `Sendable` (the engine's values are classes confined to one thread at a
/// time, and this is the one hand-over point).
final class BackgroundReader<Item>: @unchecked Sendable {
    enum Next {
        case item(Item)
        case end
    }

    private let capacity: Int
    /// Guards the fields below; signalled whenever one changes.
    private let condition = NSCondition()
    private var queued: [Result<Next, StorageError>] = []
    private var queuedStart = 0
    private var cancelled = false

    /// Starts `produce` on a thread named `name`. `produce` calls `put` for
    /// each item in order and returns at the end (or throws).
    init(name: String, capacity: Int, produce: @escaping @Sendable (_ put: (Item) -> Bool) throws(StorageError) -> Void) {
        precondition(capacity > 0, "capacity \(capacity)")
        self.capacity = capacity
        let thread = Thread { [self] in
            let last: Result<Next, StorageError>
            do throws(StorageError) {
                try produce { item in self.hand(.success(.item(item)), waitForRoom: true) }
                last = .success(.end)
            } catch {
                last = .failure(error)
            }
            _ = hand(last, waitForRoom: false)
        }
        thread.name = name
        thread.start()
    }

    /// The next item in order, or `.end`; waits for the producer; rethrows
    /// its error.
    func next() throws(StorageError) -> Next {
        condition.lock()
        while queuedStart == queued.count { condition.wait() }
        let result = queued[queuedStart]
        queuedStart += 1
        if queuedStart == queued.count {
            queued.removeAll(keepingCapacity: true)
            queuedStart = 0
        }
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// Stops the producer at its next `put` (the caller gave up); safe to
    /// call twice.
    func cancel() {
        condition.lock()
        cancelled = true
        queued.removeAll()
        queuedStart = 0
        condition.broadcast()
        condition.unlock()
    }

    /// Queues `result`, then (with `waitForRoom`) waits until fewer than
    /// `capacity` items wait; false if the caller cancelled.
    private func hand(_ result: Result<Next, StorageError>, waitForRoom: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled else { return false }
        queued.append(result)
        condition.broadcast()
        while waitForRoom && !cancelled && queued.count - queuedStart >= capacity { condition.wait() }
        return !cancelled
    }
}
