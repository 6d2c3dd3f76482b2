import Testing
import Cairn
import CairnTestSupport

/// Bytes that are never zero, so a dropped write (a hole reads as zeros) is
/// told apart from a kept one.
func simulatedPattern(_ count: Int, tag: Int = 0) -> [UInt8] {
    (0 ..< count).map { UInt8(1 + ($0 &* 7 &+ tag &* 13) % 251) }
}

/// A file system with a synced "/data" holding a synced, empty `name`: what
/// is volatile afterwards is only what the test does.
func simulatedDataDirectory(seed: UInt64, file name: String = "000001.wal") throws -> (SimulatedFileSystem, FileDescriptorHandle) {
    let fs = SimulatedFileSystem(seed: seed)
    try fs.makeDirectory("/data")
    try fs.syncDirectory("/")
    let file = try fs.open("/data/\(name)", .readWrite, options: .exclusiveCreate)
    try fs.fsync(file)
    try fs.syncDirectory("/data")
    return (fs, file)
}

/// How much of `write` (placed at `offset`) a crashed image holds: the length
/// of its surviving prefix, after checking that nothing but zeros or the end
/// of the file follows it (anything else is not a legal outcome).
func survivingPrefix(of write: [UInt8], at offset: Int, in content: [UInt8]) -> Int? {
    let region = content.dropFirst(offset).prefix(write.count)
    let kept = zip(region, write).prefix { $0 == $1 }.count
    return region.dropFirst(kept).allSatisfy({ $0 == 0 }) ? kept : nil
}

