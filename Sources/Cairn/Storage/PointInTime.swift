/// The state of a data directory as of a point of its history, built
/// read-only (no LOCK, nothing written to it): the snapshot the MANIFEST
/// names, then the log's records up to the point, through the same
/// scanners recovery uses. `cairn-dump export`, `restore` and `digest`
/// stand on it; `PointInTime.write` makes a new data directory of a state.
///
/// ```swift
/// let state = try PointInTime.load("/data", until: .sequence(1200))
/// try PointInTime.write(state, to: "/restored")   // cairn-server --dir /restored opens it
/// ```
public enum PointInTime {
    /// Where history stops.
    public enum Limit: Sendable, Equatable {
        /// Every record the directory holds whole.
        case end
        /// Records up to and including number N. A record holding several
        /// numbers (a transaction) is applied whole or not at all.
        case sequence(UInt64)
        /// Records logged at or before this time, Unix milliseconds.
        case time(Int64)
    }

    /// A state and where in the history it stands.
    public struct State {
        public var engine: Engine
        /// The last record applied (the snapshot's, if none after it was).
        public var sequence: UInt64
        /// When that record was logged (the snapshot taken), Unix ms; nil for an empty history.
        public var timeMilliseconds: Int64?
        /// The record the snapshot holds the state after (0: no snapshot).
        public var snapshotSequence: UInt64
        public var recordsApplied: Int
        /// A torn tail at the end of the log (its records are not applied).
        public var tornTail: ScanFinding?
    }

    /// Builds the state as of `limit`. Throws `.corruption` for what
    /// recovery would refuse, `.pointNotHeld` when the point lies before the
    /// oldest state the directory holds (the snapshot's) or, for a record
    /// number, after the last record it holds whole. A time past the last
    /// record gives the end: `State.sequence` says where it stands.
    public static func load(
        _ path: String, until limit: Limit = .end, fileIO: any FileIO = PosixFileIO(),
        configuration: EngineConfiguration = EngineConfiguration()
    ) throws(StorageError) -> State {
        let verified = try DirectoryScanner.scan(path, fileIO: fileIO)
        if let corrupt = verified.findings.first(where: { $0.kind == .corrupt }) {
            throw .corruption(file: corrupt.file, offset: corrupt.offset, reason: corrupt.reason)
        }
        let engine = Engine(configuration: configuration)
        var state = State(engine: engine, sequence: 0, timeMilliseconds: nil, snapshotSequence: 0, recordsApplied: 0,
                          tornTail: verified.findings.first)
        if let name = verified.manifest?.snapshot {
            var report = RecoveryReport()
            state.snapshotSequence = try Recovery.loadSnapshot(name, directory: path, fileIO: fileIO, engine: engine, report: &report)
            state.sequence = state.snapshotSequence
            state.timeMilliseconds = verified.snapshot?.createdMilliseconds
        }
        switch limit {
        case .end: break
        case .sequence(let last) where last < state.snapshotSequence:
            throw .pointNotHeld(reason:
                "record \(last) is before the oldest state held: the snapshot holds the state after record \(state.snapshotSequence)")
        case .sequence(let last) where last > verified.lastSequence:
            throw .pointNotHeld(reason:
                "record \(last) is past the end of the log: the last record held whole is \(verified.lastSequence)")
        case .time(let time) where state.snapshotSequence > 0 && time < state.timeMilliseconds ?? .min:
            throw .pointNotHeld(reason:
                "that time is before the oldest state held: the snapshot was taken at \(state.timeMilliseconds ?? 0) ms")
        default: break
        }
        var reachedLimit = false
        for segment in verified.segments where !reachedLimit {
            let bytes = try storageIO { () throws(IOError) in try fileIO.readFile(segment.path) }
            _ = try SegmentScanner.scan(
                bytes, path: segment.path, nameFirstSequence: segment.headerFirstSequence ?? 1,
                after: state.sequence, until: nil, sealedThrough: 0
            ) { record throws(StorageError) in
                guard !reachedLimit else { return }
                switch limit {
                case .end: break
                case .sequence(let last): reachedLimit = record.sequences.upperBound > last
                case .time(let time): reachedLimit = record.timestampMilliseconds > time
                }
                guard !reachedLimit else { return }
                do throws(ReplayError) {
                    try engine.replay(record.effects)
                } catch {
                    throw .replayFailed(file: segment.path, offset: record.frameOffset, message: error.description)
                }
                state.sequence = record.sequences.upperBound
                state.timeMilliseconds = record.timestampMilliseconds
                state.recordsApplied += 1
            }
        }
        return state
    }

    /// Makes `path` (missing or empty) a data directory holding `state`: a
    /// snapshot of it as of its sequence number and a MANIFEST naming it,
    /// each synced, so a server opened there continues the numbering.
    /// Returns how many keys the snapshot holds.
    @discardableResult
    public static func write(_ state: State, to path: String, fileIO: any FileIO = PosixFileIO()) throws(StorageError) -> UInt64 {
        if fileIO.fileExists(path) {
            let names = try storageIO { () throws(IOError) in try fileIO.listDirectory(path) }
            guard names.isEmpty else {
                throw .io(IOError(.open, path: path, errno: .fileExists))
            }
        } else {
            try storageIO { () throws(IOError) in
                try fileIO.makeDirectory(path)
                try fileIO.syncDirectory(DataDirectory.parent(of: path))
            }
        }
        return try publish(state.engine, sequence: state.sequence, timeMilliseconds: state.timeMilliseconds,
                           in: path, fileIO: fileIO)
    }

    /// Writes a snapshot of `engine` as the state after record `sequence`
    /// into the directory `path` (`.tmp`, synced, renamed, the directory
    /// synced; a snapshot of that name is replaced), then a MANIFEST that
    /// names it and no segment, sealed through `sequence`. Returns how many
    /// keys it holds. What else is in the directory is the caller's.
    static func publish(_ engine: Engine, sequence: UInt64, timeMilliseconds: Int64?, in path: String,
                        fileIO: any FileIO) throws(StorageError) -> UInt64 {
        let name = DataDirectory.snapshotName(sequence: sequence)
        let final = DataDirectory.join(path, name)
        let temporary = final + DataDirectory.temporarySuffix
        let header = SnapshotHeader(sequence: sequence, createdMilliseconds: timeMilliseconds ?? 0)
        let file = try SnapshotFileWriter(path: temporary, header: header, fileIO: fileIO)
        // The rewrite's walk and encoding, run to its end here: nothing
        // changes the engine meanwhile, so no key is encoded ahead of it.
        var appendFailure: StorageError?
        let capture = SnapshotCapture(databases: engine.keyspace.databases, sequence: sequence,
                                      chunkBytes: DurableEngine.rewriteChunkBytes) { chunk in
            guard appendFailure == nil else { return [] }
            do throws(StorageError) { try file.append(chunk) } catch { appendFailure = error }
            return []
        }
        while !capture.step(until: .now + .seconds(3600)) {}
        do throws(StorageError) {
            if let appendFailure { throw appendFailure }
            try file.finish(keyCount: capture.keyCount)
            try storageIO { () throws(IOError) in
                try fileIO.rename(temporary, to: final)
                try fileIO.syncDirectory(path)
            }
        } catch {
            file.abandon()
            throw error
        }
        try Manifest(snapshot: name, durableThrough: sequence, segments: []).publish(inDirectory: path, fileIO: fileIO)
        return capture.keyCount
    }
}
