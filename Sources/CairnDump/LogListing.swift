import Cairn

/// `cairn-dump log FILE`: one line per effect of each record (sequence,
/// time, database, the command quoted as redis-cli quotes), or one NDJSON
/// object per record.
public enum LogListing {
    /// Lists the records of segment `path` numbered within `from...to`
    /// (a long record counts when any of its numbers is), then returns the
    /// scan, whose ending says how the file ended.
    public static func run(_ path: String, from: UInt64? = nil, to: UInt64? = nil, json: Bool,
                           fileIO: any FileIO = PosixFileIO(), output: inout some TextOutputStream) throws(DumpFailure) -> SegmentScan {
        let wanted = (from ?? 0)...(to ?? UInt64.max)
        guard wanted.lowerBound <= (to ?? UInt64.max) else { throw DumpFailure("--from-seq is past --to-seq") }
        var out = output
        defer { output = out }
        return try dumpIO { () throws(StorageError) in
            try SegmentScanner.scanFile(path, fileIO: fileIO) { record in
                guard record.sequences.overlaps(wanted) else { return }
                out.write(json ? jsonLine(record) : textLines(record))
            }
        }
    }

    static func textLines(_ record: ScannedRecord) -> String {
        let time = DumpText.time(record.timestampMilliseconds)
        var text = ""
        for effect in record.effects {
            text += "\(record.sequences.upperBound) \(time) db\(effect.database) "
                + effect.argv.map { sdsRepr($0) }.joined(separator: " ") + "\n"
        }
        return text
    }

    static func jsonLine(_ record: ScannedRecord) -> String {
        JSONValue.object([
            ("seq", .uint(record.sequences.upperBound)),
            ("first_seq", .uint(record.sequences.lowerBound)),
            ("time", .string(DumpText.time(record.timestampMilliseconds))),
            ("time_ms", .int(record.timestampMilliseconds)),
            ("durable_through", .uint(record.durableThrough)),
            ("offset", .int(Int64(record.frameOffset))),
            ("bytes", .int(Int64(record.byteCount))),
            ("effects", .array(record.effects.map { effect in
                .object([("db", .int(Int64(effect.database))), ("argv", .array(effect.argv.map(JSONValue.bytes)))])
            })),
        ]).text + "\n"
    }
}

/// `cairn-dump snapshot FILE`: every key with its database, type, expiry and
/// record size, verifying the whole file on the way.
public enum SnapshotListing {
    /// Lists the keys (those matching the glob `match`, if given); returns
    /// what verifying the file found.
    public static func run(_ path: String, match: String? = nil, json: Bool, fileIO: any FileIO = PosixFileIO(),
                           output: inout some TextOutputStream) throws(DumpFailure) -> (SnapshotInfo, ScanFinding?) {
        let pattern = match.map { Array($0.utf8) }
        var out = output
        defer { output = out }
        if !json { out.write("db type bytes expires key\n") }
        let result = try dumpIO { () throws(StorageError) in
            try DirectoryScanner.scanSnapshot(path, fileIO: fileIO) { key in
                if let pattern, !Glob.matches(pattern: pattern, key.key) { return }
                out.write(json ? jsonLine(key) : textLine(key))
            }
        }
        if !json {
            let (info, _) = result
            out.write("\(info.keyCount.map { "\($0) keys" } ?? "not verified"), the state after record \(info.sequence.map { String($0) } ?? "?")\n")
        }
        return result
    }

    static func textLine(_ key: SnapshotKey) -> String {
        "\(key.database) \(key.type) \(key.recordBytes) \(key.expireAt.map(DumpText.time) ?? "-") \(sdsRepr(key.key))\n"
    }

    static func jsonLine(_ key: SnapshotKey) -> String {
        JSONValue.object([
            ("db", .int(Int64(key.database))), ("key", .bytes(key.key)), ("type", .string(key.type)),
            ("expire_at_ms", .optional(key.expireAt)), ("bytes", .int(Int64(key.recordBytes))),
        ]).text + "\n"
    }
}
