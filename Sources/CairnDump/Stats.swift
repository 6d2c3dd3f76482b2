import Cairn

/// `cairn-dump stats DIR [--json] [--top N]`: what a data directory holds
/// and what its log spends bytes on: keys per database and type, the N
/// largest keys, a histogram of times to live, and the live segments' bytes
/// per command with the snapshot's size.
///
/// The keys are those of the state at the end of the log (as `export`,
/// through the same `PointInTime` load); times to live are measured from
/// that state's time, the last record's, never the wall clock, so the
/// output of a directory does not change as it ages.
///
/// ```swift
/// print(try Stats.run("/data", top: 5, json: false))
/// ```
public enum Stats {
    /// `TYPE`'s names, in the order the tables show them.
    static let typeNames = ["string", "list", "hash", "set", "zset"]

    /// How many keys of each type a database holds, and how many have an expiry.
    struct DatabaseCounts {
        var byType = [Int](repeating: 0, count: typeNames.count)
        var expires = 0
        var total: Int { byType.reduce(0, +) }

        mutating func add(_ other: DatabaseCounts) {
            for index in byType.indices { byType[index] += other.byType[index] }
            expires += other.expires
        }
    }

    /// One key and its size.
    struct SizedKey {
        var database: Int
        var key: Bytes
        var type: String
        /// Its `DUMP` payload: the RDB object a snapshot record holds after
        /// the key, plus DUMP's 10-byte footer (RDB version and CRC-64).
        var bytes: Int
        /// `STRLEN`, `LLEN`, `HLEN`, `SCARD` or `ZCARD`.
        var elements: Int
    }

    /// The histogram's buckets: time to live as of the state's time.
    enum ExpiryBucket: CaseIterable {
        case expired, underMinute, underHour, underDay, underWeek, longer, none

        /// A key expires once the time is strictly past its expiry (Redis's
        /// `keyIsExpired`), so a TTL of 0 still counts as under a minute.
        init(expireAt: Int64?, now: Int64) {
            guard let expireAt else {
                self = .none
                return
            }
            let ttl = expireAt - now
            switch ttl {
            case ..<0: self = .expired
            case ..<60_000: self = .underMinute
            case ..<3_600_000: self = .underHour
            case ..<86_400_000: self = .underDay
            case ..<604_800_000: self = .underWeek
            default: self = .longer
            }
        }

        var label: String {
            switch self {
            case .expired: "expired"
            case .underMinute: "< 1 min"
            case .underHour: "< 1 h"
            case .underDay: "< 1 day"
            case .underWeek: "< 1 week"
            case .longer: "longer"
            case .none: "none"
            }
        }

        var jsonName: String {
            switch self {
            case .expired: "expired"
            case .underMinute: "under_1m"
            case .underHour: "under_1h"
            case .underDay: "under_1d"
            case .underWeek: "under_1w"
            case .longer: "longer"
            case .none: "none"
            }
        }
    }

    /// The live segments' records of one command.
    struct CommandBytes {
        var command: String
        var records = 0
        var effects = 0
        /// Frame bytes, headers included (`ScannedRecord.byteCount`).
        var bytes = 0
    }

    /// A record whose effects are different commands: a `MULTI/EXEC`, or a
    /// write that first deleted the expired key it found. Lowercase, so no
    /// command name (shown uppercase) can be mistaken for it.
    static let mixedCommands = "mixed"

    /// What stats reports.
    struct Report {
        var path: String
        var state: PointInTime.State
        var databases: [(database: Int, counts: DatabaseCounts)]
        var largest: [SizedKey]
        var expiry: [ExpiryBucket: Int]
        var commands: [CommandBytes]
        var snapshot: SnapshotInfo?

        var totals: DatabaseCounts {
            var totals = DatabaseCounts()
            for (_, counts) in databases { totals.add(counts) }
            return totals
        }

        var logTotal: CommandBytes {
            var total = CommandBytes(command: "total")
            for command in commands {
                total.records += command.records
                total.effects += command.effects
                total.bytes += command.bytes
            }
            return total
        }
    }

