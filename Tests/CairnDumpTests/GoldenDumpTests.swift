import Cairn
import CairnDump
import CairnTestSupport
import Foundation
import Testing

/// Golden outputs (testdata/dump/): every subcommand, human and JSON, on
/// the golden logs of testdata/wal and on testdata/dump/directory, a small
/// data directory with a snapshot (made by `regenerateGoldenDirectory`).
/// Paths are shown relative to the repository.
@Suite(.serialized) struct GoldenDumpTests {
    static let regenerate = ProcessInfo.processInfo.environment["CAIRN_REGENERATE_GOLDEN"] == "1"
    static let walCases = ["good", "torn-tail", "zero-tail", "flipped-byte", "bad-header"]
    static let directory = "testdata/dump/directory"

    /// Every (golden file name, output) pair.
    static func outputs() throws -> [(String, String)] {
        let root = DumpFixtures.repository + "/"
        let directory = root + Self.directory
        func relative(_ text: String) -> String { text.replacingOccurrences(of: root, with: "") }
        do {
            var outputs: [(String, String)] = []
            for name in walCases {
                let segment = DumpFixtures.golden(name)
                for json in [false, true] {
                    let suffix = json ? "json" : "txt"
                    outputs.append(("verify-\(name).\(suffix)", Verify.render(try Verify.run(segment), json: json)))
                    var listing = ""
                    let scan = try LogListing.run(segment, json: json, output: &listing)
                    listing += "# ending: \(scan.finding.map { "\($0.kind.rawValue) at \($0.offset)" } ?? "clean")\n"
                    outputs.append(("log-\(name).\(suffix)", listing))
                }
            }
            let snapshot = DumpFixtures.files(directory, suffix: ".snap").first.map { directory + "/" + $0 } ?? "missing.snap"
            for json in [false, true] {
                let suffix = json ? "json" : "txt"
                outputs.append(("info-directory.\(suffix)", try Info.render(directory, json: json)))
                outputs.append(("verify-directory.\(suffix)", Verify.render(try Verify.run(directory), json: json)))
                var keys = ""
                _ = try SnapshotListing.run(snapshot, json: json, output: &keys)
                outputs.append(("snapshot-directory.\(suffix)", keys))
                var matched = ""
                _ = try SnapshotListing.run(snapshot, match: "h:*", json: json, output: &matched)
                outputs.append(("snapshot-directory-match.\(suffix)", matched))
                var range = ""
                let segment = DumpFixtures.files(directory, suffix: ".wal").first.map { directory + "/" + $0 } ?? "missing.wal"
                _ = try LogListing.run(segment, from: 12, to: 13, json: json, output: &range)
                outputs.append(("log-directory-range.\(suffix)", range))
                outputs.append(("stats-directory.\(suffix)", try Stats.run(directory, top: 10, json: json)))
            }
            outputs += try pointAndRepairOutputs(directory)
            return outputs.map { ($0.0, relative($0.1)) }
        }
    }

