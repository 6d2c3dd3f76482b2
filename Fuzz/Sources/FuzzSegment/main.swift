import Cairn
import CairnTestSupport
import FuzzSupport

/// A log segment of arbitrary bytes (seeded with real segments): the scan
/// gives records or a classified ending, never a crash; the same bytes
/// scanned twice give the same result. The same bytes as the one segment of
/// a data directory: the directory scan (verify), a point-in-time load and
/// salvage all finish.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegment(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let sealed = UInt64(input.byte() & 0x0F)
    let bytes = input.rest()
    func scan() -> (SegmentScan, [UInt64])? {
        var sequences: [UInt64] = []
        do {
            let result = try SegmentScanner.scan(bytes, path: "/data/00000000000000000001.wal", nameFirstSequence: 1,
                                                 after: 0, until: nil, sealedThrough: sealed) { record in
                sequences.append(record.sequences.upperBound)
                fuzzCheck(record.byteCount > 0 && record.frameOffset >= 24, "record \(record.sequences) at \(record.frameOffset)")
            }
            return (result, sequences)
        } catch {
            return nil
        }
    }
    let first = scan()
    let second = scan()
    fuzzCheck(first?.0 == second?.0 && first?.1 == second?.1, "two scans of the same bytes differ")
    if let (result, sequences) = first {
        fuzzCheck(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 }, "records out of order: \(sequences)")
        fuzzCheck(result.validEnd <= bytes.count, "valid end \(result.validEnd) past \(bytes.count)")
    }

    let segment = "00000000000000000001.wal"
    let (fileSystem, directory) = simulatedDirectory([
        (segment, bytes), ("MANIFEST", manifestText(snapshot: nil, durableThrough: sealed, segments: [segment])),
    ])
    let verified = try? DirectoryScanner.scan(directory, fileIO: fileSystem)
    fuzzCheck(verified != nil, "the directory scan threw")
    let loaded = try? PointInTime.load(directory, fileIO: fileSystem)
    if verified?.findings.contains(where: { $0.kind == .corrupt }) == false {
        fuzzCheck(loaded != nil, "a directory verify calls recoverable did not load")
    }
    let salvaged = try? Salvage.load(directory, fileIO: fileSystem)
    fuzzCheck(salvaged != nil, "salvage threw")
    if let loaded, let salvaged, verified?.findings.isEmpty == true {
        fuzzCheck(loaded.engine.digest() == salvaged.engine.digest(), "salvage of a clean directory lost something")
    }
    return 0
}
