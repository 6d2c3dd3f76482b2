import Cairn

/// Where a recorded change stands with respect to the disk.
enum Durability: Sendable {
    /// In the page cache only: a power cut keeps it, drops it or tears it.
    case volatile
    /// Covered by a sync that failed. The kernel marked the pages clean without
    /// writing them ("fsyncgate"), so a later sync does not make it durable:
    /// it may or may not have reached the disk, and a power cut decides.
    case failed
    /// Covered by a successful sync: survives every power cut.
    case synced
}

/// One change to a file's content.
enum FileChange: Sendable {
    case write(offset: Int, bytes: [UInt8])
    /// `ftruncate`, or the growth of `fallocate` / `O_TRUNC`: a size change.
    case resize(length: Int)
}

/// What a power cut did to one change (the counts of `PowerCutOutcome`).
enum ChangeFate: Sendable {
    case kept, dropped, torn
}

/// A simulated inode: the page cache every read sees, and the changes not
/// yet known durable, oldest first, each with what undoes it. The disk image
/// is the cache with those changes undone; it is computed only at a power
/// cut, so a sync costs nothing but dropping the synced changes.
struct SimulatedFile: Sendable {
    struct Recorded: Sendable {
        let change: FileChange
        var durability: Durability
        let undo: Undo
    }

    /// What turns the content right after a change back into the content
    /// right before it.
    enum Undo: Sendable {
        /// A write: the bytes it overwrote inside the old length, and the old length.
        case write(offset: Int, overwritten: [UInt8], previousCount: Int)
        /// A growth: the old length (the new bytes were zeros).
        case grow(previousCount: Int)
        /// A shrink: the whole previous content (copy-on-write, so cheap to keep).
        case shrink(previous: PagedContent)
    }

    /// What reads see: the disk image with every change applied.
    private(set) var cache = PagedContent()
    /// Changes after the disk image. Volatile ones all come after the last
    /// synced one; failed ones may sit anywhere before them.
    private(set) var changes: [Recorded] = []
    /// The descriptor holding `flock(LOCK_EX)`, if any.
    var lockHolder: CInt?

    init() {}

    init(durable content: PagedContent) {
        cache = content
    }

    var size: Int { cache.count }

    mutating func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        let previousCount = cache.count
        let undo = Undo.write(offset: offset, overwritten: cache.read(offset ..< offset + bytes.count), previousCount: previousCount)
        cache.write(bytes, at: offset)
        changes.append(Recorded(change: .write(offset: offset, bytes: [UInt8](bytes)), durability: .volatile, undo: undo))
    }

    mutating func resize(to length: Int) {
        let undo = length < cache.count ? Undo.shrink(previous: cache) : .grow(previousCount: cache.count)
        cache.resize(to: length)
        changes.append(Recorded(change: .resize(length: length), durability: .volatile, undo: undo))
    }

    /// A successful `fsync`/`fdatasync`: every volatile change becomes durable,
    /// and the leading synced changes leave the list (the disk image moves up
    /// to them). Changes of an earlier failed sync stay undecided.
    mutating func sync() {
        for index in changes.indices where changes[index].durability == .volatile {
            changes[index].durability = .synced
        }
        changes.removeFirst(changes.prefix { $0.durability == .synced }.count)
    }

    /// A failed `fsync`/`fdatasync`: the volatile changes leave the page
    /// cache's durable future (reads still show them).
    mutating func failSync() {
        for index in changes.indices where changes[index].durability == .volatile {
            changes[index].durability = .failed
        }
    }

    /// The file's content after a power cut: the disk image, synced changes in
    /// order, and each run of undecided changes (failed or volatile) resolved:
    /// every change kept whole, dropped, or torn at a sector boundary, the
    /// survivors applied in a seeded arbitrary order — the kernel writes dirty
    /// pages back in no promised order.
    func crashed(using random: inout RandomSource, keepPercent: Int, count: (ChangeFate) -> Void) -> PagedContent {
        var content = cache
        for recorded in changes.reversed() { Self.revert(recorded.undo, in: &content) }
        var run: [FileChange] = []
        for recorded in changes {
            if recorded.durability == .synced {
                Self.resolve(run, into: &content, using: &random, keepPercent: keepPercent, count: count)
                run.removeAll()
                Self.apply(recorded.change, to: &content)
            } else {
                run.append(recorded.change)
            }
        }
        Self.resolve(run, into: &content, using: &random, keepPercent: keepPercent, count: count)
        return content
    }

    private static func resolve(
        _ run: [FileChange], into content: inout PagedContent, using random: inout RandomSource,
        keepPercent: Int, count: (ChangeFate) -> Void
    ) {
        guard !run.isEmpty else { return }
        var survivors: [FileChange] = []
        for change in run {
            guard random.below(100) < keepPercent else {
                count(.dropped)
                continue
            }
            if case .write(let offset, let bytes) = change,
               let torn = tornLength(offset: offset, count: bytes.count, using: &random) {
                survivors.append(.write(offset: offset, bytes: Array(bytes.prefix(torn))))
                count(.torn)
            } else {
                survivors.append(change)
                count(.kept)
            }
        }
        random.shuffle(&survivors)
        for change in survivors { apply(change, to: &content) }
    }

    /// One time in three, for a write that crosses a sector boundary, how many
    /// of its bytes reached the disk: up to a seeded boundary (absolute, as the
    /// device sees sectors) strictly inside it. `nil` keeps the write whole.
    private static func tornLength(offset: Int, count: Int, using random: inout RandomSource) -> Int? {
        let sector = SimulatedFileSystem.sectorSize
        let firstBoundary = (offset / sector + 1) * sector
        let end = offset + count
        guard firstBoundary < end, random.below(3) == 0 else { return nil }
        let boundaries = (end - 1 - firstBoundary) / sector + 1
        return firstBoundary + random.below(boundaries) * sector - offset
    }

    private static func apply(_ change: FileChange, to content: inout PagedContent) {
        switch change {
        case .resize(let length): content.resize(to: length)
        case .write(let offset, let bytes): content.write(bytes, at: offset)
        }
    }

    private static func revert(_ undo: Undo, in content: inout PagedContent) {
        switch undo {
        case .write(let offset, let overwritten, let previousCount):
            content.write(overwritten, at: offset)
            content.resize(to: previousCount)
        case .grow(let previousCount):
            content.resize(to: previousCount)
        case .shrink(let previous):
            content = previous
        }
    }
}

extension RandomSource {
    /// A seeded integer in `0 ..< bound` (the modulo bias does not matter here).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// Fisher–Yates with this generator, so a seed means the same order on
    /// every toolchain (the standard library's shuffle promises no algorithm).
    mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for index in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(index, below(index + 1))
        }
    }
}
