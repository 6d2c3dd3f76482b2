import Synchronization

/// When the log makes appended records durable (Redis's `appendfsync`).
public enum FsyncPolicy: Sendable, Equatable {
    /// Every flush `fdatasync`s: a write is acknowledged only once durable.
    case always
    /// A flush syncs when the last sync is a second old or more.
    case everySecond
    /// Never sync (the OS flushes): survives a process crash, not power loss.
    case no
}

/// Tunables of the log.
public struct LogConfiguration: Sendable {
    /// A segment is closed (synced) and a new one started when the next
    /// frame would take it past this size. A single larger record still
    /// gets a segment of its own.
    public var segmentSizeLimit: Int = 64 * 1024 * 1024
    /// The largest record payload, as the reader accepts it.
    public var maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes
    /// How often `appendfsync everysec` syncs (Redis: one second). Tests
    /// shorten it rather than sleep.
    public var syncInterval: Duration = .seconds(1)
    /// Recovery drops a torn tail past the sealed point and opens (Redis's
    /// `aof-load-truncated yes`, the default); false refuses to open
    /// instead (`StorageError.tornTailRefused`). Loss below the seal is
    /// refused either way.
    public var acceptsTornTail = true
    /// Space is reserved (`fallocate`) in steps of this many bytes (at most
    /// the segment size limit): a new segment gets one step, a segment whose
    /// free reserved space runs short gets another.
    public var reservationStepBytes: Int = 4 * 1024 * 1024
    /// A write command runs only while at least this much reserved space
    /// (plus its arguments' size) is free for its record: so a full disk
    /// refuses it before it changes anything (`LogWriter.reserve`).
    public var writeHeadroomBytes: Int = 64 * 1024

    public init(segmentSizeLimit: Int = 64 * 1024 * 1024,
                maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes,
                syncInterval: Duration = .seconds(1), acceptsTornTail: Bool = true) {
        self.segmentSizeLimit = segmentSizeLimit
        self.maximumPayloadBytes = maximumPayloadBytes
        self.syncInterval = syncInterval
        self.acceptsTornTail = acceptsTornTail
    }
}

/// The write side of the log: numbers records, encodes them into a pending
/// buffer, writes the buffer at the segment's end, syncs per policy, and only
/// then raises `durableThrough`, the value later frames carry (docs/FORMAT.md).
///
/// Two threads drive it: the command thread `append`s (a short critical
/// section, no I/O) while the log thread (`GroupCommitLog`) `flush`es. The
/// numbering state lives behind `shared`, held only for moments; the open
/// segment lives behind `output`, held by one flusher for its whole write and
/// sync, so an append never waits for the disk.
///
/// Failures (docs/ARCHITECTURE.md, "Failures"): a failed sync, or any write
/// error other than running out of space, stops the writer for good
/// (`.failStopped`; nothing pending is reported durable). `ENOSPC`/`EDQUOT`
/// keeps the pending records and makes `flush` throw `.diskFull` until a
/// later `flush` manages to write them.
///
/// ```swift
/// let sequence = try writer.append(effects, timestampMilliseconds: now)
/// try writer.flush(.always)
/// assert(writer.durableThrough >= sequence)   // safe to reply
/// ```
public final class LogWriter: Sendable {
    /// Where the writer stands.
    public enum State: Sendable, Equatable {
        case writable
        /// Out of space; pending records wait for a retry.
        case diskFull(IOError)
        /// A sync or write failed; nothing more is accepted.
        case failed(IOError)
        case closed
    }

    /// Where recovery left the log: the writer continues from there.
    public struct Resume: Sendable, Equatable {
        public var lastSequence: UInt64
        /// The last segment and where its valid records end; nil when there
        /// is none (the first append creates one).
        public var segmentPath: String?
        public var segmentFirstSequence: UInt64
        public var segmentEndOffset: Int64
        public var segmentRecordCount: Int
        /// The live segments' file names, in order (what the MANIFEST lists).
        public var segmentNames: [String] = []
        /// Where each live segment's records end (its bytes of log).
        public var segmentByteCounts: [Int64] = []
        /// The snapshot the MANIFEST names: the log starts after it.
        public var snapshotName: String?
    }

