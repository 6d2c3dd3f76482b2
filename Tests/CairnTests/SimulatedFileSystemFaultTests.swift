import Testing
import Cairn
import CairnTestSupport

@Suite struct SimulatedFileSystemFaultTests {
    @Test func failedSyncIsReportedAndItsDataIsNotGuaranteed() throws {
        var lost = 0, kept = 0
        for seed in UInt64(0) ..< 200 {
            let (fs, file) = try simulatedDataDirectory(seed: seed)
            let doomed = simulatedPattern(1024, tag: 1)
            try fs.writeAll(file, doomed, at: 0)
            fs.failSyncs(.next(1))
            let error = #expect(throws: IOError.self, "seed \(seed)") { try fs.fdatasync(file) }
            #expect(error == IOError(.fdatasync, path: "/data/000001.wal", errno: .ioError), "seed \(seed)")
            #expect(error?.description == "fdatasync of /data/000001.wal failed: Input/output error (EIO)")
            #expect(fs.statistics.failedSyncs == 1)

            // fsyncgate: the page cache still shows the data and the next sync
            // succeeds, yet the data the failed sync covered is not durable.
            #expect(fs.contents(of: "/data/000001.wal") == doomed, "seed \(seed)")
            let later = simulatedPattern(512, tag: 2)
            try fs.writeAll(file, later, at: 2048)
            try fs.fdatasync(file)
            let image = fs.crashedCopy(seed: seed).contents(of: "/data/000001.wal") ?? []
            #expect(Array(image.dropFirst(2048)) == later, "seed \(seed): data synced after the failure survives")
            let surviving = survivingPrefix(of: doomed, at: 0, in: image)
            #expect(surviving != nil && surviving! % 512 == 0, "seed \(seed): kept, dropped or torn at a sector")
            if surviving == 1024 { kept += 1 } else { lost += 1 }
        }
        #expect(lost > 0 && kept > 0, "seeds 0..<200: lost \(lost) kept \(kept)")
    }

    @Test func syncFailuresFollowTheirScheduleAndPaths() throws {
        let fs = SimulatedFileSystem(seed: 2)
        let wal = try fs.open("/000001.wal", .readWrite, options: .create)
        let manifest = try fs.open("/MANIFEST", .readWrite, options: .create)
        fs.failSyncs(.always, paths: .suffix(".wal"))
        try fs.fsync(manifest)
        try fs.syncDirectory("/")
        for _ in 0 ..< 3 {
            #expect(throws: IOError(.fsync, path: "/000001.wal", errno: .ioError)) { try fs.fsync(wal) }
        }
        fs.failSyncs(.next(2), paths: .exact("/"), errno: .noSpace)
        #expect(throws: IOError(.syncDirectory, path: "/", errno: .noSpace)) { try fs.syncDirectory("/") }
        try fs.fsync(wal)  // the .wal rule was replaced
        #expect(throws: IOError(.syncDirectory, path: "/", errno: .noSpace)) { try fs.syncDirectory("/") }
        try fs.syncDirectory("/")
        fs.failSyncs(.oneIn(3))
        var failures = 0
        for _ in 0 ..< 90 { if (try? fs.fdatasync(manifest)) == nil { failures += 1 } }
        #expect((10 ... 60).contains(failures), "about one in three of 90 syncs fail: \(failures)")
        fs.clearFaults()
        try fs.fdatasync(manifest)
    }

    @Test func failedDirectorySyncLeavesTheNameUndecided() throws {
        var vanished = 0
        for seed in UInt64(0) ..< 100 {
            let (fs, _) = try simulatedDataDirectory(seed: seed)
            try fs.close(try fs.open("/data/000002.wal", .readWrite, options: .create))
            fs.failSyncs(.next(1), paths: .exact("/data"))
            #expect(throws: IOError(.syncDirectory, path: "/data", errno: .ioError)) { try fs.syncDirectory("/data") }
            try fs.syncDirectory("/data")  // succeeds, but does not cover the create
            if !fs.crashedCopy(seed: seed).fileExists("/data/000002.wal") { vanished += 1 }
        }
        #expect(vanished > 0)
    }

    @Test func diskFullThenSpaceReturns() throws {
        let fs = SimulatedFileSystem(seed: 4, capacityBytes: 4096)
        let first = try fs.open("/a", .readWrite, options: .create)
        try fs.writeAll(first, simulatedPattern(3000), at: 0)
        #expect(fs.usedBytes == 3000)
        #expect(try [UInt8]([7, 7]).withUnsafeBytes { try fs.pwrite(first, $0, at: 0) } == 2, "an overwrite needs no space")

        let second = try fs.open("/b", .readWrite, options: .create)
        // 1096 bytes fit: the write stops there and the rest fails with ENOSPC
        // naming the offset it could not write.
        let error = #expect(throws: IOError.self) { try fs.writeAll(second, simulatedPattern(2000), at: 0) }
        #expect(error == IOError(.pwrite, path: "/b", offset: 1096, length: 904, errno: .noSpace))
        #expect(try fs.size(second) == 1096)
        #expect(throws: IOError(.fallocate, path: "/b", offset: 0, length: 8192, errno: .noSpace)) {
            try fs.fallocate(second, offset: 0, length: 8192)
        }
        #expect(try fs.size(second) == 1096, "a failed fallocate reserves nothing")

