import Testing
@testable import Cairn

extension TestEngine {
    /// `OBJECT ENCODING` of a key in database 0, read from the keyspace.
    func encoding(_ key: String) -> String? {
        engine.keyspace.databases[0].main[ByteString(Array(key.utf8))]?.encodingName
    }

    /// The absolute expiry (Unix ms) of a key in database 0.
    func expireTime(_ key: String) -> Int64? {
        engine.keyspace.expireTime(0, ByteString(Array(key.utf8)))
    }

    /// Stores a hash at `key`, for WRONGTYPE checks without HSET. It is put
    /// in the keyspace directly, so nothing logs it: tests that check replay
    /// call `removeHash` first.
    func makeHash(_ key: String) {
        engine.keyspace.set(0, ByteString(Array(key.utf8)), .hash(HashObject()))
    }

    /// Removes a hash `makeHash` stored, without logging.
    func removeHash(_ key: String) {
        engine.keyspace.delete(0, ByteString(Array(key.utf8)))
    }

    /// As `expectReplayMatches`, for logs that hold the keys family's
    /// effects (`DEL` from lazy expiry or GETDEL, `PEXPIREAT` and `PERSIST`
    /// from GETEX): while this branch's command table lacks those commands,
    /// they are applied straight to the copy's keyspace; once the table has
    /// them, they replay as commands like everything else.
    func expectReplayMatchesWithKeyEffects(sourceLocation: SourceLocation = #_sourceLocation) {
        let copy = Engine(configuration: EngineConfiguration(clock: ManualClock(milliseconds: 0), randomSeed: 99))
        for effect in allEffects {
            let name = String(decoding: effect.argv[0], as: UTF8.self).uppercased()
            if CommandTable.lookup(effect.argv[0]) != nil {
                do { try copy.replay([effect]) } catch { Issue.record("\(error)", sourceLocation: sourceLocation) }
                continue
            }
            let key = ByteString(effect.argv[1])
            switch name {
            case "DEL": copy.keyspace.delete(effect.database, key)
            case "PERSIST": copy.keyspace.persist(effect.database, key)
            case "PEXPIREAT": copy.keyspace.setExpire(effect.database, key, at: Numbers.parseInteger(effect.argv[2])!)
            default: Issue.record("effect \(name) has no command to replay it", sourceLocation: sourceLocation)
            }
        }
        #expect(copy.digest() == engine.digest(), "replayed state differs", sourceLocation: sourceLocation)
    }
}
