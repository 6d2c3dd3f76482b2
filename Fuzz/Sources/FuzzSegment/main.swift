import Cairn
import CairnTestSupport
import FuzzSupport

/// A log segment of arbitrary bytes (seeded with real segments): the scan
/// gives records or a classified ending, never a crash; the same bytes
/// scanned twice give the same result. The same bytes as the one segment of
/// a data directory: the directory scan (verify), a point-in-time load and
/// salvage all finish.
///
/// The first input byte chooses how the segment is read: bits 0-3 how many
/// records past its start the MANIFEST seals; bit 4 names the file after
/// record 1 whatever its header says (otherwise after the header's first
/// sequence, so a real segment that starts later, such as
/// testdata/dump/directory's, is read past its header); bit 5 makes it a
/// segment the next one continues after, holding at most (next byte)
/// records, so the scan can stop at its limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegment(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let choice = input.byte()
    let limit = choice & 0x20 != 0 ? UInt64(input.byte()) : nil
    let bytes = input.rest()
    let first = choice & 0x10 != 0 ? 1 : headerFirstSequence(bytes)
    let sealed = first - 1 + min(UInt64(choice & 0x0F), UInt64.max - (first - 1))
    let until = limit.map { first - 1 + min($0, UInt64.max - (first - 1)) }
    let segment = String(repeating: "0", count: 20 - String(first).count) + String(first) + ".wal"
    func scan() -> (SegmentScan, [UInt64])? {
        var sequences: [UInt64] = []
        do {
            let result = try SegmentScanner.scan(bytes, path: "/data/" + segment, nameFirstSequence: first,
                                                 after: first - 1, until: until, sealedThrough: sealed) { record in
                sequences.append(record.sequences.upperBound)
                fuzzCheck(record.byteCount > 0 && record.frameOffset >= SegmentHeader.byteCount,
                          "record \(record.sequences) at \(record.frameOffset)")
            }
            return (result, sequences)
        } catch {
            return nil
        }
    }
    let once = scan()
    let twice = scan()
    fuzzCheck(once?.0 == twice?.0 && once?.1 == twice?.1, "two scans of the same bytes differ")
    if let (result, sequences) = once {
        fuzzCheck(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 }, "records out of order: \(sequences)")
        fuzzCheck(result.validEnd <= bytes.count, "valid end \(result.validEnd) past \(bytes.count)")
        if let until {
            fuzzCheck(result.lastSequence <= until, "read record \(result.lastSequence) past the limit \(until)")
        } else {
            fuzzCheck(result.ending != .reachedLimit, "reached a limit it was not given")
        }
    }

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

/// The first sequence number bytes 16..<24 of a header give (little
/// endian), or 1 when there are none or they say 0.
func headerFirstSequence(_ bytes: [UInt8]) -> UInt64 {
    guard bytes.count >= 24 else { return 1 }
    let value = bytes[16..<24].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    return max(1, value)
}