    /// What appends and flushes share: numbers, the pending frames, the state.
    struct Shared: Sendable {
        var state: State = .writable
        var lastSequence: UInt64
        var writtenThrough: UInt64
        var durableThrough: UInt64
        /// Encoded records not yet written, in order.
        var pending: [PendingRecord] = []
        /// When the oldest written-but-unsynced record was written.
        var unsyncedSince: ContinuousClock.Instant?
        var lastSync = ContinuousClock.now
        var lateSyncs = 0
        var syncs = 0
        /// The current segment's reserved space; nil before it exists.
        var reservation: Reservation?
        /// A new segment must start at this record (`requestRotation`).
        var rotation: UInt64?
        /// Why the last requested rotation could not be made.
        var rotationError: StorageError?

        var pendingByteCount: Int64 { pending.reduce(0) { $0 + Int64($1.frame.count) } }
    }

    /// Allocated space in the current segment ahead of its records
    /// (docs/ARCHITECTURE.md, "Failures"): records are written into space
    /// reserved before they were accepted, so a full disk refuses a write
    /// before it runs, not after it changed memory.
    struct Reservation: Sendable {
        let handle: FileDescriptorHandle
        /// Where the records accepted so far (written or pending) end.
        var acceptedEnd: Int64
        /// The end of the allocated space.
        var reservedEnd: Int64
        var free: Int64 { reservedEnd - acceptedEnd }

        /// Allocates at least `step` more bytes, and enough that `free` is
        /// at least `byteCount`; nothing when it already is.
        mutating func grow(toFree byteCount: Int64, step: Int64, fileIO: any FileIO) throws(IOError) {
            let short = byteCount - free
            guard short > 0 else { return }
            let length = max(step, short)
            try fileIO.fallocate(handle, offset: reservedEnd, length: length)
            reservedEnd += length
        }
    }

    /// One record's frames, numbered `firstSequence...sequence` (several
    /// when it is split into parts; always written to one segment).
    struct PendingRecord: Sendable {
        var firstSequence: UInt64
        var sequence: UInt64
        var frame: Bytes
    }

    /// What only the flusher touches.
    struct Output: Sendable {
        var segment: SegmentWriter?
        /// The live segments' names, as the MANIFEST lists them.
        var liveSegments: [String]
        /// Where each live segment's records end; the current one's entry
        /// is brought up to date when it is finished.
        var segmentByteCounts: [Int64]
        /// The snapshot the MANIFEST names (`installSnapshot`).
        var snapshot: String?
    }

    public let directoryPath: String
    public let fileIO: any FileIO
    public let configuration: LogConfiguration
    let shared: Mutex<Shared>
    let output: Mutex<Output>

    public var state: State { shared.withLock { $0.state } }
    /// The highest sequence number given to a record.
    public var lastSequence: UInt64 { shared.withLock { $0.lastSequence } }
    /// The highest sequence number written to a segment (maybe not durable).
    public var writtenThrough: UInt64 { shared.withLock { $0.writtenThrough } }
    /// The highest sequence number known to be on stable storage.
    public var durableThrough: UInt64 { shared.withLock { $0.durableThrough } }
    /// `everysec` syncs made more than two intervals after the oldest record
    /// they covered was written (Redis's `aof_delayed_fsync`, for INFO).
    public var lateSyncs: Int { shared.withLock { $0.lateSyncs } }
    /// Record syncs made so far (group commit: fewer than the records).
    public var syncs: Int { shared.withLock { $0.syncs } }
    /// When an `everysec` sync of the written records falls due; nil when
    /// everything written is durable, or while the writer is not writable
    /// (a stopped or full log has nothing to time: the next flush retries).
    public var syncDeadline: ContinuousClock.Instant? {
        shared.withLock { shared in
            guard shared.state == .writable, shared.writtenThrough > shared.durableThrough else { return nil }
            return shared.lastSync + configuration.syncInterval
        }
    }

