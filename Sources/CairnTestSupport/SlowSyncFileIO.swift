import Dispatch
import Foundation
import Synchronization
import Cairn

/// A `FileIO` whose `fdatasync` takes time (as a real disk's does) and can be
/// held shut, and which counts the syncs: for group-commit tests, where an
/// instant simulated sync would leave nothing to batch, and for server tests
/// that keep replies waiting for the log (`delay: .zero`, `hold()`).
public final class SlowSyncFileIO: ForwardingFileIO {
    public let base: any FileIO
    public let delay: Duration
    private let syncs = Mutex(0)
    private let held = Mutex(false)
    private let gate = DispatchSemaphore(value: 0)

    public init(_ base: any FileIO, delay: Duration = .milliseconds(2)) {
        self.base = base
        self.delay = delay
    }

    /// Successful `fdatasync` calls so far.
    public var syncCount: Int { syncs.withLock { $0 } }

    /// Until `open()`, every `fdatasync` blocks (for at most 10 s, so a
    /// broken test cannot hang).
    public func hold() { held.withLock { $0 = true } }

    public func release() {
        held.withLock { $0 = false }
        gate.signal()
    }

    public func fdatasync(_ handle: FileDescriptorHandle) throws(IOError) {
        if held.withLock({ $0 }) {
            if gate.wait(timeout: .now() + .seconds(10)) == .success { gate.signal() }
        }
        Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
        try base.fdatasync(handle)
        syncs.withLock { $0 += 1 }
    }
}