        try fs.unlink("/a")
        #expect(fs.usedBytes == 4096, "an unlinked file keeps its space while open")
        try fs.close(first)
        #expect(fs.usedBytes == 1096, "its last close gives the space back")
        try fs.writeAll(second, simulatedPattern(904, tag: 1), at: 1096)
        try fs.truncate(second, to: 100)
        try fs.fallocate(second, offset: 0, length: 4096)
        #expect(fs.usedBytes == 4096)
        fs.capacityBytes = nil
        try fs.writeAll(second, simulatedPattern(10_000), at: 4096)
    }

    @Test func shortWritesAreCompletedByWriteAll() throws {
        let fs = SimulatedFileSystem(seed: 6)
        let file = try fs.open("/f", .readWrite, options: .create)
        fs.shortenWrites(.next(1))
        let first = try simulatedPattern(1000).withUnsafeBytes { try fs.pwrite(file, $0, at: 0) }
        #expect((1 ..< 1000).contains(first), "a short write writes a proper prefix: \(first)")

        fs.shortenWrites(.always)
        let bytes = simulatedPattern(10_000, tag: 5)
        try fs.writeAll(file, bytes, at: 0)
        #expect(fs.contents(of: "/f") == bytes)
        #expect(fs.statistics.writes > 3, "writeAll looped over \(fs.statistics.writes) short writes")
        #expect(fs.statistics.bytesWritten == first + 10_000)
    }

    @Test func interruptedCallsAreRetried() throws {
        let fs = SimulatedFileSystem(seed: 8)
        let file = try fs.open("/f", .readWrite, options: .create)
        fs.interruptCalls(.next(1))
        #expect(throws: IOError(.pwrite, path: "/f", offset: 0, length: 3, errno: .interrupted)) {
            _ = try [UInt8]([1, 2, 3]).withUnsafeBytes { try fs.pwrite(file, $0, at: 0) }
        }
        #expect(try fs.size(file) == 0, "EINTR means nothing was written")

        fs.interruptCalls(.oneIn(2))
        fs.shortenWrites(.oneIn(2))
        let bytes = simulatedPattern(20_000, tag: 9)
        for chunk in 0 ..< 20 {
            try fs.writeAll(file, Array(bytes[(chunk * 1000) ..< (chunk * 1000 + 1000)]), at: Int64(chunk * 1000))
        }
        #expect(try fs.read(file, count: 20_000, at: 0) == bytes, "read retries EINTR too")
        #expect(fs.statistics.writes > 20)
    }

    @Test func handleRulesMatchLinux() throws {
        let fs = SimulatedFileSystem(seed: 10)
        #expect(throws: IOError(.open, path: "/missing", errno: .noSuchFile)) { try fs.open("/missing", .readOnly, options: []) }
        #expect(throws: IOError(.open, path: "/a/b", errno: .noSuchFile)) { try fs.open("/a/b", .readWrite, options: .create) }
        let file = try fs.open("/f", .readWrite, options: .create)
        #expect(throws: IOError(.open, path: "/f", errno: .fileExists)) { try fs.open("/f", .readWrite, options: .exclusiveCreate) }
        #expect(throws: IOError(.open, path: "/f/x", errno: .notDirectory)) { try fs.open("/f/x", .readWrite, options: .create) }
        #expect(throws: IOError(.open, path: "/", errno: .isDirectory)) { try fs.open("/", .readOnly, options: []) }
        #expect(throws: IOError(.open, path: "/", errno: .fileExists)) { try fs.open("/", .readWrite, options: .exclusiveCreate) }
        try fs.makeDirectory("/d")
        #expect(throws: IOError(.rename, path: "/f", destination: "/d/f", errno: .crossDevice)) { try fs.rename("/f", to: "/d/f") }
        #expect(throws: IOError(.unlink, path: "/d", errno: .isDirectory)) { try fs.unlink("/d") }
        #expect(try fs.listDirectory("/") == ["d", "f"])

        let reader = try fs.open("/f", .readOnly, options: [])
        #expect(throws: IOError(.ftruncate, path: "/f", length: 0, errno: .badFileDescriptor)) { try fs.truncate(reader, to: 0) }
        try fs.writeAll(file, [1, 2, 3], at: 10)
        #expect(fs.contents(of: "/f") == [UInt8](repeating: 0, count: 10) + [1, 2, 3], "a write past the end leaves a hole of zeros")
        let truncating = try fs.open("/f", .readWrite, options: .truncate)
        #expect(try fs.size(reader) == 0, "O_TRUNC empties the file for every handle")
        for handle in [file, reader, truncating] { try fs.close(handle) }
        #expect(throws: IOError(.close, path: "/f", errno: .badFileDescriptor)) { try fs.close(file) }
        #expect(fs.openHandleCount == 0)
    }
}
