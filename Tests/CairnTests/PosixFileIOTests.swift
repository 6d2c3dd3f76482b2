#if canImport(Glibc)
import Glibc
#endif
import Testing
import Cairn

private func pattern(_ count: Int, tag: Int = 0) -> [UInt8] {
    (0 ..< count).map { UInt8(1 + ($0 &* 7 &+ tag) % 251) }
}

@Suite struct PosixFileIOTests {
    @Test func writeAllThenReadBack() throws {
        let directory = TemporaryDirectory()
        let io = directory.io
        let file = try io.open(directory.file("000001.wal"), .readWrite, options: .exclusiveCreate)
        defer { try? io.close(file) }
        let big = pattern(1 << 20)
        try io.writeAll(file, big, at: 0)
        try io.writeAll(file, pattern(100, tag: 3), at: Int64(big.count))
        #expect(try io.size(file) == Int64(big.count + 100))
        #expect(try io.read(file, count: big.count, at: 0) == big)
        #expect(try io.read(file, count: 1000, at: Int64(big.count)) == pattern(100, tag: 3), "a read past the end is short")
        #expect(try io.readAll(file).count == big.count + 100)
        let atEnd = try [UInt8](unsafeUninitializedCapacity: 8) { buffer, count in
            count = try io.pread(file, into: UnsafeMutableRawBufferPointer(buffer), at: Int64(big.count + 100))
        }
        #expect(atEnd.isEmpty, "pread at end of file returns 0")
    }

    @Test func syncsSucceedOnHealthyFiles() throws {
        let directory = TemporaryDirectory()
        let io = directory.io
        let path = directory.file("data")
        let file = try io.open(path, .readWrite, options: .create)
        try io.writeAll(file, pattern(4096), at: 0)
        try io.fdatasync(file)
        try io.fsync(file)
        try io.close(file)
        let reader = try io.open(path, .readOnly, options: [])
        try io.fdatasync(reader)
        #expect(try io.readAll(reader) == pattern(4096))
        try io.close(reader)
    }

    @Test func fallocateReservesThenOverwritesInPlace() throws {
        let directory = TemporaryDirectory()
        let io = directory.io
        let file = try io.open(directory.file("000002.wal"), .readWrite, options: .create)
        defer { try? io.close(file) }
        try io.fallocate(file, offset: 0, length: 65536)
        #expect(try io.size(file) == 65536)
        #expect(try io.read(file, count: 65536, at: 0) == [UInt8](repeating: 0, count: 65536))
        try io.writeAll(file, pattern(512), at: 4096)
        try io.fdatasync(file)
        #expect(try io.size(file) == 65536, "an overwrite of allocated space does not grow the file")
        try io.fallocate(file, offset: 1024, length: 1024)
        #expect(try io.size(file) == 65536, "allocating inside the file changes nothing")
        #expect(try io.read(file, count: 512, at: 4096) == pattern(512))
    }

    @Test func truncateShrinksAndZeroFills() throws {
        let directory = TemporaryDirectory()
        let io = directory.io
        let file = try io.open(directory.file("t"), .readWrite, options: .create)
        defer { try? io.close(file) }
        try io.writeAll(file, pattern(1000), at: 0)
        try io.truncate(file, to: 300)
        #expect(try io.readAll(file) == pattern(300))
        try io.truncate(file, to: 400)
        #expect(try io.readAll(file) == pattern(300) + [UInt8](repeating: 0, count: 100))
        let reopened = try io.open(directory.file("t"), .readWrite, options: .truncate)
        #expect(try io.size(reopened) == 0, "O_TRUNC empties the file")
        try io.close(reopened)
    }

