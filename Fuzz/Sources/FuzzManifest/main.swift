import Cairn
import CairnTestSupport
import FuzzSupport

/// A MANIFEST of arbitrary bytes, as is (first input byte even) or with a
/// valid checksum line appended (odd, so mutations reach the parser past
/// the checksum): the directory scan classifies it, never crashes; a
/// MANIFEST that reads is what `info` reports, and salvage finishes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let fixChecksum = input.byte() & 1 == 1
    var bytes = input.rest()
    if fixChecksum {
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        bytes += Array("crc32c \(Hex.word(CRC32C.mask(CRC32C.checksum(bytes))))\n".utf8)
    }
    let (fileSystem, directory) = simulatedDirectory([("MANIFEST", bytes)])
    guard let scan = try? DirectoryScanner.scan(directory, fileIO: fileSystem) else {
        fuzzCheck(false, "the directory scan threw")
        return 0
    }
    if let manifest = scan.manifest {
        // Nothing it names exists: a listed segment is a finding (version 1
        // listed its last segment before creating it: that one may be missing).
        let mustExist = manifest.version == 1 ? manifest.segments.count - 1 : manifest.segments.count
        fuzzCheck(mustExist <= 0 || !scan.findings.isEmpty, "missing segments were not reported")
    }
    let again = try? DirectoryScanner.scan(directory, fileIO: fileSystem)
    fuzzCheck(again?.manifest == scan.manifest && again?.findings == scan.findings, "two scans differ")
    fuzzCheck((try? Salvage.load(directory, fileIO: fileSystem)) != nil, "salvage threw")
    return 0
}
