import Foundation
import Logging
import Testing
@testable import Cairn
@testable import CairnServer

/// cairn-server at startup on a log with a torn tail (issue 12, item 3):
/// `aof-load-truncated yes` (the default) drops it and says, as a warning,
/// which records went; `no` refuses to start, as Redis does.
@Suite struct TornTailStartupTests {
    /// A data directory holding SET a..e, then record 6 cut short (as a
    /// crash before its sync leaves it).
    static func directoryWithTornTail() throws -> String {
        let directory = TestServer.makeDirectory()
        let store = try DurableEngine.open(directory: directory)
        var session = Session()
        for key in ["a", "b", "c", "d", "e"] { _ = try store.execute([Array("SET".utf8), Array(key.utf8), Array("1".utf8)], session: &session) }
        let dataEnd = Int(store.writer.segmentEndOffsetForTesting)
        try store.close()
        var tail = try RecordFrame.encode([Effect(database: 0, argv: [Array("SET".utf8), Array("lost".utf8), Array("x".utf8)])],
                                          sequence: 6, durableThrough: 5, timestampMilliseconds: 0)
        tail.removeLast(4)
        let path = directory + "/00000000000000000001.wal"
        let records = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(dataEnd)
        try (records + Data(tail)).write(to: URL(fileURLWithPath: path))
        return directory
    }

    @Test func theDefaultDropsTheTailAndWarns() throws {
        let directory = try Self.directoryWithTornTail()
        let logFile = directory + "/server.log"
        let logger = Logger(label: "test") { _ in RedisLogHandler(level: .notice, path: logFile) }
        let server = try TestServer(directory: directory, logger: logger)
        defer { server.stop() }
        #expect(try server.client().request("DBSIZE") == ":5\r\n")
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(log.contains("# !!! The write-ahead log was not cleanly closed: torn tail dropped"), "\(log)")
        #expect(log.contains("record 6"), "\(log)")
    }

    @Test func aofLoadTruncatedNoRefusesToStart() throws {
        let directory = try Self.directoryWithTornTail()
        #expect {
            _ = try TestServer(directory: directory, extra: "aof-load-truncated no\n")
        } throws: { error in
            String(describing: error).contains("ends in a torn tail") && String(describing: error).contains("aof-load-truncated is no")
        }
        // Nothing was cut: with the default it still opens with every record.
        let server = try TestServer(directory: directory)
        defer { server.stop() }
        #expect(try server.client().request("DBSIZE") == ":5\r\n")
    }
}