    /// A writer continuing the log recovery read (every recovered record is
    /// durable: recovery synced the last segment).
    public init(directory: DataDirectory, resume: Resume, configuration: LogConfiguration = LogConfiguration()) throws(StorageError) {
        directoryPath = directory.path
        fileIO = directory.fileIO
        self.configuration = configuration
        shared = Mutex(Shared(lastSequence: resume.lastSequence, writtenThrough: resume.lastSequence,
                              durableThrough: resume.lastSequence))
        var segment: SegmentWriter?
        if let path = resume.segmentPath {
            let resumed = try SegmentWriter.resume(path, firstSequence: resume.segmentFirstSequence,
                                                   endOffset: resume.segmentEndOffset,
                                                   recordCount: resume.segmentRecordCount, fileIO: directory.fileIO)
            // Zeros after the last record (preallocated) are reserved space.
            let size = (try? directory.fileIO.size(resumed.handle)) ?? resumed.endOffset
            shared.withLock {
                $0.reservation = Reservation(handle: resumed.handle, acceptedEnd: resumed.endOffset,
                                             reservedEnd: max(size, resumed.endOffset))
            }
            segment = resumed
        }
        var byteCounts = resume.segmentByteCounts
        if byteCounts.count != resume.segmentNames.count { byteCounts = resume.segmentNames.map { _ in 0 } }
        output = Mutex(Output(segment: segment, liveSegments: resume.segmentNames, segmentByteCounts: byteCounts,
                              snapshot: resume.snapshotName))
    }

    private var reservationStep: Int64 {
        Int64(max(RecordFrame.headerByteCount, min(configuration.reservationStepBytes, configuration.segmentSizeLimit)))
    }

    /// Makes sure `byteCount` bytes of reserved space are free for the next
    /// record, allocating more (`fallocate`, one step or more) when they are
    /// not, and creating the first segment if there is none. Called before a
    /// write command runs: when the space cannot be had it throws
    /// `.diskFull` and the command must not run (nothing changed). Also
    /// throws the writer's refusal (failed, closed).
    public func reserve(_ byteCount: Int) throws(StorageError) {
        let directoryPath = directoryPath
        // One lock on the usual path: the space is there.
        let needsSegment = try shared.withLock { (shared) throws(StorageError) -> Bool? in
            switch shared.state {
            case .failed(let error): throw .failStopped(cause: error)
            case .closed: throw .closed(directory: directoryPath)
            case .writable, .diskFull: break
            }
            guard let reservation = shared.reservation else { return true }
            return reservation.free >= Int64(byteCount) ? nil : false
        }
        guard let needsSegment else { return }
        if needsSegment {
            // A new log (`DurableEngine.open` reserves 0 bytes to create its
            // first segment), or one whose first segment found no space: the
            // log thread has nothing to write, so this does not wait for it.
            try output.withLock { (output) throws(StorageError) in
                if output.segment == nil { try startSegment(&output, firstSequence: writtenThrough + 1) }
            }
        }
        let step = reservationStep
        let fileIO = fileIO
        try shared.withLock { (shared) throws(StorageError) in
            guard var reservation = shared.reservation else { return }
            do throws(IOError) {
                // Under the lock: a rotation cannot close the handle meanwhile.
                try reservation.grow(toFree: Int64(byteCount), step: step, fileIO: fileIO)
            } catch {
                throw error.isOutOfSpace ? .diskFull(error) : .io(error)
            }
            shared.reservation = reservation
        }
    }

    /// The error a write would get now, or nil when the writer accepts writes.
    public var refusal: StorageError? {
        switch state {
        case .writable: nil
        case .diskFull(let error): .diskFull(error)
        case .failed(let error): .failStopped(cause: error)
        case .closed: .closed(directory: directoryPath)
        }
    }

