import Testing
@testable import Cairn
import CairnTestSupport

/// DEBUG RELOAD's engine half: `DurableEngine.reload` rebuilds the keyspace
/// from the files through recovery, keeps appending after the same record,
/// and touches watched keys as Redis's emptyData does.
@Suite struct DurableEngineReloadTests {
    @Test func reloadRebuildsTheSameStateFromTheFiles() throws {
        let directory = TemporaryDataDirectory()
        // Small segments: the reload reads several of them.
        let store = try DurableEngineFileTests.open(directory, segmentSizeLimit: 2048)
        let digest = try DurableEngineFileTests.workload(store, steps: 500, seed: 21)
        let before = store.engine
        let report = try store.reload()
        #expect(store.engine !== before, "the engine was not rebuilt")
        #expect(report.recordsReplayed == Int(store.writer.lastSequence))
        #expect(report.segmentsRead > 1)
        #expect(store.engine.digest() == digest)
        // Writes after the reload continue the log and survive a reopen.
        var session = Session()
        _ = try store.execute(DurableEngineFileTests.argv("SET", "after", "reload"), session: &session)
        let final = store.engine.digest()
        try store.close()
        let reopened = try DurableEngineFileTests.open(directory)
        #expect(reopened.engine.digest() == final)
        try reopened.close()
    }

    @Test func reloadDropsStateThatIsNotInTheLog() throws {
        let directory = TemporaryDataDirectory()
        let store = try DurableEngineFileTests.open(directory)
        var session = Session()
        _ = try store.execute(DurableEngineFileTests.argv("SET", "kept", "1"), session: &session)
        // Replayed effects are not logged: state the files do not hold.
        try store.engine.replay([Effect(database: 0, argv: DurableEngineFileTests.argv("SET", "ghost", "1"))])
        #expect(store.engine.execute("EXISTS", "ghost") == .integer(1))
        try store.reload()
        #expect(store.engine.execute("EXISTS", "ghost") == .integer(0))
        #expect(store.engine.execute("GET", "kept") == .bulk(Array("1".utf8)))
        try store.close()
    }

    @Test func watchedKeysThatExistedAreTouched() throws {
        let directory = TemporaryDataDirectory()
        let store = try DurableEngineFileTests.open(directory)
        var session = Session()
        _ = try store.execute(DurableEngineFileTests.argv("SET", "present", "1"), session: &session)
        let key = Array("present".utf8), missing = Array("missing".utf8)
        let presentVersion = store.engine.watch(database: 0, key: key)
        let missingVersion = store.engine.watch(database: 0, key: missing)
        try store.reload()
        #expect(store.engine.modificationVersion(database: 0, key: key) != presentVersion)
        #expect(store.engine.modificationVersion(database: 0, key: missing) == missingVersion)
        // The watchers moved over: unwatching works on the new engine.
        store.engine.unwatch(database: 0, key: key)
        store.engine.unwatch(database: 0, key: missing)
        #expect(store.engine.modificationVersion(database: 0, key: missing) == 0)
        try store.close()
    }

    @Test func encodingLimitsCarryOverTheReload() throws {
        let directory = TemporaryDataDirectory()
        let store = try DurableEngineFileTests.open(directory)
        var limits = EncodingLimits()
        limits.hashMaxListpackEntries = 2
        store.engine.encodingLimits = limits
        var session = Session()
        _ = try store.execute(DurableEngineFileTests.argv("HSET", "h", "a", "1", "b", "2", "c", "3"), session: &session)
        #expect(store.engine.execute("OBJECT", "ENCODING", "h") == .bulk(Array("hashtable".utf8)))
        try store.reload()
        #expect(store.engine.encodingLimits.hashMaxListpackEntries == 2)
        #expect(store.engine.execute("OBJECT", "ENCODING", "h") == .bulk(Array("hashtable".utf8)))
        try store.close()
    }
}