    public static func run(_ path: String, top: Int, json: Bool,
                           fileIO: any FileIO = PosixFileIO()) throws(DumpFailure) -> String {
        let report = try collect(path, top: top, fileIO: fileIO)
        return json ? renderJSON(report) : renderText(report)
    }

    static func collect(_ path: String, top: Int, fileIO: any FileIO) throws(DumpFailure) -> Report {
        guard top >= 0 else { throw DumpFailure("--top must be 0 or more, not \(top)") }
        // The size measure is DUMP, which looks its key up; on the wall
        // clock a lookup deletes a key whose expiry has passed (and DUMP
        // replies nil), so the engine's clock stands before every expiry:
        // nothing is expired while stats reads the state.
        let state = try PointOption.load(path, until: .end, fileIO: fileIO,
                                         configuration: EngineConfiguration(clock: ManualClock(milliseconds: .min)))
        let now = state.timeMilliseconds ?? 0

        var databases: [Int: DatabaseCounts] = [:]
        var expiry: [ExpiryBucket: Int] = [:]
        var keys: [SizedKey] = []
        state.engine.forEachKey { exported in
            let type = exported.value.typeName
            var counts = databases[exported.database] ?? DatabaseCounts()
            counts.byType[typeNames.firstIndex(of: type) ?? 0] += 1
            if exported.expireAt != nil { counts.expires += 1 }
            databases[exported.database] = counts
            expiry[ExpiryBucket(expireAt: exported.expireAt, now: now), default: 0] += 1
            keys.append(SizedKey(database: exported.database, key: exported.key, type: type, bytes: 0,
                                 elements: elementCount(exported.value)))
        }
        // After the walk, not during it: DUMP reads the keyspace forEachKey walks.
        var session = Session()
        for index in keys.indices {
            session.database = keys[index].database
            let reply = state.engine.execute([Array("DUMP".utf8), keys[index].key], session: &session).reply
            guard case .bulk(let payload) = reply else {
                preconditionFailure(
                    "DUMP of \(sdsRepr(keys[index].key)) in db\(keys[index].database), a key forEachKey gave, replied \(reply)")
            }
            keys[index].bytes = payload.count
        }
        keys.sort { left, right in
            if left.bytes != right.bytes { return left.bytes > right.bytes }
            if left.database != right.database { return left.database < right.database }
            return left.key.lexicographicallyPrecedes(right.key)
        }

        var commands: [String: CommandBytes] = [:]
        let scan = try dumpIO { () throws(StorageError) in
            try DirectoryScanner.scan(path, fileIO: fileIO) { record in
                let name = commandName(record.effects)
                var entry = commands[name] ?? CommandBytes(command: name)
                entry.records += 1
                entry.effects += record.effects.count
                entry.bytes += record.byteCount
                commands[name] = entry
            }
        }
        let byBytes = commands.values.sorted { left, right in
            left.bytes != right.bytes ? left.bytes > right.bytes : left.command < right.command
        }
        return Report(path: path, state: state,
                      databases: databases.keys.sorted().map { ($0, databases[$0] ?? DatabaseCounts()) },
                      largest: Array(keys.prefix(top)), expiry: expiry, commands: byBytes, snapshot: scan.snapshot)
    }

    /// `STRLEN`, `LLEN`, `HLEN`, `SCARD` or `ZCARD` of a value.
    static func elementCount(_ value: ExportedValue) -> Int {
        switch value {
        case .string(let bytes): bytes.count
        case .list(let elements), .set(let elements): elements.count
        case .hash(let pairs): pairs.count
        case .zset(let members): members.count
        }
    }

    /// The command a record logs, uppercase: its effects' shared name, or
    /// `mixed`. The names are ASCII: the load before this replayed every
    /// record, and replay refuses a command it does not know.
    static func commandName(_ effects: ArraySlice<Effect>) -> String {
        let name = effects.first?.argv.first ?? []
        guard effects.allSatisfy({ ($0.argv.first ?? []).equalsIgnoringCase(name) }) else { return mixedCommands }
        return String(decoding: name, as: UTF8.self).uppercased()
    }