    /// export (every format), digest and restore of the golden directory,
    /// and repair of copies of it damaged three ways; scratch paths are
    /// shown as SCRATCH.
    static func pointAndRepairOutputs(_ directory: String) throws -> [(String, String)] {
        let scratchDirectory = TemporaryDataDirectory()
        let scratch = scratchDirectory.path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var outputs: [(String, String)] = []
        for format in [Export.Format.json, .resp, .aof] {
            let file = scratch + "/export." + format.rawValue
            let output = try DescriptorOutput.file(file)
            try Export.run(directory, format: format, output: output)
            try output.close(path: file)
            // RESP and AOF carry the binary value as is: compared as decoded text.
            outputs.append(("export-directory.\(format.rawValue)",
                            String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)))
        }
        for json in [false, true] {
            let suffix = json ? "json" : "txt"
            outputs.append(("digest-directory.\(suffix)", try DigestReport.run(directory, until: .end, json: json)))
            outputs.append(("digest-directory-seq12.\(suffix)", try DigestReport.run(directory, until: .sequence(12), json: json)))
            outputs.append(("restore-directory-seq12.\(suffix)",
                            try Restore.run(directory, until: .sequence(12), out: scratch + "/restored-\(suffix)", json: json)))
        }
        let segmentName = DumpFixtures.files(directory, suffix: ".wal").first ?? "missing.wal"
        var frames: [UInt64: Int] = [:]
        _ = try SegmentScanner.scanFile(directory + "/" + segmentName) { frames[$0.sequences.upperBound] = $0.frameOffset }
        let damages: [(String, salvage: Bool, (String) throws -> Void)] = [
            ("clean", false, { _ in }),
            ("torn-tail", false, { copy in
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: copy + "/" + segmentName))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(repeating: 0xAB, count: 20))
                try handle.close()
            }),
            ("refused", false, { try DumpFixtures.flip($0 + "/" + segmentName, at: (frames[12] ?? 0) + 40) }),
            ("salvage", true, { try DumpFixtures.flip($0 + "/" + segmentName, at: (frames[12] ?? 0) + 40) }),
        ]
        for (name, salvage, damage) in damages {
            for json in [false, true] {
                let copy = scratch + "/repair-\(name)-\(json)"
                try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
                for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file != "LOCK" {
                    try FileManager.default.copyItem(atPath: directory + "/" + file, toPath: copy + "/" + file)
                }
                try damage(copy)
                let outcome = try RepairReport.run(copy, salvage: salvage, backup: copy + ".backup")
                outputs.append(("repair-\(name).\(json ? "json" : "txt")", RepairReport.render(outcome, json: json)))
            }
        }
        return outputs.map { ($0.0, $0.1.replacingOccurrences(of: scratch, with: "SCRATCH")) }
    }

    /// testdata/dump/directory: a snapshot of every type (a binary key and
    /// value, an expiry, an integer, a long string) and one segment after
    /// it, from a ManualClock and seed 1 so the bytes are reproducible.
    static func regenerateDirectory() throws {
        let target = DumpFixtures.repository + "/" + Self.directory
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.createDirectory(atPath: DumpFixtures.goldenOutput, withIntermediateDirectories: true)
        let store = try DumpFixtures.open(target)
        var session = Session()
        let commands: [[Bytes]] = [
            DumpFixtures.argv("SET", "greeting", "hello"),
            DumpFixtures.argv("SET", "counter", "42"),
            DumpFixtures.argv("SET", "long", String(repeating: "ab", count: 100)),
            [Array("SET".utf8), [0x6B, 0x00, 0xFF], [0xC3, 0x28, 0x0A]],
            DumpFixtures.argv("HSET", "h:1", "name", "ada", "lang", "swift"),
            DumpFixtures.argv("HSET", "h:2", "f", "v"),
            DumpFixtures.argv("RPUSH", "queue", "a", "b", "c"),
            DumpFixtures.argv("SADD", "tags", "x", "y", "1"),
            DumpFixtures.argv("ZADD", "board", "1.5", "ann", "2", "bob"),
            DumpFixtures.argv("SET", "session", "token", "PXAT", "4102444800000"),
        ]
        for command in commands { _ = try store.execute(command, session: &session) }
        try store.rewrite()
        for command in [DumpFixtures.argv("INCR", "counter"), DumpFixtures.argv("DEL", "h:2"),
                        DumpFixtures.argv("LPUSH", "queue", "z"), [Array("APPEND".utf8), [0x6B, 0x00, 0xFF], [0x01]]] {
            _ = try store.execute(command, session: &session)
        }
        try store.close()
        // The segment's preallocated zeros are not part of what is checked.
        for name in DumpFixtures.files(target, suffix: ".wal") {
            let path = target + "/" + name
            try DumpFixtures.truncate(path, to: try SegmentScanner.scanFile(path).validEnd)
        }
        try? FileManager.default.removeItem(atPath: target + "/LOCK")
    }

    /// Rebuilds testdata/dump (directory/, then every output).
    @Test(.enabled(if: regenerate)) func regenerateGoldenFiles() throws {
        try Self.regenerateDirectory()
        try FileManager.default.createDirectory(atPath: DumpFixtures.goldenOutput, withIntermediateDirectories: true)
        for (name, output) in try Self.outputs() {
            try output.write(toFile: DumpFixtures.goldenOutput + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    @Test(.disabled(if: regenerate)) func outputsMatchTheGoldenFiles() throws {
        let outputs = try Self.outputs()
        let goldenNames = try FileManager.default.contentsOfDirectory(atPath: DumpFixtures.goldenOutput)
            .filter { $0 != "README.md" && $0 != "directory" }
        #expect(Set(outputs.map(\.0)) == Set(goldenNames), "every golden file is an output and every output has one")
        for (name, output) in outputs {
            let golden = try? String(contentsOfFile: DumpFixtures.goldenOutput + "/" + name, encoding: .utf8)
            #expect(golden == output, """
                \(name) differs from testdata/dump/\(name); after a deliberate change run \
                CAIRN_REGENERATE_GOLDEN=1 swift test --filter GoldenDumpTests
                """)
        }
    }

    /// Every JSON output parses, and NDJSON is one object per line.
    @Test func jsonOutputsParse() throws {
        for (name, output) in try Self.outputs() where name.hasSuffix(".json") {
            for line in output.split(separator: "\n") where !line.hasPrefix("# ") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(name): \(line)")
            }
        }
    }

    /// The golden directory verifies clean and opens with the state its
    /// listing shows.
    @Test func goldenDirectoryOpens() throws {
        let copy = try DumpFixtures.copy(DumpFixtures.repository + "/" + Self.directory)
        let store = try DumpFixtures.open(copy.path)
        defer { try? store.close() }
        #expect(store.engine.execute("GET", "counter") == .bulk(Array("43".utf8)))
        #expect(store.engine.execute("EXISTS", "h:2") == .integer(0))
        #expect(store.engine.execute([Array("GET".utf8), [0x6B, 0x00, 0xFF]]) == .bulk([0xC3, 0x28, 0x0A, 0x01]))
        #expect(store.engine.execute("LLEN", "queue") == .integer(4))
    }
}