    @Test func renameThenSyncDirectoryAndList() throws {
        let directory = TemporaryDirectory()
        let io = directory.io
        for name in ["b", "a", "MANIFEST.tmp"] {
            let file = try io.open(directory.file(name), .readWrite, options: .exclusiveCreate)
            try io.writeAll(file, Array(name.utf8), at: 0)
            try io.fsync(file)
            try io.close(file)
        }
        try io.rename(directory.file("MANIFEST.tmp"), to: directory.file("MANIFEST"))
        try io.syncDirectory(directory.path)
        #expect(!io.fileExists(directory.file("MANIFEST.tmp")))
        #expect(io.fileExists(directory.file("MANIFEST")))
        #expect(try io.listDirectory(directory.path) == ["MANIFEST", "a", "b"], "sorted bytewise, no . or ..")
        try io.unlink(directory.file("a"))
        #expect(try io.listDirectory(directory.path) == ["MANIFEST", "b"])
        try io.makeDirectory(directory.file("sub"))
        #expect(io.fileExists(directory.file("sub")))
        #expect(throws: IOError(.makeDirectory, path: directory.file("sub"), errno: .fileExists)) {
            try io.makeDirectory(directory.file("sub"))
        }
        _ = rmdir(directory.file("sub"))
    }

    @Test func secondLockerIsRefusedUntilTheFirstCloses() throws {
        let directory = TemporaryDirectory()
        let io = directory.io
        let path = directory.file("LOCK")
        let first = try io.acquireLock(path)
        try io.lockExclusive(first)  // the holder locking again is fine
        // flock belongs to the open file description: a second open conflicts
        // even in the same process, as a second engine would.
        let error = #expect(throws: IOError.self) { try io.acquireLock(path) }
        #expect(error?.errno == .wouldBlock)
        #expect(error?.description == "flock of \(path) failed: Resource temporarily unavailable (EAGAIN); "
            + "another process (or another open of this file) holds the lock")
        try io.close(first)
        let second = try io.acquireLock(path)
        try io.close(second)
    }

    @Test func errorsNameTheCallTheFileAndErrno() throws {
        let directory = TemporaryDirectory()
        let io = directory.io
        let missing = directory.file("missing.wal")
        let error = #expect(throws: IOError.self) { try io.open(missing, .readOnly, options: []) }
        #expect(error == IOError(.open, path: missing, errno: .noSuchFile))
        #expect(error?.description == "open of \(missing) failed: No such file or directory (ENOENT)")

        #expect(throws: IOError(.open, path: directory.path, errno: .fileExists)) {
            try io.open(directory.path, .readWrite, options: .exclusiveCreate)
        }
        #expect(throws: IOError(.open, path: missing, errno: .invalidArgument)) {
            try io.open(missing, .readOnly, options: .truncate)
        }
        #expect(throws: IOError(.syncDirectory, path: missing, errno: .noSuchFile)) {
            try io.syncDirectory(missing)
        }
        #expect(throws: IOError(.unlink, path: missing, errno: .noSuchFile)) { try io.unlink(missing) }
        #expect(throws: IOError(.rename, path: missing, destination: directory.file("x"), errno: .noSuchFile)) {
            try io.rename(missing, to: directory.file("x"))
        }

        let path = directory.file("readonly")
        try io.close(try io.open(path, .readWrite, options: .create))
        let reader = try io.open(path, .readOnly, options: [])
        defer { try? io.close(reader) }
        let write = #expect(throws: IOError.self) { try io.writeAll(reader, [1, 2, 3], at: 4096) }
        #expect(write?.description == "pwrite of \(path) at offset 4096 (3 bytes) failed: Bad file descriptor (EBADF)")
    }

    @Test func errnoAndErrorDescriptions() {
        #expect(Errno.ioError.description == "Input/output error (EIO)")
        #expect(Errno.noSpace.description == "No space left on device (ENOSPC)")
        #expect(Errno.wouldBlock == Errno.tryAgain, "EWOULDBLOCK is EAGAIN on Linux")
        #expect(Errno(rawValue: 4095).name == "errno 4095")
        #expect(IOError(.fdatasync, path: "/data/000001.wal", errno: .ioError).description
            == "fdatasync of /data/000001.wal failed: Input/output error (EIO)")
        #expect(IOError(.fallocate, path: "/data/000002.wal", offset: 0, length: 67_108_864, errno: .noSpace).description
            == "fallocate of /data/000002.wal at offset 0 (67108864 bytes) failed: No space left on device (ENOSPC)")
        #expect(IOError(.ftruncate, path: "/d/f", length: 10, errno: .ioError).description
            == "ftruncate of /d/f to 10 bytes failed: Input/output error (EIO)")
        #expect(IOError(.syncDirectory, path: "/data", errno: .ioError).description
            == "fsync of directory /data failed: Input/output error (EIO)")
    }
}
