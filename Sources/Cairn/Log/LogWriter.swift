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

    public init(segmentSizeLimit: Int = 64 * 1024 * 1024,
                maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes) {
        self.segmentSizeLimit = segmentSizeLimit
        self.maximumPayloadBytes = maximumPayloadBytes
    }
}

/// The write side of the log: numbers records, encodes them into a pending
/// buffer, writes the buffer at the segment's end, syncs per policy, and only
/// then raises `durableThrough`, the value later frames carry (docs/FORMAT.md).
///
/// All of the writer's state lives in this one object, driven by one caller
/// at a time: today `DurableEngine` calls `append` then `flush` for each
/// write; the group-commit log thread will own it instead, calling `flush`
/// once per batch of appends.
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
public final class LogWriter {
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
    }

    public let directory: DataDirectory
    public let configuration: LogConfiguration
    public private(set) var state: State = .writable
    /// The highest sequence number given to a record.
    public private(set) var lastSequence: UInt64
    /// The highest sequence number written to a segment (maybe not durable).
    public private(set) var writtenThrough: UInt64
    /// The highest sequence number known to be on stable storage.
    public private(set) var durableThrough: UInt64

    private var segment: SegmentWriter?
    /// Encoded records not yet written, in order.
    private var pending: [(sequence: UInt64, frame: Bytes)] = []
    private var lastSync = ContinuousClock.now

    private var fileIO: any FileIO { directory.fileIO }

    /// A writer continuing the log recovery read (every recovered record is
    /// durable: recovery synced the last segment).
    public init(directory: DataDirectory, resume: Resume, configuration: LogConfiguration = LogConfiguration()) throws(StorageError) {
        self.directory = directory
        self.configuration = configuration
        lastSequence = resume.lastSequence
        writtenThrough = resume.lastSequence
        durableThrough = resume.lastSequence
        if let path = resume.segmentPath {
            segment = try SegmentWriter.resume(path, firstSequence: resume.segmentFirstSequence,
                                               endOffset: resume.segmentEndOffset,
                                               recordCount: resume.segmentRecordCount, fileIO: directory.fileIO)
        }
    }

    /// The error a write would get now, or nil when the writer accepts writes.
    public var refusal: StorageError? {
        switch state {
        case .writable: nil
        case .diskFull(let error): .diskFull(error)
        case .failed(let error): .failStopped(cause: error)
        case .closed: .closed(directory: directory.path)
        }
    }

    /// Numbers `effects` as the next record and adds its frame to the pending
    /// buffer (no I/O). Accepted while the disk is full (the record waits
    /// with the others); refused once the writer failed or closed.
    @discardableResult
    public func append(_ effects: [Effect], timestampMilliseconds: Int64) throws(StorageError) -> UInt64 {
        switch state {
        case .failed(let error): throw .failStopped(cause: error)
        case .closed: throw .closed(directory: directory.path)
        case .writable, .diskFull: break
        }
        let sequence = lastSequence + 1
        let frame: Bytes
        do throws(RecordEncodingError) {
            frame = try RecordFrame.encode(effects, sequence: sequence, durableThrough: durableThrough,
                                           timestampMilliseconds: timestampMilliseconds,
                                           maximumPayloadBytes: configuration.maximumPayloadBytes)
        } catch {
            throw .unencodable(error)
        }
        pending.append((sequence, frame))
        lastSequence = sequence
        return sequence
    }

    /// Writes every pending record and syncs per `policy`; afterwards, under
    /// `.always`, `durableThrough == lastSequence`. While the disk is full
    /// this is the retry.
    public func flush(_ policy: FsyncPolicy) throws(StorageError) {
        switch state {
        case .failed(let error): throw .failStopped(cause: error)
        case .closed: throw .closed(directory: directory.path)
        case .writable, .diskFull: break
        }
        do throws(StorageError) {
            try writePending()
            state = .writable
            let due = policy == .always || (policy == .everySecond && ContinuousClock.now - lastSync >= .seconds(1))
            if due, durableThrough < writtenThrough, let segment {
                try segment.sync(fileIO: fileIO)
                lastSync = ContinuousClock.now
                durableThrough = writtenThrough
            }
        } catch {
            record(error)
            throw error
        }
    }

    /// Releases the segment. Records still pending (only possible after a
    /// failure, or under a policy that did not flush) are dropped, never
    /// reported durable.
    public func close() {
        guard state != .closed else { return }
        segment?.close(fileIO: fileIO)
        segment = nil
        state = .closed
    }

    /// Where the next frame will be written in the current segment (tests).
    var segmentEndOffsetForTesting: Int64 { segment?.endOffset ?? 0 }

    // MARK: Writing

    private func record(_ error: StorageError) {
        switch error {
        case .diskFull(let cause): state = .diskFull(cause)
        case .failStopped(let cause): state = .failed(cause)
        case .io(let cause): state = .failed(cause)
        default: break
        }
    }

    /// Writes the pending frames, as few writes as the segment size limit
    /// allows, rotating to a new segment where it is reached.
    private func writePending() throws(StorageError) {
        while let first = pending.first {
            if segment == nil {
                segment = try SegmentWriter.create(in: directory, firstSequence: first.sequence)
            } else if let current = segment, current.recordCount > 0,
                      current.endOffset + Int64(first.frame.count) > Int64(configuration.segmentSizeLimit) {
                try rotate(to: first.sequence)
            }
            guard var current = segment else { return }
            var batch: Bytes = []
            var count = 0
            while count < pending.count {
                let frame = pending[count].frame
                if count > 0, current.endOffset + Int64(batch.count + frame.count) > Int64(configuration.segmentSizeLimit) { break }
                batch += frame
                count += 1
            }
            try current.write(batch, recordCount: count, fileIO: fileIO)
            segment = current
            writtenThrough = pending[count - 1].sequence
            pending.removeFirst(count)
        }
    }

    /// Finishes the current segment (synced, whatever the policy: a reader
    /// trusts every record of a segment that is not the last) and starts the
    /// one whose first record is `firstSequence`.
    private func rotate(to firstSequence: UInt64) throws(StorageError) {
        guard let current = segment else { return }
        try current.sync(fileIO: fileIO)
        durableThrough = writtenThrough
        lastSync = ContinuousClock.now
        current.close(fileIO: fileIO)
        segment = nil
        segment = try SegmentWriter.create(in: directory, firstSequence: firstSequence)
    }
}
