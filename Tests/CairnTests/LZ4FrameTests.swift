import Testing
@testable import Cairn

@Suite struct LZ4FrameTests {
    @Test func roundTripThroughARealFrame() throws {
        var input: Bytes = []
        for i in 0..<50_000 { input.append(UInt8(truncatingIfNeeded: i % 251)) }
        input += Array(repeating: 7, count: 100_000)
        let frame = try LZ4Frame.compress(input)
        #expect(frame.count < input.count / 2)
        #expect(Array(frame.prefix(4)) == [0x04, 0x22, 0x4D, 0x18], "LZ4 frame magic")
        #expect(try LZ4Frame.decompress(frame) == input)
    }

    @Test func damagedFrameIsRefused() throws {
        let input = Bytes((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        var frame = try LZ4Frame.compress(input)
        frame[frame.count / 2] ^= 0xFF
        #expect(throws: LZ4Error.self) { try LZ4Frame.decompress(frame) }
        #expect(throws: LZ4Error.self) { try LZ4Frame.decompress(Array(frame.prefix(20))) }
    }
}
