/// One thing salvage dropped, and where it was.
public struct SalvageLoss: Sendable, Equatable {
    public enum What: Sendable, Equatable {
        /// Log records, by number.
        case records(ClosedRange<UInt64>)
        /// A snapshot key whose record ran into damage.
        case key(database: Int, key: Bytes)
        /// Snapshot keys the trailer counts that could not be read or named.
        case unnamedKeys(UInt64)
        /// Snapshot damage that cost no key it could count (a missing trailer).
        case snapshotDamage
        /// The whole state a missing snapshot held (the state after this record).
        case snapshot(UInt64)
        /// Bytes at the end of the log in which no record reads (how many
        /// records they held is unknown).
        case unreadable
    }

    public var what: What
    public var file: String
    public var offset: Int
    public var reason: String

    public init(what: What, file: String, offset: Int, reason: String) {
        self.what = what
        self.file = file
        self.offset = offset
        self.reason = reason
    }
}

/// What `Salvage.load` rebuilt from a damaged data directory.
public struct SalvagedState {
    public var engine: Engine
    /// The last record applied (or the snapshot's).
    public var sequence: UInt64 = 0
    public var timeMilliseconds: Int64?
    public var snapshotKeys: UInt64 = 0
    public var recordsApplied = 0
    public var losses: [SalvageLoss] = []
    /// What was mended without loss (a MANIFEST rebuilt from the files).
    public var notes: [String] = []
}

/// Reads everything a damaged data directory still holds, for `cairn-dump
/// repair --salvage`: the snapshot past its damaged blocks
/// (`SnapshotSalvage`), then every log record that reads whole and
/// applies, reading on after damage at the next valid frame
/// (`RecordFrame.nextValidFrame`), through the scanner recovery uses. A
/// torn tail at the end is dropped, as recovery drops it. Every record,
/// key or stretch given up is in `losses`. Read-only.
public enum Salvage {
    public static func load(_ path: String, fileIO: any FileIO = PosixFileIO(),
                            configuration: EngineConfiguration = EngineConfiguration()) throws(StorageError) -> SalvagedState {
        var state = SalvagedState(engine: Engine(configuration: configuration))
        let names = try storageIO { () throws(IOError) in try fileIO.listDirectory(path) }.sorted()
        var manifest: Manifest?
        do throws(StorageError) {
            manifest = try Manifest.read(inDirectory: path, fileIO: fileIO)
        } catch {
            guard case .corruption(_, _, let reason) = error else { throw error }
            state.notes.append("the MANIFEST is unreadable (\(reason)): the newest snapshot and the segments on disk are read instead")
        }
        let snapshotName = manifest.map { $0.snapshot }
            ?? names.last { DataDirectory.sequence(ofSnapshotNamed: $0) != nil }
        if let snapshotName { try loadSnapshot(snapshotName, directory: path, fileIO: fileIO, into: &state) }
        let segments = manifest.map { listed in
            listed.segments.map { DataDirectory.Segment(path: DataDirectory.join(path, $0),
                                                        firstSequence: DataDirectory.firstSequence(ofSegmentNamed: $0) ?? 0) }
        } ?? DataDirectory.segments(inDirectory: path, among: names)
        var unreadEnd: (file: String, offset: Int, reason: String)?
        for segment in segments where fileIO.fileExists(segment.path) {
            if segment.firstSequence > state.sequence + 1 {
                let why = unreadEnd.map { "\($0.reason) at offset \($0.offset) of \($0.file), and " } ?? ""
                state.losses.append(SalvageLoss(
                    what: .records(state.sequence + 1...segment.firstSequence - 1), file: segment.path, offset: 0,
                    reason: why + "no readable segment holds them (this one starts at record \(segment.firstSequence))"))
                state.sequence = segment.firstSequence - 1
            } else if let end = unreadEnd {
                state.notes.append("\(end.file): from offset \(end.offset) on no record reads (\(end.reason)); "
                    + "the next segment goes on at record \(segment.firstSequence), so nothing is lost")
            }
            unreadEnd = try readSegment(segment.path, isLast: segment == segments.last, fileIO: fileIO, into: &state)
        }
        let sealed = manifest?.durableThrough ?? 0
        if let end = unreadEnd {
            state.losses.append(SalvageLoss(
                what: sealed > state.sequence ? .records(state.sequence + 1...sealed) : .unreadable, file: end.file, offset: end.offset,
                reason: end.reason + (sealed > state.sequence ? "; the log was sealed as durable through record \(sealed)" : "; no record reads after it")))
        } else if sealed > state.sequence {
            state.losses.append(SalvageLoss(
                what: .records(state.sequence + 1...sealed), file: DataDirectory.join(path, Manifest.fileName), offset: 0,
                reason: "the MANIFEST seals the log as durable through record \(sealed), but no segment holds these"))
        }
        return state
    }

