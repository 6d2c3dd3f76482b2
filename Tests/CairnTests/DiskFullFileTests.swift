#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Cairn

/// A real full disk (issue 12, item 4): a 2 MiB tmpfs mounted for the test
/// (it allocates with `fallocate` and says ENOSPC as ext4 does). Writes are
/// refused before they run once no space can be reserved, reads go on, and
/// writes resume when space returns; nothing acknowledged is lost. Skipped,
/// with the reason, where the test may not mount (not root, no tmpfs).
@Suite struct DiskFullFileTests {
    static let mountPoint = "/tmp/cairn-disk-full-test"

    static func run(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Mounts a small tmpfs at `mountPoint`; false when this machine will not.
    static func mountSmallDisk() -> Bool {
        try? FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        _ = run(["umount", mountPoint])
        return run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint])
    }

    static let canMount: Bool = {
        let mounted = mountSmallDisk()
        if mounted { _ = run(["umount", mountPoint]) }
        return mounted
    }()

    static func argv(_ words: String...) -> [Bytes] { words.map { Array($0.utf8) } }

    @Test(.enabled(if: canMount, "needs to mount a tmpfs (root)"))
    func aFullDiskRefusesWritesBeforeTheyRunAndRecovers() throws {
        #expect(Self.mountSmallDisk())
        defer { _ = Self.run(["umount", Self.mountPoint]) }
        let directory = Self.mountPoint + "/data"
        let filler = Self.mountPoint + "/filler"
        var log = LogConfiguration(segmentSizeLimit: 256 * 1024)
        log.reservationStepBytes = 64 * 1024
        log.writeHeadroomBytes = 4096
        let open = { () throws -> DurableEngine in
            try DurableEngine.open(directory: directory, configuration: EngineConfiguration(clock: ManualClock(), randomSeed: 1),
                                   log: log)
        }
        let store = try open()
        var session = Session()
        // Most of the disk taken by something else.
        try Data(count: 1_700_000).write(to: URL(fileURLWithPath: filler))
        let value = String(repeating: "v", count: 1000)
        var acknowledged = 0
        var refusal: StorageError?
        for index in 0..<2000 {
            do {
                _ = try store.execute(Self.argv("SET", "key:\(index)", value), session: &session)
                acknowledged += 1
            } catch {
                refusal = error
                break
            }
        }
        guard case .diskFull(let cause)? = refusal else {
            Issue.record("expected disk full after \(acknowledged) writes, got \(String(describing: refusal))")
            return
        }
        #expect(acknowledged > 10)
        #expect(cause.errno == .noSpace && cause.operation == .fallocate && cause.path.hasPrefix(directory), "\(cause)")
        // Refused before it ran: not in memory, not logged.
        #expect(store.writer.lastSequence == UInt64(acknowledged))
        #expect(store.engine.execute("EXISTS", "key:\(acknowledged)") == .integer(0))
        // As large a write is refused again (a smaller one may still fit
        // the space left in the reservation).
        #expect(throws: StorageError.self) { _ = try store.execute(Self.argv("SET", "key:other", value), session: &session) }
        #expect(try store.execute(Self.argv("GET", "key:0"), session: &session).reply == .bulk(Array(value.utf8)))
        #expect(try store.execute(Self.argv("DBSIZE"), session: &session).reply == .integer(Int64(acknowledged)))

        // Space returns: writes run again.
        try FileManager.default.removeItem(atPath: filler)
        _ = try store.execute(Self.argv("SET", "after", "space"), session: &session)
        let digest = store.engine.digest()
        try store.close()
        let reopened = try open()
        #expect(reopened.engine.digest() == digest)
        #expect(reopened.recovery.lastSequence == UInt64(acknowledged + 1))
        try reopened.close()
    }
}
