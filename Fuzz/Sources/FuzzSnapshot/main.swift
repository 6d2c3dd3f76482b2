import Cairn
import CairnTestSupport
import FuzzSupport

/// A snapshot of arbitrary bytes (seeded with real snapshots, so mutations
/// reach the LZ4 body and the records): verifying it gives keys or a
/// finding, never a crash, the same both times; as a data directory's
/// snapshot, loading and salvage finish, and salvage of a snapshot that
/// verifies keeps every key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshot(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let bytes = input.rest()
    let name = "00000000000000000010.snap"
    let (fileSystem, directory) = simulatedDirectory([
        (name, bytes), ("MANIFEST", manifestText(snapshot: name, durableThrough: 10, segments: [])),
    ])
    func verify() -> (SnapshotInfo, ScanFinding?, Int)? {
        var keys = 0
        guard let (info, finding) = try? DirectoryScanner.scanSnapshot(directory + "/" + name, fileIO: fileSystem, entry: { _ in keys += 1 })
        else { return nil }
        return (info, finding, keys)
    }
    let first = verify()
    let second = verify()
    fuzzCheck(first != nil, "scanning the snapshot threw")
    fuzzCheck(first?.0 == second?.0 && first?.1 == second?.1 && first?.2 == second?.2, "two scans differ")
    let loaded = try? PointInTime.load(directory, fileIO: fileSystem)
    let salvaged = try? Salvage.load(directory, fileIO: fileSystem)
    fuzzCheck(salvaged != nil, "salvage threw")
    if first?.1 == nil {
        fuzzCheck(loaded != nil, "a snapshot that verifies did not load")
        if let loaded, let salvaged {
            fuzzCheck(loaded.engine.digest() == salvaged.engine.digest(), "salvage of a sound snapshot lost keys")
            fuzzCheck(salvaged.losses.isEmpty, "salvage of a sound snapshot reported losses: \(salvaged.losses)")
        }
    }
    return 0
}
