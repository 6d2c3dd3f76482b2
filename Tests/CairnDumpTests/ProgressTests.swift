import Cairn
import CairnDump
import Foundation
import Testing

/// The progress bar's measure (bytes read through `CountingFileIO`) and its line.
@Suite struct ProgressTests {
    @Test func countingFileIOCountsEveryByteAVerifyReads() throws {
        let (source, _) = try DumpFixtures.directory()
        let counter = CountingFileIO()
        let outcome = try Verify.run(source.path, fileIO: counter)
        #expect(outcome.exit == .clean)
        let sizes = try FileManager.default.contentsOfDirectory(atPath: source.path).filter { $0 != "MANIFEST" && $0 != "LOCK" }
            .map { try Data(contentsOf: URL(fileURLWithPath: source.path + "/" + $0)).count }
        let read = counter.bytesRead.load(ordering: .relaxed)
        #expect(read >= Int64(sizes.reduce(0, +)), "verify reads every snapshot and segment byte")
        #expect(ProgressBar.bytes(under: source.path) >= Int64(sizes.reduce(0, +)))
    }

    @Test func lineShowsTheFractionAndMegabytes() {
        #expect(ProgressBar.line(label: "verify", read: 12_000_000, expected: 30_000_000, width: 10)
            == "verify [####------]  40%  12.0 of 30.0 MB")
        // Reading more than expected (a second pass) stays at 100%.
        #expect(ProgressBar.line(label: "x", read: 50, expected: 20, width: 4) == "x [####] 100%  0.0 of 0.0 MB")
    }

    @Test func noBarWithoutATerminal() {
        #expect(ProgressBar(label: "verify", path: "/", passes: 1, counter: CountingFileIO(), terminal: false) == nil)
    }
}
