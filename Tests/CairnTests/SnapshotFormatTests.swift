#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Cairn

/// Snapshot files on a real file system: a fresh directory under /tmp per
/// test, written with an engine's keys and read back into a fresh engine.
final class SnapshotScratch: TemporaryDirectory {
    init() { super.init(prefix: "cairn-snapshot-test") }

    static let header = SnapshotHeader(sequence: 4242, createdMilliseconds: 1_700_000_000_123)

    /// Every key of `engine` as records, database by database, and how many.
    static func body(of engine: Engine) -> (body: Bytes, keyCount: UInt64) {
        var body: Bytes = []
        var keyCount: UInt64 = 0
        for (index, database) in engine.keyspace.databases.enumerated() {
            database.main.forEachEntry { entry in
                let key = database.main.key(at: entry)
                SnapshotRecords.append(database: index, key: key, value: database.main.value(at: entry),
                                       expireAt: database.expires[key], to: &body)
                keyCount += 1
            }
        }
        return (body, keyCount)
    }

    /// Writes `body` as a snapshot, handing it to the writer `chunkBytes` at a time.
    @discardableResult
    func write(_ body: Bytes, keyCount: UInt64, name: String = "test.snap", chunkBytes: Int = 64 << 10) throws -> String {
        let target = file(name)
        let writer = try SnapshotFileWriter(path: target, header: Self.header, fileIO: io)
        var start = 0
        while start < body.count {
            let end = min(start + chunkBytes, body.count)
            try writer.append(Array(body[start..<end]))
            start = end
        }
        try writer.finish(keyCount: keyCount)
        #expect(writer.bytesWritten == (try io.readFile(target)).count)
        return target
    }

    /// The entries of a snapshot, in file order.
    func entries(_ target: String) throws(StorageError) -> (entries: [SnapshotEntry], summary: SnapshotSummary) {
        var entries: [SnapshotEntry] = []
        let summary = try SnapshotFileReader.read(path: target, fileIO: io, limits: EncodingLimits()) { entries.append($0) }
        return (entries, summary)
    }

    /// A fresh engine holding the snapshot's keys.
    func load(_ target: String) throws -> (engine: TestEngine, summary: SnapshotSummary) {
        let loaded = TestEngine()
        let keyspace = loaded.engine.keyspace
        let summary = try SnapshotFileReader.read(path: target, fileIO: io, limits: keyspace.limits) { entry in
            keyspace.databases[entry.database].main.insertNew(entry.key, entry.value)
            if let expireAt = entry.expireAt { _ = keyspace.databases[entry.database].expires.updateValue(expireAt, forKey: entry.key) }
        }
        return (loaded, summary)
    }

    /// Overwrites the file at `target` with `bytes`.
    func replace(_ target: String, with bytes: Bytes) throws {
        let handle = try io.open(target, .readWrite, options: [.create, .truncate])
        defer { try? io.close(handle) }
        try io.writeAll(handle, bytes, at: 0)
    }
}

