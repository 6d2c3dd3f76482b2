import Cairn

/// The power cut: what a freshly booted machine finds on disk.
extension SimulatedState {
    /// How likely each undecided change is to survive, drawn per file and per
    /// directory so that "everything lost" and "everything kept" come up often,
    /// not only the mixtures a fixed 50% would give.
    private static let keepPercents = [0, 25, 50, 75, 100]

    /// The durable state plus a seeded choice of everything undecided:
    /// - each directory keeps its durable entries, its synced changes, and
    ///   each unsynced create/rename/unlink kept or lost, in their order;
    ///   a directory whose own entry was lost disappears with everything in it;
    /// - each file that still has a name keeps its durable bytes, its synced
    ///   changes, and each unsynced write kept whole, dropped, or torn at a
    ///   sector boundary, applied in a seeded order;
    /// - a file that lost its name is gone (fsck's orphan cleanup), however
    ///   synced its data was;
    /// - no descriptor is open, no lock held, no fault armed; the capacity
    ///   (the same disk) stays.
    func crashed(seed: UInt64) -> (state: SimulatedState, outcome: PowerCutOutcome) {
        var random = RandomSource(seed: seed)
        var outcome = PowerCutOutcome()

        var entriesByDirectory: [SimulatedPath: [String: DirectoryEntry]] = [:]
        for path in directories.keys.sorted(by: { $0.text < $1.text }) {
            let keepPercent = Self.keepPercents[random.below(Self.keepPercents.count)]
            entriesByDirectory[path] = directories[path]!.crashed(using: &random, keepPercent: keepPercent) { fate in
                if fate == .dropped { outcome.lostDirectoryChanges += 1 } else { outcome.keptDirectoryChanges += 1 }
            }
        }

        // Only what the root still reaches exists after the boot.
        var survivingDirectories: [SimulatedPath: SimulatedDirectory] = [:]
        var survivingInodes = Set<Int>()
        var pending = [SimulatedPath("/")]
        while let path = pending.popLast() {
            let entries = entriesByDirectory[path] ?? [:]
            survivingDirectories[path] = SimulatedDirectory(durable: entries)
            for (name, entry) in entries {
                switch entry {
                case .directory: pending.append(path.appending(name))
                case .file(let inode): survivingInodes.insert(inode)
                }
            }
        }

        var survivingFiles: [Int: SimulatedFile] = [:]
        for inode in survivingInodes.sorted() {
            let keepPercent = Self.keepPercents[random.below(Self.keepPercents.count)]
            let content = files[inode]!.crashed(using: &random, keepPercent: keepPercent) { fate in
                switch fate {
                case .kept: outcome.keptWrites += 1
                case .dropped: outcome.droppedWrites += 1
                case .torn: outcome.tornWrites += 1
                }
            }
            survivingFiles[inode] = SimulatedFile(durable: content)
        }

        var booted = SimulatedState(seed: random.next(), capacityBytes: capacityBytes)
        booted.directories = survivingDirectories
        booted.files = survivingFiles
        // Numbers keep counting up, so a handle from before the cut is refused
        // (EBADF) rather than reaching a new file.
        booted.nextDescriptor = nextDescriptor
        booted.nextInode = nextInode
        return (booted, outcome)
    }

    /// What another process sees after this one is killed (SIGKILL, not a power
    /// cut): every write stays in the page cache and stays as volatile as it
    /// was; only descriptors and their locks are gone.
    func afterProcessKill() -> SimulatedState {
        var survivor = self
        for inode in Set(open.values.map(\.inode)) { survivor.files[inode]?.lockHolder = nil }
        survivor.open.removeAll()
        survivor.faults = SimulatedFaults()
        survivor.collectGarbage()
        return survivor
    }
}