    /// Numbers `effects` as the next record and adds its frames to the
    /// pending buffer (no I/O). A record of any size is taken: one longer
    /// than `maximumPayloadBytes` becomes several part frames, one number
    /// each (docs/FORMAT.md, "Long records"); the number returned is the
    /// last one's, which its reply waits for. Accepted while the disk is
    /// full (the record waits with the others); refused once the writer
    /// failed or closed.
    @discardableResult
    public func append(_ effects: [Effect], timestampMilliseconds: Int64) throws(StorageError) -> UInt64 {
        let directoryPath = directoryPath
        let maximumPayloadBytes = configuration.maximumPayloadBytes
        return try shared.withLock { (shared) throws(StorageError) -> UInt64 in
            switch shared.state {
            case .failed(let error): throw .failStopped(cause: error)
            case .closed: throw .closed(directory: directoryPath)
            case .writable, .diskFull: break
            }
            let first = shared.lastSequence + 1
            var frame: Bytes = []
            let count: Int
            do throws(RecordEncodingError) {
                count = try RecordFrame.append(effects, sequence: first, durableThrough: shared.durableThrough,
                                               timestampMilliseconds: timestampMilliseconds, to: &frame,
                                               maximumPayloadBytes: maximumPayloadBytes)
            } catch {
                throw .unencodable(error)
            }
            let last = first + UInt64(count - 1)
            if var reservation = shared.reservation {
                // A record longer than what `reserve` made sure of (its
                // command grew past its arguments and the headroom): try to
                // reserve the rest now; if even that fails, the write hits
                // ENOSPC in `flush` and waits as before (known limit).
                reservation.acceptedEnd += Int64(frame.count)
                try? reservation.grow(toFree: 0, step: reservationStep, fileIO: fileIO)
                shared.reservation = reservation
            }
            shared.pending.append(PendingRecord(firstSequence: first, sequence: last, frame: frame))
            shared.lastSequence = last
            return last
        }
    }

    /// Writes every pending record and syncs per `policy`; afterwards, under
    /// `.always`, `durableThrough` covers every record appended before the
    /// call. While the disk is full this is the retry. Appends made while it
    /// runs wait for the next flush (that is the group commit).
    public func flush(_ policy: FsyncPolicy) throws(StorageError) {
        try output.withLock { (output) throws(StorageError) in
            let batch = try takePending()
            do throws(StorageError) {
                var remaining = batch[...]
                defer { restore(remaining) }
                if let boundary = shared.withLock({ $0.rotation }) {
                    try write(&remaining, into: &output, before: boundary)
                    if remaining.first.map({ $0.firstSequence >= boundary }) ?? true { rotate(&output, at: boundary) }
                }
                try write(&remaining, into: &output)
                shared.withLock { shared in
                    if case .diskFull = shared.state { shared.state = .writable }
                }
                if let segment = output.segment, syncDue(policy) {
                    try segment.sync(fileIO: fileIO)
                    markSynced(timed: policy == .everySecond)
                }
                try rotateIfFull(&output)
            } catch {
                record(error)
                throw error
            }
        }
    }

    /// Releases the segment. Records still pending (only possible after a
    /// failure, or under a policy that did not flush) are dropped, never
    /// reported durable.
    public func close() {
        output.withLock { output in
            output.segment?.close(fileIO: fileIO)
            output.segment = nil
        }
        shared.withLock { shared in
            shared.state = .closed
            shared.pending = []
            shared.reservation = nil
        }
    }

    /// Where the next frame will be written in the current segment (tests).
    var segmentEndOffsetForTesting: Int64 { output.withLock { $0.segment?.endOffset ?? 0 } }

    // MARK: Writing

    private func takePending() throws(StorageError) -> [PendingRecord] {
        let directoryPath = directoryPath
        return try shared.withLock { (shared) throws(StorageError) -> [PendingRecord] in
            switch shared.state {
            case .failed(let error): throw .failStopped(cause: error)
            case .closed: throw .closed(directory: directoryPath)
            case .writable, .diskFull: break
            }
            let batch = shared.pending
            shared.pending = []
            return batch
        }
    }