/// A deterministic byte pattern that LZ4 cannot shrink much.
func snapshotNoise(_ count: Int, seed: UInt64) -> Bytes {
    var state = seed | 1
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

@Suite struct SnapshotFormatTests {
    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }

    /// Every type in every encoding Cairn has, binary and empty keys, keys
    /// with and without expiry, in all sixteen databases.
    static func populatedEngine() -> TestEngine {
        let t = TestEngine()
        let binary: Bytes = [0, 13, 10, 255, 0x61, 0]
        t.run("SET", "s:int", "-123456")
        t.run("SET", "s:int8", "7")
        t.run("SET", "s:int32", "2147483647")
        t.run("SET", "s:big", "9223372036854775807")
        t.run("SET", "s:text", "hello")
        t.run("SET", "s:empty", "")
        t.run("SET", "s:lead0", "007")
        t.run([Bytes(ascii: "SET"), Bytes(ascii: "s:bin"), binary])
        t.run([Bytes(ascii: "SET"), Bytes(ascii: "s:long"), snapshotNoise(100_000, seed: 3)])
        t.run([Bytes(ascii: "SET"), binary, Bytes(ascii: "binary key")])
        t.run([Bytes(ascii: "SET"), [], Bytes(ascii: "empty key")])
        t.run("RPUSH", "l:small", "a", "1", "-1", "", "99999999999")
        t.run([Bytes(ascii: "RPUSH"), Bytes(ascii: "l:bin"), binary, binary])
        t.run(["RPUSH", "l:big"].map { Bytes(ascii: $0) } + (0..<5000).map { Bytes(ascii: "element-\($0)") })
        t.run("SADD", "set:int16", "1", "2", "-3")
        t.run("SADD", "set:int64", "1", "5000000000", "-9223372036854775808")
        t.run("SADD", "set:text", "a", "b", "1")
        t.run(["SADD", "set:bigint"].map { Bytes(ascii: $0) } + (0..<600).map { Bytes(ascii: "\($0)") })
        t.run([Bytes(ascii: "SADD"), Bytes(ascii: "set:bin"), binary, []])
        t.run("HSET", "h:small", "f", "v", "n", "12", "", "empty")
        t.run("HSET", "h:long", "f", String(repeating: "v", count: 100))
        t.run(["HSET", "h:big"].map { Bytes(ascii: $0) } + (0..<300).flatMap { [Bytes(ascii: "f\($0)"), Bytes(ascii: "\($0 * 3)")] })
        t.run("ZADD", "z:small", "1.5", "a", "-inf", "low", "+inf", "high", "0", "zero", "-0.25", "neg")
        t.run(["ZADD", "z:big"].map { Bytes(ascii: $0) } + (0..<300).flatMap { [Bytes(ascii: "\(Double($0) / 7)"), Bytes(ascii: "m\($0)")] })
        t.run("ZADD", "z:inf", "inf", "x", "-inf", "y")
        t.run("PEXPIREAT", "s:text", "1700000999000")
        t.run("PEXPIREAT", "h:big", "1800000000000")
        t.run("PEXPIREAT", "z:small", "1700000000001")
        for database in 1..<Keyspace.databaseCount {
            t.run("SELECT", "\(database)")
            t.run("SET", "db", "\(database)")
            t.run("HSET", "h\(database)", "db", "\(database)")
            if database % 3 == 0 { t.run("PEXPIREAT", "db", "\(1_700_000_000_000 + database)") }
        }
        t.run("SELECT", "0")
        return t
    }

    /// The digest and every key's encoding agree between two engines.
    static func expectSameState(_ loaded: Engine, _ original: Engine, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(loaded.digest() == original.digest(), sourceLocation: sourceLocation)
        for (index, database) in original.keyspace.databases.enumerated() {
            let other = loaded.keyspace.databases[index]
            #expect(other.main.count == database.main.count, "database \(index)", sourceLocation: sourceLocation)
            database.main.forEachEntry { entry in
                let key = database.main.key(at: entry)
                #expect(other.main[key]?.encodingName == database.main.value(at: entry).encodingName,
                        "encoding of \(key.bytes) in database \(index)", sourceLocation: sourceLocation)
                #expect(other.expires[key] == database.expires[key], sourceLocation: sourceLocation)
            }
        }
    }

    @Test func everyTypeAndEncodingRoundTripsThroughAFile() throws {
        let scratch = SnapshotScratch()
        let original = Self.populatedEngine()
        let (body, keyCount) = SnapshotScratch.body(of: original.engine)
        let target = try scratch.write(body, keyCount: keyCount)
        let (loaded, summary) = try scratch.load(target)
        #expect(summary.header == SnapshotScratch.header)
        #expect(summary.keyCount == keyCount)
        #expect(summary.fileBytes == Int64((try scratch.io.readFile(target)).count))
        Self.expectSameState(loaded.engine, original.engine)
        // Values read back write the same records again.
        #expect(SnapshotScratch.body(of: loaded.engine).body.count == body.count)
        #expect(loaded.run("OBJECT", "ENCODING", "set:int16") == .bulk(Bytes(ascii: "intset")))
        #expect(loaded.run("ZSCORE", "z:inf", "y") == original.run("ZSCORE", "z:inf", "y"))
        #expect(loaded.run([Bytes(ascii: "GET"), []]) == .bulk(Bytes(ascii: "empty key")))
    }

    @Test func anEmptySnapshotHasNoKeys() throws {
        let scratch = SnapshotScratch()
        let target = try scratch.write([], keyCount: 0)
        let (entries, summary) = try scratch.entries(target)
        #expect(entries.isEmpty)
        #expect(summary == SnapshotSummary(header: SnapshotScratch.header, keyCount: 0, fileBytes: summary.fileBytes))
    }

    @Test func expiryIsKeptAsWrittenEvenWhenPast() throws {
        let scratch = SnapshotScratch()
        var body: Bytes = []
        for (index, expireAt) in [nil, 5, -1, Int64.max, 1_700_000_000_000].enumerated() {
            SnapshotRecords.append(database: index, key: ByteString(integer: Int64(index)), value: .string(ByteString("v".utf8)),
                                   expireAt: expireAt, to: &body)
        }
        let (entries, _) = try scratch.entries(try scratch.write(body, keyCount: 5))
        #expect(entries.map(\.expireAt) == [nil, 5, -1, Int64.max, 1_700_000_000_000])
        #expect(entries.map(\.database) == [0, 1, 2, 3, 4])
        #expect(entries.map(\.key.bytes) == ["0", "1", "2", "3", "4"].map { Bytes(ascii: $0) })
    }

    /// The documented one-key record (docs/FORMAT.md "Snapshot records").
    @Test func documentedRecordBytes() {
        var body: Bytes = []
        SnapshotRecords.append(database: 0, key: ByteString("k".utf8), value: .string(ByteString("v".utf8)), expireAt: nil, to: &body)
        #expect(body == [0x07, 0x00, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76])
        body = []
        SnapshotRecords.append(database: 3, key: ByteString("n".utf8), value: .string(ByteString(integer: 300)),
                               expireAt: 1_700_000_000_000, to: &body)
        #expect(body == [0x10, 0x03, 0x01, 0x00, 0x68, 0xE5, 0xCF, 0x8B, 0x01, 0x00, 0x00, 0x01, 0x6E, 0x00, 0xC1, 0x2C, 0x01])
    }

    /// The documented example file (docs/FORMAT.md "Example"), byte for byte.
    @Test func documentedExampleFile() throws {
        let scratch = SnapshotScratch()
        var body: Bytes = []
        SnapshotRecords.append(database: 0, key: ByteString("k".utf8), value: .string(ByteString("v".utf8)), expireAt: nil, to: &body)
        let path = scratch.file("example.snap")
        let writer = try SnapshotFileWriter(path: path, header: SnapshotHeader(sequence: 7, createdMilliseconds: 1_700_000_000_000),
                                            fileIO: scratch.io)
        try writer.append(body)
        try writer.finish(keyCount: 1)
        let documented = """
            43 41 49 52 4e 53 4e 50 01 00 00 00 00 00 00 00
            07 00 00 00 00 00 00 00 00 68 e5 cf 8b 01 00 00
            e4 27 e0 fb 04 22 4d 18 74 50 ff 08 00 00 80 07
            00 00 01 6b 00 01 76 54 21 a5 bd 00 00 00 00 54
            21 a5 bd 43 41 49 52 4e 45 4e 44 01 00 00 00 00
            00 00 00 07 00 00 00 00 00 00 00 1f 00 00 00 00
            00 00 00 d4 a7 c0 58
            """
        let expected = documented.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
        let file = try scratch.io.readFile(path)
        #expect(file == expected, "\(file.map { String($0, radix: 16) })")
    }

    /// Chunks handed to the writer may end anywhere, even inside a record's
    /// length field: the file does not depend on where.
    @Test func chunkBoundariesInsideRecords() throws {
        let scratch = SnapshotScratch()
        let original = Self.populatedEngine()
        let (body, keyCount) = SnapshotScratch.body(of: original.engine)
        let whole = try scratch.io.readFile(try scratch.write(body, keyCount: keyCount, name: "whole.snap", chunkBytes: body.count))
        for chunkBytes in [1, 2, 7, 4096, 1 << 20] {
            let target = try scratch.write(body, keyCount: keyCount, name: "chunks-\(chunkBytes).snap", chunkBytes: chunkBytes)
            #expect(try scratch.io.readFile(target) == whole, "chunks of \(chunkBytes) bytes")
            Self.expectSameState(try scratch.load(target).engine.engine, original.engine)
        }
    }

    /// Records larger than a read chunk (1 MiB) and an LZ4 block are
    /// gathered across blocks, among small ones.
    @Test func recordsLargerThanABlockAndAReadChunk() throws {
        let scratch = SnapshotScratch()
        let t = TestEngine()
        t.run("SET", "before", "1")
        t.run([Bytes(ascii: "SET"), Bytes(ascii: "huge"), snapshotNoise(3 << 20, seed: 9)])
        t.run(["RPUSH", "long"].map { Bytes(ascii: $0) } + (0..<200_000).map { Bytes(ascii: "item-\($0 * 7919)") })
        t.run("SET", "after", "2")
        let (body, keyCount) = SnapshotScratch.body(of: t.engine)
        let target = try scratch.write(body, keyCount: keyCount, chunkBytes: 300_000)
        let fileBytes = try scratch.io.readFile(target).count
        #expect(fileBytes > 3 * SnapshotFormat.readChunkBytes)
        let (loaded, summary) = try scratch.load(target)
        #expect(summary.keyCount == 4)
        Self.expectSameState(loaded.engine, t.engine)
    }

    /// The body cut out of the file is a standard LZ4 frame: the stock
    /// `lz4 -d` decodes it (block and content checksums included) to the
    /// records' bytes.
    @Test func theLZ4ToolDecodesTheBody() throws {
        let tool = "/usr/bin/lz4"
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            Issue.record("\(tool) is missing: install the lz4 package (make deps installs it)")
            return
        }
        let scratch = SnapshotScratch()
        let original = Self.populatedEngine()
        let (body, keyCount) = SnapshotScratch.body(of: original.engine)
        let file = try scratch.io.readFile(try scratch.write(body, keyCount: keyCount))
        let frame = Array(file[SnapshotFormat.headerBytes..<(file.count - SnapshotFormat.trailerBytes)])
        let framePath = scratch.file("body.lz4")
        try scratch.replace(framePath, with: frame)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-d", "-c", framePath]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let decoded = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Bytes(decoded) == body)
        // Independent 256 KiB blocks, block checksums, content checksum
        // (FLG 0x74: version 01, B.Indep, B.Checksum, C.Checksum; BD 0x50).
        #expect(Array(frame.prefix(6)) == [0x04, 0x22, 0x4D, 0x18, 0x74, 0x50])
    }

    /// RDB's 32- and 64-bit length forms carry lengths of 512 MiB and far
    /// beyond; nothing that large is allocated to check it, and a record or
    /// string that claims more bytes than there are is refused, not sized.
    @Test func hugeLengthsRoundTripWithoutAllocating() throws {
        for length in [63, 64, 16383, 16384, 600 << 20, Int(UInt32.max), Int(UInt32.max) + 1, 5 << 30, Int.max - 9] {
            var writer = RDBWriter()
            writer.length(length)
            let field = writer.bytes
            #expect(field.count == (length < 64 ? 1 : length < 16384 ? 2 : length <= Int(UInt32.max) ? 5 : 9))
            var reader = RDBReader(field, end: field.count)
            #expect(try reader.length() == length)
            // A record whose length field claims `length` bytes: the reader
            // learns how much to gather, and gathers it only as the body supplies it.
            #expect(try SnapshotRecords.extent(field, at: 0, end: field.count) == field.count + length)
        }
        // A 600 MiB string's header, with 3 bytes behind it.
        var writer = RDBWriter()
        writer.length(600 << 20)
        let claim = writer.bytes + [1, 2, 3]
        var reader = RDBReader(claim, end: claim.count)
        let header = try reader.lengthOrEncoding()
        #expect(header.value == UInt64(600 << 20) && !header.encoded)
        reader = RDBReader(claim, end: claim.count)
        #expect(throws: RDBFormatError.self) { try reader.string() }
        // A length-prefixed record patched from 1 to 5 bytes keeps what follows.
        var body: Bytes = [9, 9, 0]
        body += Bytes(repeating: 0xAB, count: 70_000)
        var patch = RDBWriter(bytes: body)
        patch.patchLength(70_000, at: 2)
        #expect(patch.bytes.prefix(7) == [9, 9, 0x80, 0x00, 0x01, 0x11, 0x70])
        #expect(patch.bytes.count == 7 + 70_000)
        #expect(patch.bytes.dropFirst(7).allSatisfy { $0 == 0xAB })
    }
}
