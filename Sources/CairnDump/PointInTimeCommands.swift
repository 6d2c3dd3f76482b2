import Cairn
import Foundation

/// `--until-seq N` / `--until-time T` as a point of history.
public enum PointOption {
    /// The limit the two options name (neither: the end of the log).
    public static func limit(untilSequence: UInt64?, untilTime: String?) throws(DumpFailure) -> PointInTime.Limit {
        switch (untilSequence, untilTime) {
        case (nil, nil): return .end
        case (let sequence?, nil): return .sequence(sequence)
        case (nil, let time?): return .time(try parseTime(time))
        case (.some, .some): throw DumpFailure("give one of --until-seq and --until-time, not both")
        }
    }

    /// ISO 8601 (RFC 3339) as Unix ms: `2026-12-04T17:00:00Z`,
    /// `2026-12-04T17:00:00.250+01:00`.
    public static func parseTime(_ text: String) throws(DumpFailure) -> Int64 {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
        }
        throw DumpFailure("\(text): not an ISO 8601 time such as 2026-12-04T17:00:00Z or 2026-12-04T17:00:00.250+01:00")
    }

    /// The state of the data directory `path` as of `limit`.
    static func load(_ path: String, until limit: PointInTime.Limit, fileIO: any FileIO,
                     configuration: EngineConfiguration = EngineConfiguration()) throws(DumpFailure) -> PointInTime.State {
        try DumpText.requireDirectory(path)
        return try dumpIO { () throws(StorageError) in
            try PointInTime.load(path, until: limit, fileIO: fileIO, configuration: configuration)
        }
    }

    /// Where a state stands, for the summaries: `record 42 (2026-...Z)`.
    static func describe(_ state: PointInTime.State) -> String {
        guard let time = state.timeMilliseconds else { return "record \(state.sequence)" }
        return "record \(state.sequence) (\(DumpText.time(time)))"
    }

    /// The fields every point-in-time JSON summary shares.
    static func jsonFields(_ state: PointInTime.State) -> [(String, JSONValue)] {
        [
            ("sequence", .int(Int64(state.sequence))), ("time_ms", .optional(state.timeMilliseconds)),
            ("snapshot_sequence", .int(Int64(state.snapshotSequence))),
            ("records_applied", .int(Int64(state.recordsApplied))),
            ("torn_tail_offset", .optional(state.tornTail.map { Int64($0.offset) })),
        ]
    }
}

/// `cairn-dump restore DIR --until-seq N|--until-time T --out NEWDIR`: a new
/// data directory holding the state as of that point (a snapshot and a
/// MANIFEST), which `cairn-server --dir NEWDIR` opens and goes on from.
public enum Restore {
    public static func run(_ path: String, until limit: PointInTime.Limit, out: String, json: Bool,
                           fileIO: any FileIO = PosixFileIO()) throws(DumpFailure) -> String {
        let state = try PointOption.load(path, until: limit, fileIO: fileIO)
        let keys = try dumpIO { () throws(StorageError) in try PointInTime.write(state, to: out, fileIO: fileIO) }
        if json {
            return JSONValue.object([("out", .string(out)), ("keys", .int(Int64(keys)))] + PointOption.jsonFields(state)).text + "\n"
        }
        var text = "restored \(path) as of \(PointOption.describe(state)) into \(out): \(keys) keys"
        text += ", \(state.recordsApplied) records replayed after the snapshot of record \(state.snapshotSequence)\n"
        if let torn = state.tornTail {
            text += "the log ends in a torn tail at offset \(torn.offset) of \(DumpText.name(torn.file)); its records are not restored\n"
        }
        return text
    }
}

/// `cairn-dump digest DIR`: Redis 7.0.15's `DEBUG DIGEST` of the dataset
/// (`Engine.debugDigest`), what cairn-server and redis-server answer for
/// the same data.
public enum DigestReport {
    public static func run(_ path: String, until limit: PointInTime.Limit, json: Bool,
                           fileIO: any FileIO = PosixFileIO()) throws(DumpFailure) -> String {
        let state = try PointOption.load(path, until: limit, fileIO: fileIO)
        let digest = state.engine.debugDigest()
        guard json else { return digest + "\n" }
        return JSONValue.object([("digest", .string(digest))] + PointOption.jsonFields(state)).text + "\n"
    }
}