@Suite struct SimulatedFileSystemTests {
    @Test func syncedDataSurvivesEveryPowerCut() throws {
        for seed in UInt64(0) ..< 200 {
            let (fs, file) = try simulatedDataDirectory(seed: seed)
            let synced = simulatedPattern(3000, tag: 1)
            try fs.writeAll(file, synced, at: 0)
            try fs.fdatasync(file)
            try fs.writeAll(file, simulatedPattern(2000, tag: 2), at: 3000)   // volatile, after the synced bytes
            try fs.writeAll(file, simulatedPattern(600, tag: 3), at: 1000)    // volatile overwrite of synced bytes
            let content = fs.crashedCopy(seed: seed).contents(of: "/data/000001.wal")
            #expect(content != nil, "seed \(seed): a synced name survives")
            let image = content ?? []
            #expect(Array(image.prefix(1000)) == Array(synced.prefix(1000)), "seed \(seed): synced bytes no write touched")
            #expect(image.count >= 3000, "seed \(seed): the synced length survives")
            let overwritten = Array(image.dropFirst(1000).prefix(600))
            let kept = zip(overwritten, simulatedPattern(600, tag: 3)).prefix { $0 == $1 }.count
            #expect(Array(overwritten.dropFirst(kept)) == Array(synced[(1000 + kept) ..< 1600]),
                    "seed \(seed): an unsynced overwrite leaves the old bytes or its own, split at a sector")
            #expect(kept == 0 || kept == 600 || (1000 + kept) % 512 == 0, "seed \(seed)")
            // The original keeps running, untouched.
            #expect(fs.contents(of: "/data/000001.wal")?.count == 5000, "seed \(seed)")
            try fs.writeAll(file, [9], at: 0)
        }
    }

    @Test func unsyncedWritesAreKeptDroppedTornOrReordered() throws {
        var kept = 0, dropped = 0, torn = 0, reordered = 0
        for seed in UInt64(0) ..< 300 {
            let (fs, file) = try simulatedDataDirectory(seed: seed)
            let first = simulatedPattern(2048, tag: 1)
            let second = simulatedPattern(512, tag: 2)
            try fs.writeAll(file, first, at: 0)
            try fs.writeAll(file, second, at: 4096)
            let image = fs.crashedCopy(seed: seed).contents(of: "/data/000001.wal") ?? []
            let firstKept = survivingPrefix(of: first, at: 0, in: image)
            let secondKept = survivingPrefix(of: second, at: 4096, in: image)
            #expect(firstKept != nil && secondKept != nil, "seed \(seed): only zeros follow a surviving prefix")
            guard let firstKept, let secondKept else { continue }
            #expect(firstKept % 512 == 0, "seed \(seed): a write tears only at a sector boundary, kept \(firstKept)")
            #expect(secondKept == 0 || secondKept == 512, "seed \(seed): a one-sector write cannot tear")
            #expect(image.count <= 4608, "seed \(seed)")
            switch firstKept {
            case 2048: kept += 1
            case 0: dropped += 1
            default: torn += 1
            }
            if firstKept == 0 && secondKept == 512 { reordered += 1 }

            let again = fs.crashedCopy(seed: seed).contents(of: "/data/000001.wal")
            #expect(again == image, "seed \(seed): the same seed gives the same image")
            #expect(fs.powerCutOutcome(seed: seed) == fs.powerCutOutcome(seed: seed), "seed \(seed)")
        }
        #expect(kept > 0 && dropped > 0 && torn > 0 && reordered > 0,
                "seeds 0..<300: kept \(kept) dropped \(dropped) torn \(torn) reordered \(reordered)")
    }

    @Test func differentSeedsGiveDifferentImages() throws {
        let (fs, file) = try simulatedDataDirectory(seed: 7)
        for index in 0 ..< 8 { try fs.writeAll(file, simulatedPattern(1500, tag: index), at: Int64(index * 1500)) }
        let images = Set((UInt64(0) ..< 50).map { fs.crashedCopy(seed: $0).contents(of: "/data/000001.wal") ?? [] })
        #expect(images.count > 10, "50 seeds gave only \(images.count) distinct images")
    }

    @Test func createdFileCanVanishUntilItsDirectoryIsSynced() throws {
        var vanished = 0, survived = 0
        for seed in UInt64(0) ..< 200 {
            let (fs, _) = try simulatedDataDirectory(seed: seed)
            let segment = try fs.open("/data/000002.wal", .readWrite, options: .exclusiveCreate)
            try fs.writeAll(segment, simulatedPattern(700), at: 0)
            try fs.fsync(segment)  // the data is durable, its name is not
            let rebooted = fs.crashedCopy(seed: seed)
            if let content = rebooted.contents(of: "/data/000002.wal") {
                #expect(content == simulatedPattern(700), "seed \(seed): a surviving name has the synced data")
                survived += 1
            } else {
                vanished += 1
                #expect(try rebooted.listDirectory("/data") == ["000001.wal"], "seed \(seed)")
            }
            try fs.syncDirectory("/data")
            #expect(fs.crashedCopy(seed: seed).contents(of: "/data/000002.wal") == simulatedPattern(700),
                    "seed \(seed): after syncDirectory the file always survives")
        }
        #expect(vanished > 0 && survived > 0, "seeds 0..<200: vanished \(vanished) survived \(survived)")
    }

    @Test func renameWithoutDirectorySyncCanRevert() throws {
        var renamed = 0, reverted = 0
        for seed in UInt64(0) ..< 200 {
            let (fs, manifest) = try simulatedDataDirectory(seed: seed, file: "MANIFEST")
            try fs.writeAll(manifest, Array("old".utf8), at: 0)
            try fs.fsync(manifest)
            let temporary = try fs.open("/data/MANIFEST.tmp", .readWrite, options: .exclusiveCreate)
            try fs.writeAll(temporary, Array("new".utf8), at: 0)
            try fs.fsync(temporary)
            try fs.syncDirectory("/data")
            try fs.rename("/data/MANIFEST.tmp", to: "/data/MANIFEST")
            #expect(fs.contents(of: "/data/MANIFEST") == Array("new".utf8))

            let rebooted = fs.crashedCopy(seed: seed)
            switch (rebooted.contents(of: "/data/MANIFEST"), rebooted.contents(of: "/data/MANIFEST.tmp")) {
            case (Array("new".utf8)?, nil): renamed += 1
            case (Array("old".utf8)?, Array("new".utf8)?): reverted += 1
            case let other: Issue.record("seed \(seed): a rename is atomic across a power cut, got \(other)")
            }
            try fs.syncDirectory("/data")
            let synced = fs.crashedCopy(seed: seed)
            #expect(synced.contents(of: "/data/MANIFEST") == Array("new".utf8), "seed \(seed)")
            #expect(!synced.fileExists("/data/MANIFEST.tmp"), "seed \(seed)")
        }
        #expect(renamed > 0 && reverted > 0, "seeds 0..<200: renamed \(renamed) reverted \(reverted)")
    }

    @Test func unlinkWithoutDirectorySyncCanRevert() throws {
        var gone = 0, back = 0
        for seed in UInt64(0) ..< 100 {
            let (fs, file) = try simulatedDataDirectory(seed: seed)
            try fs.writeAll(file, simulatedPattern(100), at: 0)
            try fs.fdatasync(file)
            try fs.close(file)
            try fs.unlink("/data/000001.wal")
            #expect(!fs.fileExists("/data/000001.wal"))
            switch fs.crashedCopy(seed: seed).contents(of: "/data/000001.wal") {
            case nil: gone += 1
            case let content?:
                #expect(content == simulatedPattern(100), "seed \(seed): an unlink that did not persist brings back the synced file")
                back += 1
            }
        }
        #expect(gone > 0 && back > 0, "seeds 0..<100: gone \(gone) back \(back)")
    }

    @Test func unsyncedDirectoryVanishesWithItsContents() throws {
        var vanished = 0
        for seed in UInt64(0) ..< 100 {
            let fs = SimulatedFileSystem(seed: seed)
            try fs.makeDirectory("/data")
            let file = try fs.open("/data/x", .readWrite, options: .create)
            try fs.writeAll(file, [1, 2, 3], at: 0)
            try fs.fsync(file)
            try fs.syncDirectory("/data")  // but not "/", which holds "data"
            let rebooted = fs.crashedCopy(seed: seed)
            if !rebooted.fileExists("/data") {
                vanished += 1
                #expect(!rebooted.fileExists("/data/x"), "seed \(seed)")
                #expect(throws: IOError(.listDirectory, path: "/data", errno: .noSuchFile)) { try rebooted.listDirectory("/data") }
            } else {
                #expect(rebooted.contents(of: "/data/x") == [1, 2, 3], "seed \(seed)")
            }
        }
        #expect(vanished > 0)
    }

    @Test func powerCutInPlaceInvalidatesHandlesAndLocks() throws {
        let (fs, file) = try simulatedDataDirectory(seed: 3)
        try fs.lockExclusive(file)
        try fs.writeAll(file, [1, 2, 3], at: 0)
        try fs.fdatasync(file)
        let outcome = fs.powerCut(seed: 3)
        #expect(outcome == PowerCutOutcome())
        #expect(fs.openHandleCount == 0)
        #expect(throws: IOError(.pwrite, path: "/data/000001.wal", offset: 0, length: 1, errno: .badFileDescriptor)) {
            _ = try fs.writeAll(file, [9], at: 0)
        }
        #expect(fs.contents(of: "/data/000001.wal") == [1, 2, 3])
        let lock = try fs.acquireLock("/data/000001.wal")  // the old lock died with the machine
        try fs.close(lock)
    }

    @Test func locksConflictBetweenOpensAndEndWithClose() throws {
        let fs = SimulatedFileSystem(seed: 1)
        let first = try fs.acquireLock("/LOCK")
        #expect(throws: IOError(.lock, path: "/LOCK", errno: .wouldBlock)) { try fs.acquireLock("/LOCK") }
        #expect(fs.openHandleCount == 1, "a refused acquireLock closes what it opened")
        try fs.close(first)
        try fs.close(try fs.acquireLock("/LOCK"))
    }

    @Test func sizeChangesAreVolatileToo() throws {
        var reverted = 0
        for seed in UInt64(0) ..< 100 {
            let (fs, file) = try simulatedDataDirectory(seed: seed)
            try fs.fallocate(file, offset: 0, length: 8192)
            try fs.fdatasync(file)
            #expect(fs.crashedCopy(seed: seed).contents(of: "/data/000001.wal") == [UInt8](repeating: 0, count: 8192),
                    "seed \(seed): a synced fallocate keeps its length")
            try fs.truncate(file, to: 100)
            let length = fs.crashedCopy(seed: seed).contents(of: "/data/000001.wal")?.count
            #expect(length == 100 || length == 8192, "seed \(seed): got \(String(describing: length))")
            if length == 8192 { reverted += 1 }
        }
        #expect(reverted > 0)
    }

    @Test func processKillKeepsThePageCache() throws {
        let (fs, file) = try simulatedDataDirectory(seed: 5)
        try fs.lockExclusive(file)
        try fs.writeAll(file, simulatedPattern(5000), at: 0)
        let survivor = fs.copyAfterProcessKill()
        #expect(survivor.contents(of: "/data/000001.wal") == simulatedPattern(5000))
        #expect(survivor.openHandleCount == 0)
        try survivor.close(try survivor.acquireLock("/data/000001.wal"))
        let outcome = survivor.powerCutOutcome(seed: 5)
        #expect(outcome.keptWrites + outcome.droppedWrites + outcome.tornWrites == 1,
                "the write is still volatile: \(outcome)")
    }

    @Test func concurrentWritersAreSerialized() async throws {
        let fs = SimulatedFileSystem(seed: 9)
        let file = try fs.open("/shared", .readWrite, options: .create)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0 ..< 8 {
                group.addTask {
                    for chunk in 0 ..< 50 {
                        try? fs.writeAll(file, simulatedPattern(64, tag: writer), at: Int64((writer * 50 + chunk) * 64))
                    }
                }
            }
        }
        #expect(try fs.size(file) == 8 * 50 * 64)
        #expect(fs.statistics.writes == 400)
        #expect(try fs.read(file, count: 64, at: 64 * 50 * 3) == simulatedPattern(64, tag: 3))
    }
}