    /// Puts records a failed write left back in front of the ones appended since.
    private func restore(_ remaining: ArraySlice<PendingRecord>) {
        guard !remaining.isEmpty else { return }
        shared.withLock { shared in shared.pending = Array(remaining) + shared.pending }
    }

    private func syncDue(_ policy: FsyncPolicy) -> Bool {
        let interval = configuration.syncInterval
        return shared.withLock { shared in
            guard shared.durableThrough < shared.writtenThrough else { return false }
            switch policy {
            case .always: return true
            case .everySecond: return ContinuousClock.now - shared.lastSync >= interval
            case .no: return false
            }
        }
    }

    /// Everything written is durable: raise `durableThrough`. A `timed`
    /// (`everysec`) sync is late when its oldest record waited more than two
    /// intervals.
    private func markSynced(timed: Bool) {
        let interval = configuration.syncInterval
        shared.withLock { shared in
            let now = ContinuousClock.now
            if timed, let since = shared.unsyncedSince, now - since > interval * 2 { shared.lateSyncs += 1 }
            shared.unsyncedSince = nil
            shared.syncs += 1
            shared.lastSync = now
            shared.durableThrough = shared.writtenThrough
        }
    }

    private func record(_ error: StorageError) {
        shared.withLock { shared in
            switch error {
            case .diskFull(let cause): shared.state = .diskFull(cause)
            case .failStopped(let cause): shared.state = .failed(cause)
            case .io(let cause): shared.state = .failed(cause)
            default: break
            }
        }
    }

    /// Writes the frames into the current segment, where they were
    /// reserved (one write); `frames` keeps what was not written.
    private func write(_ frames: inout ArraySlice<PendingRecord>,
                       into output: inout Output, before boundary: UInt64? = nil) throws(StorageError) {
        while let first = frames.first, boundary.map({ first.sequence < $0 }) ?? true {
            if output.segment == nil {
                // Records appended without a `reserve` first (expiry
                // deletions of a new log): the segment starts here.
                try startSegment(&output, firstSequence: first.firstSequence)
            }
            guard var current = output.segment else { return }
            let count = boundary.map { limit in frames.prefix { $0.sequence < limit }.count } ?? frames.count
            var batch: Bytes = []
            for record in frames.prefix(count) { batch += record.frame }
            try current.write(batch, recordCount: count, fileIO: fileIO)
            output.segment = current
            let end = current.endOffset
            let written = frames[frames.startIndex + count - 1].sequence
            shared.withLock { shared in
                // Records written without a reservation (see above) used space too.
                if let reservation = shared.reservation, reservation.acceptedEnd < end { shared.reservation?.acceptedEnd = end }
                shared.writtenThrough = written
                if shared.unsyncedSince == nil { shared.unsyncedSince = ContinuousClock.now }
            }
            frames.removeFirst(count)
        }
    }

    /// Once the current segment's records reach the size limit: finishes it
    /// (synced, whatever the policy: a reader trusts every record of a
    /// segment that is not the last) and starts the next one, with its own
    /// reserved space, for the records pending and to come (the next one is
    /// `writtenThrough + 1`: only this flusher writes). Out of space for the
    /// new segment is no error: the current one goes on, its reservation
    /// growing by steps, and a later flush tries again.
    private func rotateIfFull(_ output: inout Output) throws(StorageError) {
        guard let current = output.segment, current.recordCount > 0,
              current.endOffset >= Int64(configuration.segmentSizeLimit) else { return }
        try current.sync(fileIO: fileIO)
        markSynced(timed: false)
        var next = output
        do throws(StorageError) {
            try startSegment(&next, firstSequence: writtenThrough + 1)
        } catch {
            if case .diskFull = error { return }
            throw error
        }
        output = next
        retire(current)
    }

    /// The old segment's unused reserved tail is given back (a reader
    /// never looks past its last record, so no sync is needed).
    private func retire(_ segment: SegmentWriter) {
        try? fileIO.truncate(segment.handle, to: segment.endOffset)
        segment.close(fileIO: fileIO)
    }

