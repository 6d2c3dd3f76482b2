import Cairn

/// What a directory entry names.
enum DirectoryEntry: Hashable, Sendable {
    case file(inode: Int)
    case directory
}

/// One change to a directory's entries since its durable image. A rename is
/// one change: journaling file systems commit it atomically, so a power cut
/// keeps the old name or the new one, never both or neither.
enum DirectoryChange: Sendable {
    /// A create (`open` with `O_CREAT`, `mkdir`).
    case link(name: String, entry: DirectoryEntry)
    case unlink(name: String)
    /// A rename within this directory, replacing `to` if it exists.
    case rename(from: String, to: String)
}

/// A simulated directory: the entries on disk, the ordered changes since, and
/// the entries the running system sees.
struct SimulatedDirectory: Sendable {
    private(set) var durable: [String: DirectoryEntry] = [:]
    private(set) var changes: [(change: DirectoryChange, durability: Durability)] = []
    private(set) var current: [String: DirectoryEntry] = [:]

    init() {}

    init(durable entries: [String: DirectoryEntry]) {
        durable = entries
        current = entries
    }

    mutating func record(_ change: DirectoryChange) {
        Self.apply(change, to: &current)
        changes.append((change, .volatile))
    }

    /// A successful `fsync` of the directory: every volatile change is durable.
    mutating func sync() {
        for index in changes.indices where changes[index].durability == .volatile {
            changes[index].durability = .synced
        }
        if changes.allSatisfy({ $0.durability == .synced }) {
            durable = current
            changes.removeAll()
            return
        }
        let leading = changes.prefix { $0.durability == .synced }.count
        for entry in changes.prefix(leading) { Self.apply(entry.change, to: &durable) }
        changes.removeFirst(leading)
    }

    /// A failed `fsync` of the directory: its changes stay undecided for good.
    mutating func failSync() {
        for index in changes.indices where changes[index].durability == .volatile {
            changes[index].durability = .failed
        }
    }

    /// Every inode an entry names, now, on disk, or in an undecided change:
    /// those a power cut may bring back must be kept.
    var referencedInodes: Set<Int> {
        var inodes = Set<Int>()
        for entry in current.values { if case .file(let inode) = entry { inodes.insert(inode) } }
        for entry in durable.values { if case .file(let inode) = entry { inodes.insert(inode) } }
        for (change, _) in changes {
            if case .link(_, .file(let inode)) = change { inodes.insert(inode) }
        }
        return inodes
    }

    /// The entries after a power cut: the durable ones, synced changes, and
    /// each undecided change kept or lost (seeded), kept ones applied in the
    /// order they happened (metadata goes through the journal in order). A
    /// kept change whose precondition was lost (a rename of a name whose
    /// create was lost) does nothing.
    func crashed(using random: inout RandomSource, keepPercent: Int, count: (ChangeFate) -> Void) -> [String: DirectoryEntry] {
        var entries = durable
        for (change, durability) in changes {
            if durability != .synced {
                guard random.below(100) < keepPercent else {
                    count(.dropped)
                    continue
                }
                count(.kept)
            }
            Self.apply(change, to: &entries)
        }
        return entries
    }

    static func apply(_ change: DirectoryChange, to entries: inout [String: DirectoryEntry]) {
        switch change {
        case .link(let name, let entry):
            entries[name] = entry
        case .unlink(let name):
            entries[name] = nil
        case .rename(let from, let to):
            guard let entry = entries.removeValue(forKey: from) else { return }
            entries[to] = entry
        }
    }
}
