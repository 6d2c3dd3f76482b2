import Testing
import CairnTestSupport
@testable import Cairn

/// Damaged snapshots are refused with `.corruption` naming the file and an
/// offset near the damage, never loaded and never a crash: every byte
/// flipped, every truncation, a wrong key count, bytes appended.
@Suite struct SnapshotDamageTests {
    /// A small snapshot of a few keys of every type, and its bytes.
    static func smallSnapshot(_ scratch: SnapshotScratch, keyCount: UInt64? = nil) throws -> (path: String, bytes: Bytes) {
        let t = TestEngine()
        t.run("SET", "a", "1")
        t.run("SET", "b", String(repeating: "text ", count: 40))
        t.run("RPUSH", "l", "x", "y", "z")
        t.run("SADD", "s", "1", "2", "3")
        t.run("HSET", "h", "f", "v", "g", "w")
        t.run("ZADD", "z", "1", "m", "2", "n")
        t.run("PEXPIREAT", "a", "1800000000000")
        let (body, count) = SnapshotScratch.body(of: t.engine)
        let path = try scratch.write(body, keyCount: keyCount ?? count)
        return (path, try scratch.io.readFile(path))
    }

    /// The corruption a read of `path` reports, or nil (recording an issue) when it reports none.
    static func corruption(_ scratch: SnapshotScratch, _ path: String,
                           sourceLocation: SourceLocation = #_sourceLocation) -> (offset: Int, reason: String)? {
        do {
            _ = try scratch.entries(path)
            Issue.record("damaged snapshot was read", sourceLocation: sourceLocation)
        } catch {
            guard case .corruption(let file, let offset, let reason) = error else {
                Issue.record("expected corruption, got \(error)", sourceLocation: sourceLocation)
                return nil
            }
            #expect(file == path, sourceLocation: sourceLocation)
            return (offset, reason)
        }
        return nil
    }

    @Test func everyFlippedByteIsRefusedNearIt() throws {
        let scratch = SnapshotScratch()
        let (path, bytes) = try Self.smallSnapshot(scratch)
        let trailerStart = bytes.count - SnapshotFormat.trailerBytes
        for position in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[position] ^= mask
                try scratch.replace(path, with: damaged)
                guard let (offset, reason) = Self.corruption(scratch, path) else { continue }
                let context = "byte \(position) ^ \(mask): offset \(offset), \(reason)"
                if position < SnapshotFormat.headerBytes {
                    #expect(offset <= position, "\(context)")
                } else if position >= trailerStart {
                    #expect(offset >= trailerStart && offset <= bytes.count, "\(context)")
                } else {
                    // In the LZ4 frame: reported at the start of the frame header
                    // or of the block (its size field) the damage is in.
                    #expect(offset >= SnapshotFormat.headerBytes && offset <= position, "\(context)")
                }
            }
        }
    }

    @Test func namedDamage() throws {
        let scratch = SnapshotScratch()
        let (path, bytes) = try Self.smallSnapshot(scratch)
        let trailerStart = bytes.count - SnapshotFormat.trailerBytes
        func damaged(_ position: Int) throws -> (offset: Int, reason: String)? {
            var copy = bytes
            copy[position] ^= 0x10
            try scratch.replace(path, with: copy)
            return Self.corruption(scratch, path)
        }
        #expect(try damaged(0)?.reason.contains("not a Cairn snapshot") == true)
        #expect(try damaged(8)?.reason.contains("unsupported snapshot version") == true)
        #expect(try damaged(20).map { $0.offset == 0 && $0.reason.contains("header checksum") } == true)
        #expect(try damaged(SnapshotFormat.headerBytes + 20)?.reason.contains("does not decode") == true)
        #expect(try damaged(trailerStart).map { $0.offset == trailerStart && $0.reason.contains("no snapshot trailer") } == true)
        #expect(try damaged(trailerStart + 8).map { $0.offset == trailerStart + 8 && $0.reason.contains("keys") } == true)
        #expect(try damaged(trailerStart + 16).map { $0.offset == trailerStart + 16 && $0.reason.contains("sequence") } == true)
        #expect(try damaged(trailerStart + 24).map { $0.offset == trailerStart + 24 } == true)
        #expect(try damaged(bytes.count - 1).map { $0.offset == bytes.count - 4 && $0.reason.contains("file checksum") } == true)
    }

    @Test func everyTruncationIsRefused() throws {
        let scratch = SnapshotScratch()
        let (path, bytes) = try Self.smallSnapshot(scratch)
        for length in 0..<bytes.count {
            try scratch.replace(path, with: Array(bytes.prefix(length)))
            guard let (offset, reason) = Self.corruption(scratch, path) else { continue }
            #expect(offset <= length, "cut at \(length): offset \(offset), \(reason)")
        }
        try scratch.replace(path, with: bytes + [0])
        #expect(Self.corruption(scratch, path)?.reason.contains("no snapshot trailer") == true)
        try scratch.replace(path, with: bytes + bytes)
        #expect(Self.corruption(scratch, path) != nil)
    }

    @Test func aWrongKeyCountIsRefused() throws {
        for wrong: UInt64 in [0, 5, 7, .max] {
            let scratch = SnapshotScratch()
            let (path, bytes) = try Self.smallSnapshot(scratch, keyCount: wrong)
            let trailerKeyCount = bytes.count - SnapshotFormat.trailerBytes + 8
            let refusal = Self.corruption(scratch, path)
            #expect(refusal?.offset == trailerKeyCount)
            #expect(refusal?.reason == "the trailer counts \(wrong) keys, the body holds 6")
        }
    }

    /// A record whose bytes are wrong although every checksum holds (a
    /// writer bug): refused at the block the record starts in.
    @Test func aBadRecordInsideAValidFrameIsRefused() throws {
        let scratch = SnapshotScratch()
        var body: Bytes = []
        SnapshotRecords.append(database: 0, key: ByteString("k".utf8), value: .string(ByteString("v".utf8)), expireAt: nil, to: &body)
        let trailingByte: Bytes = body + [0x01]
        var database16 = body, unknownFlag = body
        database16[1] = 16
        unknownFlag[2] = 0x02
        var lengthPastValue = body + [0]
        lengthPastValue[0] = 0x07
        let cutShort = Bytes(body.dropLast())
        let badLengthEncoding: Bytes = [0xC5]
        for bad in [trailingByte, database16, unknownFlag, lengthPastValue, cutShort, badLengthEncoding] {
            let path = try scratch.write(bad, keyCount: 1)
            let refusal = Self.corruption(scratch, path)
            #expect(refusal?.offset == SnapshotFormat.headerBytes + 7, "\(bad): \(refusal?.reason ?? "")")
        }
    }

    /// ENOSPC is `.diskFull`; `abandon` removes the partial file.
    @Test func aFullDiskIsDiskFullAndAbandonRemovesTheFile() throws {
        let disk = SimulatedFileSystem(seed: 11, capacityBytes: 64 << 10)
        try disk.makeDirectory("/data")
        let writer = try SnapshotFileWriter(path: "/data/1.snap", header: SnapshotScratch.header, fileIO: disk)
        var failure: StorageError?
        do {
            for round in 0..<8 { try writer.append(snapshotNoise(64 << 10, seed: UInt64(round))) }
            try writer.finish(keyCount: 0)
        } catch {
            failure = error
        }
        guard case .diskFull(let cause) = failure else {
            Issue.record("expected diskFull, got \(String(describing: failure))")
            return
        }
        #expect(cause.path == "/data/1.snap")
        writer.abandon()
        #expect(!disk.fileExists("/data/1.snap"))
    }
}