    // MARK: Rendering

    private static func renderText(_ report: Report) -> String {
        var text = "stats of \(report.path) as of \(PointOption.describe(report.state))\n"
        if let torn = report.state.tornTail {
            text += "the log ends in a torn tail at offset \(torn.offset) of \(DumpText.name(torn.file)); "
                + "its records are not included\n"
        }

        text += "\nkeys per database and type:\n"
        var keyRows = [["db"] + typeNames + ["total", "expires"]]
        func row(_ name: String, _ counts: DatabaseCounts) -> [String] {
            [name] + counts.byType.map { String($0) } + [String(counts.total), String(counts.expires)]
        }
        for (database, counts) in report.databases { keyRows.append(row(String(database), counts)) }
        keyRows.append(row("total", report.totals))
        text += DumpText.table(keyRows)

        text += "\nlargest keys (bytes: the DUMP payload; elements: STRLEN, LLEN, HLEN, SCARD or ZCARD):\n"
        var largestRows = [["db", "type", "bytes", "elements", "key"]]
        for key in report.largest {
            largestRows.append([String(key.database), key.type, String(key.bytes), String(key.elements), sdsRepr(key.key)])
        }
        text += report.largest.isEmpty ? "none\n" : DumpText.table(largestRows)

        text += "\ntime to live as of \(report.state.timeMilliseconds.map(DumpText.time) ?? "the empty state"):\n"
        var expiryRows = [["ttl", "keys"]]
        for bucket in ExpiryBucket.allCases { expiryRows.append([bucket.label, String(report.expiry[bucket] ?? 0)]) }
        text += DumpText.table(expiryRows)

        text += "\nlive log segments, per command:\n"
        var logRows = [["command", "records", "effects", "bytes"]]
        for command in report.commands + [report.logTotal] {
            logRows.append([command.command, String(command.records), String(command.effects), String(command.bytes)])
        }
        text += DumpText.table(logRows)

        if let snapshot = report.snapshot {
            text += "\nsnapshot \(DumpText.name(snapshot.path)): \(snapshot.fileBytes) bytes\n"
        } else {
            text += "\nsnapshot: none\n"
        }
        return text
    }

    private static func renderJSON(_ report: Report) -> String {
        func counts(_ counts: DatabaseCounts) -> [(String, JSONValue)] {
            zip(typeNames, counts.byType).map { ($0, .int(Int64($1))) }
                + [("total", .int(Int64(counts.total))), ("expires", .int(Int64(counts.expires)))]
        }
        let databases: [JSONValue] = report.databases.map { database, values in
            .object([("db", .int(Int64(database)))] + counts(values))
        }
        let largest: [JSONValue] = report.largest.map { key in
            .object([("db", .int(Int64(key.database))), ("key", .bytes(key.key)), ("type", .string(key.type)),
                     ("bytes", .int(Int64(key.bytes))), ("elements", .int(Int64(key.elements)))])
        }
        let expiry = JSONValue.object(ExpiryBucket.allCases.map { ($0.jsonName, .int(Int64(report.expiry[$0] ?? 0))) })
        func command(_ command: CommandBytes) -> [(String, JSONValue)] {
            [("records", .int(Int64(command.records))), ("effects", .int(Int64(command.effects))),
             ("bytes", .int(Int64(command.bytes)))]
        }
        let log = JSONValue.object([
            ("commands", .array(report.commands.map { .object([("command", .string($0.command))] + command($0)) })),
        ] + command(report.logTotal))
        let snapshot: JSONValue = report.snapshot.map { snapshot in
            .object([("file", .string(DumpText.name(snapshot.path))), ("bytes", .int(snapshot.fileBytes))])
        } ?? .null
        return JSONValue.object([("directory", .string(report.path))] + PointOption.jsonFields(report.state) + [
            ("keys", .object(counts(report.totals))), ("databases", .array(databases)), ("largest", .array(largest)),
            ("expiry", expiry), ("log", log), ("snapshot", snapshot),
        ]).text + "\n"
    }
}