    /// The snapshot `name`, as much of it as reads.
    private static func loadSnapshot(_ name: String, directory: String, fileIO: any FileIO,
                                     into state: inout SalvagedState) throws(StorageError) {
        let file = DataDirectory.join(directory, name)
        let nameSequence = DataDirectory.sequence(ofSnapshotNamed: name) ?? 0
        guard fileIO.fileExists(file) else {
            state.losses.append(SalvageLoss(what: .snapshot(nameSequence), file: file, offset: 0,
                                            reason: "the snapshot is missing: the state after record \(nameSequence) it held is lost"))
            state.sequence = nameSequence
            return
        }
        let keyspace = state.engine.keyspace
        let salvaged = try SnapshotSalvage.read(path: file, fileIO: fileIO, limits: keyspace.limits) { entry in
            Recovery.insert(entry, into: keyspace)
        }
        state.sequence = salvaged.header?.sequence ?? nameSequence
        state.timeMilliseconds = salvaged.header?.createdMilliseconds
        state.snapshotKeys = salvaged.keysRead
        if salvaged.header == nil {
            state.notes.append("\(file): the header is damaged; the snapshot is taken to hold the state after record \(nameSequence), as its name says")
        }
        var named: UInt64 = 0
        for damage in salvaged.damage {
            if let lost = damage.lostKey {
                named += 1
                state.losses.append(SalvageLoss(what: .key(database: lost.database, key: lost.key), file: file,
                                                offset: damage.offset, reason: damage.reason))
            } else {
                state.losses.append(SalvageLoss(what: .snapshotDamage, file: file, offset: damage.offset, reason: damage.reason))
            }
        }
        if let lost = salvaged.keysLost, lost > named {
            state.losses.append(SalvageLoss(what: .unnamedKeys(lost - named), file: file, offset: salvaged.damage.first?.offset ?? 0,
                                            reason: "the trailer counts \(salvaged.trailerKeyCount ?? 0) keys; \(salvaged.keysRead) were read"))
        }
    }

    /// Applies every record of the segment at `path` that reads whole and
    /// applies, reading on after damage; returns where reading gave up
    /// with nothing readable after it (nil: it reached the end).
    private static func readSegment(_ path: String, isLast: Bool, fileIO: any FileIO,
                                    into state: inout SalvagedState) throws(StorageError) -> (file: String, offset: Int, reason: String)? {
        let bytes = try storageIO { () throws(IOError) in try fileIO.readFile(path) }
        var offset = SegmentHeader.byteCount
        if let defect = (try? SegmentHeader(decoding: bytes)) == nil ? "the segment header is damaged" : nil {
            state.notes.append("\(path): \(defect); its records are read by their frames")
        }
        let engine = state.engine
        while true {
            var losses: [SalvageLoss] = []
            var applied = 0
            var lastTime = state.timeMilliseconds
            let scan = try SegmentScanner.scanRest(bytes, path: path, from: offset, after: state.sequence) { record in
                do throws(ReplayError) {
                    try engine.replay(record.effects)
                    applied += 1
                    lastTime = record.timestampMilliseconds
                } catch {
                    losses.append(SalvageLoss(what: .records(record.sequences), file: path, offset: record.frameOffset,
                                              reason: "the record does not apply to the salvaged state: \(error.description)"))
                }
            }
            state.losses += losses
            state.recordsApplied += applied
            state.timeMilliseconds = lastTime
            state.sequence = scan.lastSequence
            switch scan.ending {
            case .clean, .zeroFilled, .reachedLimit:
                return nil
            case .tornTail(let at, let reason, let dropped, _) where isLast:
                state.losses.append(SalvageLoss(what: .records(dropped), file: path, offset: at,
                                                reason: "a torn tail (\(reason)): never synced, as recovery drops it"))
                return nil
            case .tornTail(let at, let reason, _, _), .corrupt(let at, let reason):
                guard let frame = RecordFrame.nextValidFrame(in: bytes, from: at + 1, expectedSequence: state.sequence + 1) else {
                    return (path, at, reason)
                }
                if frame.sequence > state.sequence + 1 {
                    state.losses.append(SalvageLoss(what: .records(state.sequence + 1...frame.sequence - 1), file: path, offset: at,
                                                    reason: "\(reason); reading on at record \(frame.sequence), offset \(frame.frameOffset)"))
                    state.sequence = frame.sequence - 1
                }
                offset = frame.frameOffset
            }
        }
    }
}