    /// A requested rotation (`requestRotation`), once every record before
    /// `boundary` is written: the current segment is synced and finished,
    /// and the next one starts at `boundary`, whatever the sizes. When it
    /// cannot be made (no space, an I/O error), the log goes on in the
    /// current segment and the error waits for the requester (its rewrite
    /// fails; writes do not).
    private func rotate(_ output: inout Output, at boundary: UInt64) {
        guard writtenThrough == boundary - 1 else {
            // Records after the boundary were written (the request was given up): too late.
            if writtenThrough >= boundary { shared.withLock { if $0.rotation == boundary { $0.rotation = nil } } }
            return
        }
        do throws(StorageError) {
            if let current = output.segment {
                if current.firstSequence != boundary {
                    try current.sync(fileIO: fileIO)
                    markSynced(timed: false)
                    var next = output
                    try startSegment(&next, firstSequence: boundary)
                    output = next
                    retire(current)
                }
            } else {
                try startSegment(&output, firstSequence: boundary)
            }
            shared.withLock { $0.rotation = nil }
        } catch {
            shared.withLock { shared in
                shared.rotation = nil
                shared.rotationError = error
            }
        }
    }

    /// Creates the segment whose first record is `firstSequence` (header and
    /// directory synced, `reservationStepBytes` allocated), then publishes a
    /// MANIFEST that lists it and seals the log up to `durableThrough` (at a
    /// rotation: the previous segment's last record, just synced). Created
    /// before it is listed, so a listed segment always existed: one missing
    /// later was lost, never "not yet created". A crash in between leaves an
    /// unlisted file holding no record (recovery leaves it alone; a retry
    /// replaces it). No record goes in before the MANIFEST lists it. Then the
    /// reservation moves to it, covering the records pending.
    private func startSegment(_ output: inout Output, firstSequence: UInt64) throws(StorageError) {
        let name = DataDirectory.segmentName(firstSequence: firstSequence)
        var live = output.liveSegments
        var byteCounts = output.segmentByteCounts
        if let current = output.segment, !byteCounts.isEmpty { byteCounts[byteCounts.count - 1] = current.endOffset }
        if live.last != name {  // a retry after a failed publish lists it once
            live.append(name)
            byteCounts.append(Int64(SegmentHeader.byteCount))
        }
        let step = reservationStep
        let segment = try SegmentWriter.create(inDirectory: directoryPath, firstSequence: firstSequence,
                                               reservingBytes: step, fileIO: fileIO)
        do throws(StorageError) {
            try publishManifest(snapshot: output.snapshot, segments: live)
        } catch {
            segment.close(fileIO: fileIO)
            throw error
        }
        output.liveSegments = live
        output.segmentByteCounts = byteCounts
        output.segment = segment
        let fileIO = fileIO
        shared.withLock { shared in
            var reservation = Reservation(handle: segment.handle, acceptedEnd: segment.endOffset + shared.pendingByteCount,
                                          reservedEnd: max(step, segment.endOffset))
            // More pending than one step: reserve the rest, or let the write
            // meet ENOSPC (and wait) if even that fails.
            try? reservation.grow(toFree: 0, step: step, fileIO: fileIO)
            shared.reservation = reservation
        }
    }

    func publishManifest(snapshot: String?, segments: [String]) throws(StorageError) {
        try Manifest(snapshot: snapshot, durableThrough: durableThrough, segments: segments)
            .publish(inDirectory: directoryPath, fileIO: fileIO)
    }

    /// Seals the log: publishes a MANIFEST whose durable-through is the last
    /// record synced, so recovery refuses a log that later ends below it
    /// (lost synced records) instead of reading the loss as a torn tail.
    /// `DurableEngine.close` calls it after its final sync. Nothing to do
    /// before the first segment exists.
    public func seal() throws(StorageError) {
        try output.withLock { (output) throws(StorageError) in
            guard !output.liveSegments.isEmpty else { return }
            try publishManifest(snapshot: output.snapshot, segments: output.liveSegments)
        }
    }
}
