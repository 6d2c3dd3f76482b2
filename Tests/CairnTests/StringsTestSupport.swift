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
}
