import Cairn
import CairnTestSupport
import Synchronization
import Testing

/// A `FileIO` that forwards to a simulated file system and, before a seeded
/// share of its calls, takes a power-cut copy of it: crash points in the
/// middle of a write, between a write and its sync, during a segment's
/// creation, not only between commands.
final class CrashPointFileIO: FileIO {
    /// A captured crash point: the machine after the cut, the seed of the
    /// cut, and how many records had been acknowledged when it was taken.
    struct CrashPoint {
        let fileSystem: SimulatedFileSystem
        let seed: UInt64
        let acknowledged: UInt64
        let call: String
    }

    private struct State {
        var random: RandomSource
        var oneIn: Int
        var acknowledged: UInt64 = 0
        var captured: [CrashPoint] = []
    }

    let base: SimulatedFileSystem
    private let state: Mutex<State>

    init(_ base: SimulatedFileSystem, seed: UInt64, captureOneIn: Int) {
        self.base = base
        state = Mutex(State(random: RandomSource(seed: seed), oneIn: captureOneIn))
    }

    /// Records acknowledged so far (the test sets it after each return).
    func acknowledge(through sequence: UInt64) { state.withLock { $0.acknowledged = sequence } }

    /// Stops capturing (for the clean-up after the workload).
    func stopCapturing() { state.withLock { $0.oneIn = 0 } }

    /// Captures before one in `oneIn` calls from now on (1: every call).
    func capture(oneIn: Int) { state.withLock { $0.oneIn = oneIn } }

    /// The crash points captured since the last call.
    func takeCrashPoints() -> [CrashPoint] {
        state.withLock { state in
            defer { state.captured.removeAll() }
            return state.captured
        }
    }

    private func maybeCapture(_ call: String) {
        state.withLock { state in
            guard state.oneIn > 0, Int.random(in: 0..<state.oneIn, using: &state.random) == 0 else { return }
            let seed = state.random.next()
            state.captured.append(CrashPoint(fileSystem: base.crashedCopy(seed: seed), seed: seed,
                                             acknowledged: state.acknowledged, call: call))
        }
    }

    func open(_ path: String, _ access: FileAccess, options: FileOpenOptions) throws(IOError) -> FileDescriptorHandle {
        maybeCapture("open \(path)")
        return try base.open(path, access, options: options)
    }

    func pwrite(_ handle: FileDescriptorHandle, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        maybeCapture("pwrite \(handle.path) at \(offset)")
        let written = try base.pwrite(handle, bytes, at: offset)
        maybeCapture("after pwrite \(handle.path) at \(offset)")
        return written
    }

    func pread(_ handle: FileDescriptorHandle, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(IOError) -> Int {
        try base.pread(handle, into: buffer, at: offset)
    }

    func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) {
        maybeCapture("fdatasync \(handle.path)")
        try base.fdatasync(handle)
    }

    func fsync(_ handle: FileDescriptorHandle) throws(IOError) {
        maybeCapture("fsync \(handle.path)")
        try base.fsync(handle)
    }

    func fallocate(_ handle: FileDescriptorHandle, offset: Int64, length: Int64) throws(IOError) {
        try base.fallocate(handle, offset: offset, length: length)
    }

    func truncate(_ handle: FileDescriptorHandle, to length: Int64) throws(IOError) {
        maybeCapture("truncate \(handle.path)")
        try base.truncate(handle, to: length)
    }

    func size(_ handle: FileDescriptorHandle) throws(IOError) -> Int64 { try base.size(handle) }

    func close(_ handle: FileDescriptorHandle) throws(IOError) { try base.close(handle) }

    func rename(_ source: String, to destination: String) throws(IOError) {
        maybeCapture("rename \(source)")
        try base.rename(source, to: destination)
    }

    func unlink(_ path: String) throws(IOError) {
        maybeCapture("unlink \(path)")
        try base.unlink(path)
    }

    func syncDirectory(_ path: String) throws(IOError) {
        maybeCapture("syncDirectory \(path)")
        try base.syncDirectory(path)
    }

    func listDirectory(_ path: String) throws(IOError) -> [String] { try base.listDirectory(path) }

    func makeDirectory(_ path: String) throws(IOError) { try base.makeDirectory(path) }

    func fileExists(_ path: String) -> Bool { base.fileExists(path) }

    func lockExclusive(_ handle: FileDescriptorHandle) throws(IOError) { try base.lockExclusive(handle) }
}

extension DurableEngine {
    /// The last step of every power-cut check: a write on the engine that
    /// recovered (after a full rewrite when `rewriteFirst`) gets the next
    /// sequence number and survives closing and `reopen`, with the same
    /// state. Closes this engine.
    func expectAWriteAfterRecoverySurvives(rewriteFirst: Bool = false, context: String,
                                           reopen: () throws -> DurableEngine) throws {
        let last = recovery.lastSequence
        var session = Session()
        _ = try execute([Array("SET".utf8), Array("after-crash".utf8), Array("1".utf8)], session: &session)
        #expect(writer.lastSequence == last + 1, "\(context): the new write reused or skipped a number")
        if rewriteFirst { try rewrite() }
        let digest = engine.digest()
        try close()
        let again = try reopen()
        #expect(again.recovery.lastSequence == last + 1, "\(context): the write after recovery was lost")
        #expect(again.engine.digest() == digest, "\(context)")
        try again.close()
    }
}
