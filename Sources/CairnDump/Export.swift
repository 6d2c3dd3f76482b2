import Cairn

/// `cairn-dump export DIR --format json|resp|aof [--until-seq N | --until-time T]`:
/// the dataset as of the end of the log (or a point of it), as NDJSON, or
/// as the commands that rebuild it in any Redis.
public enum Export {
    public enum Format: String, CaseIterable, Sendable {
        /// One JSON object per key (docs/FORMAT.md, "cairn-dump JSON").
        case json
        /// RESP commands for `redis-cli --pipe`.
        case resp
        /// The same command stream, as Redis's AOF rewrite writes it: a file
        /// redis-server 7 loads as `appendonly.aof` (`appendonly yes`).
        case aof
    }

    /// Elements per command for collections, as Redis's AOF rewrite
    /// (AOF_REWRITE_ITEMS_PER_CMD).
    static let itemsPerCommand = 64

    /// Writes the dataset of `path` as of `limit` to `output`; returns the
    /// state it came from (where in the history it stands).
    @discardableResult
    public static func run(_ path: String, format: Format, until limit: PointInTime.Limit = .end,
                           fileIO: any FileIO = PosixFileIO(), output: DescriptorOutput) throws(DumpFailure) -> PointInTime.State {
        let state = try PointOption.load(path, until: limit, fileIO: fileIO)
        var database = -1
        state.engine.forEachKey { key in
            switch format {
            case .json:
                output.write(jsonLine(key))
            case .resp, .aof:
                if key.database != database {
                    database = key.database
                    output.write(bytes: command([Array("SELECT".utf8), Array(String(database).utf8)]))
                }
                output.write(bytes: commands(key))
            }
        }
        return state
    }

    static func jsonLine(_ key: ExportedKey) -> String {
        let value: JSONValue
        switch key.value {
        case .string(let bytes): value = .bytes(bytes)
        case .list(let elements), .set(let elements): value = .array(elements.map(JSONValue.bytes))
        case .hash(let pairs): value = .array(pairs.map { .array([.bytes($0.field), .bytes($0.value)]) })
        case .zset(let members):
            value = .array(members.map { .array([.bytes($0.member), .bytes(Numbers.formatDouble($0.score))]) })
        }
        return JSONValue.object([
            ("db", .int(Int64(key.database))), ("key", .bytes(key.key)), ("type", .string(key.value.typeName)),
            ("expire_at_ms", .optional(key.expireAt)), ("value", value),
        ]).text + "\n"
    }

    /// The commands that make `key` (collections in batches), then its expiry.
    static func commands(_ key: ExportedKey) -> Bytes {
        var out: Bytes = []
        func batches(_ name: String, _ items: [[Bytes]]) {
            var start = 0
            while start < items.count {
                let end = min(items.count, start + itemsPerCommand)
                out += command([Array(name.utf8), key.key] + items[start..<end].joined())
                start = end
            }
        }
        switch key.value {
        case .string(let bytes): out += command([Array("SET".utf8), key.key, bytes])
        case .list(let elements): batches("RPUSH", elements.map { [$0] })
        case .set(let members): batches("SADD", members.map { [$0] })
        case .hash(let pairs): batches("HSET", pairs.map { [$0.field, $0.value] })
        case .zset(let members): batches("ZADD", members.map { [Numbers.formatDouble($0.score), $0.member] })
        }
        if let expireAt = key.expireAt {
            out += command([Array("PEXPIREAT".utf8), key.key, Array(String(expireAt).utf8)])
        }
        return out
    }

    static func command(_ argv: [Bytes]) -> Bytes {
        var out: Bytes = []
        RecordPayload.appendCommand(argv, to: &out)
        return out
    }
}
