import Cairn
import CairnTestSupport
import Foundation

/// What cairn-dump's tests read: the golden logs in testdata/wal, and data
/// directories made by a real DurableEngine (a snapshot and the segments
/// after it), damaged in the ways recovery knows.
enum DumpFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let walData = repository + "/testdata/wal"
    static let goldenOutput = repository + "/testdata/dump"
    static let segmentName = "00000000000000000001.wal"
    static let startMilliseconds: Int64 = 1_700_000_000_000

    /// testdata/wal/`name`'s segment.
    static func golden(_ name: String) -> String { walData + "/" + name + "/" + segmentName }

    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }

    static func open(_ path: String, segmentSizeLimit: Int = 64 << 20) throws -> DurableEngine {
        try DurableEngine.open(directory: path, fileIO: PosixFileIO(),
                               configuration: EngineConfiguration(clock: ManualClock(milliseconds: startMilliseconds),
                                                                  randomSeed: 1),
                               log: LogConfiguration(segmentSizeLimit: segmentSizeLimit))
    }

    /// A directory holding a snapshot of 42 keys of every type (a binary
    /// key, an expiry) and then several small segments of 60 more writes;
    /// returns it with the engine's digest at the end. `crashed`: the files
    /// as a power cut would leave them after the last write returned (the
    /// default policy syncs each write), copied before the engine closes,
    /// so nothing seals the log's end.
    static func directory(crashed: Bool = false) throws -> (TemporaryDataDirectory, digest: String) {
        let directory = TemporaryDataDirectory()
        let store = try open(directory.path, segmentSizeLimit: 2048)
        var session = Session()
        for index in 0..<10 {
            _ = try store.execute(argv("SET", "s:\(index)", "value-\(index)"), session: &session)
            _ = try store.execute(argv("HSET", "h:\(index)", "f", "\(index)", "g", "x"), session: &session)
            _ = try store.execute(argv("RPUSH", "l:\(index)", "a", "b", "\(index)"), session: &session)
            _ = try store.execute(argv("ZADD", "z:\(index)", "\(index)", "m"), session: &session)
        }
        _ = try store.execute([Array("SET".utf8), [0x62, 0x69, 0x6E, 0x00, 0xFF], Array("v".utf8)], session: &session)
        _ = try store.execute(argv("SADD", "set", "a", "b"), session: &session)
        _ = try store.execute(argv("PEXPIREAT", "set", "4102444800000"), session: &session)
        try store.rewrite()
        for index in 0..<60 {
            _ = try store.execute(argv("SET", "after:\(index % 20)", String(repeating: "v", count: index)), session: &session)
        }
        let digest = store.engine.digest()
        let image = crashed ? try copy(directory.path) : nil
        try store.close()
        return (image ?? directory, digest)
    }

    static func files(_ path: String, suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
    }

    static func flip(_ file: String, at offset: Int) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[offset] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: file))
    }

    static func truncate(_ file: String, to length: Int) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try bytes.prefix(length).write(to: URL(fileURLWithPath: file))
    }

    /// Copies every file of `source` into a fresh directory.
    static func copy(_ source: String) throws -> TemporaryDataDirectory {
        let copy = TemporaryDataDirectory()
        try FileManager.default.createDirectory(atPath: copy.path, withIntermediateDirectories: false)
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name != "LOCK" {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: copy.path + "/" + name)
        }
        return copy
    }

    /// What opening `path` gives: nil when it opens (and the digest then),
    /// or the corruption recovery refuses with.
    static func recoveryOutcome(_ path: String) -> (opened: Bool, digest: String?, error: StorageError?) {
        do {
            let store = try open(path)
            let digest = store.engine.digest()
            try store.close()
            return (true, digest, nil)
        } catch let error as StorageError {
            return (false, nil, error)
        } catch {
            return (false, nil, nil)
        }
    }
}
