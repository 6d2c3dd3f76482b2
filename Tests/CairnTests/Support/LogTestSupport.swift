import Foundation
import Testing
@testable import Cairn

/// Seeds, random effects and decoding loops for the log format tests.
enum LogTestSupport {
    /// `CAIRN_SEED` when set (to replay a failure), else `fallback`.
    static func seed(_ fallback: UInt64) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["CAIRN_SEED"], let seed = UInt64(text) { return seed }
        return fallback
    }

    /// A random argument: often empty or tiny, often full of NUL, CR and LF,
    /// sometimes looking like RESP itself, now and then a few KiB.
    static func argument(using random: inout RandomSource) -> Bytes {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return []
        case 1: return Array("\r\n".utf8)
        case 2: return Array("*1\r\n$3\r\nSET\r\n".utf8)
        case 3: return [0, 13, 10, 0]
        case 4: return Bytes((0..<Int.random(in: 1000...5000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        default:
            let count = Int.random(in: 1...40, using: &random)
            return Bytes((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    /// A random effect in a random database.
    static func effect(using random: inout RandomSource) -> Effect {
        let argumentCount = Int.random(in: 1...6, using: &random)
        var argv = [Array(["SET", "DEL", "HSET", "PEXPIREAT", "x"].randomElement(using: &random)!.utf8)]
        for _ in 1..<argumentCount { argv.append(argument(using: &random)) }
        return Effect(database: Int.random(in: 0...15, using: &random), argv: argv)
    }

    /// One record's effects: usually one, sometimes a MULTI/EXEC's several.
    static func effects(using random: inout RandomSource) -> [Effect] {
        let count = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 2...5, using: &random) : 1
        return (0..<count).map { _ in effect(using: &random) }
    }

    /// `count` records numbered from `firstSequence`, and their frames back
    /// to back. Each frame's durable-through is the previous record (as
    /// `appendfsync always` with one record per sync), unless
    /// `durableThrough` fixes it for all (one unsynced batch).
    static func stream(records count: Int, firstSequence: UInt64 = 1, durableThrough: UInt64? = nil,
                       using random: inout RandomSource)
        throws -> (records: [[Effect]], bytes: Bytes, offsets: [Int]) {
        var records: [[Effect]] = []
        var bytes: Bytes = []
        var offsets: [Int] = []
        for index in 0..<count {
            let effects = effects(using: &random)
            offsets.append(bytes.count)
            let sequence = firstSequence + UInt64(index)
            try RecordFrame.append(effects, sequence: sequence, durableThrough: durableThrough ?? sequence - 1,
                                   timestampMilliseconds: 1_700_000_000_000 + Int64(index), to: &bytes)
            records.append(effects)
        }
        return (records, bytes, offsets)
    }

    /// Feeds `bytes` in pieces ending at each of `cuts`, draining the decoder
    /// after every piece; returns the records and the final verdict.
    static func decode(_ bytes: Bytes, cuts: [Int] = [], startOffset: Int = 0,
                       maximumPayloadBytes: Int = RecordFrame.defaultMaximumPayloadBytes)
        -> (records: [DecodedRecord], last: FrameDecodeResult) {
        var decoder = RecordDecoder(startOffset: startOffset, maximumPayloadBytes: maximumPayloadBytes)
        var records: [DecodedRecord] = []
        var last = FrameDecodeResult.needMoreBytes
        var from = 0
        for cut in cuts + [bytes.count] where cut >= from {
            decoder.append(Array(bytes[from..<cut]))
            from = cut
            drain: while true {
                last = decoder.next()
                switch last {
                case .record(let record): records.append(record)
                case .needMoreBytes, .corrupt: break drain
                }
            }
        }
        return (records, last)
    }

    /// A frame around arbitrary payload bytes with a correct checksum: what a
    /// buggy writer could produce, to test the payload checks.
    static func frame(payload: Bytes, sequence: UInt64 = 1, durableThrough: UInt64 = 0,
                      timestampMilliseconds: Int64 = 0) -> Bytes {
        var bytes: Bytes = []
        bytes.appendLittleEndian(UInt32(payload.count))
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(sequence)
        bytes.appendLittleEndian(durableThrough)
        bytes.appendLittleEndian(timestampMilliseconds)
        bytes += payload
        let checksum = bytes.withUnsafeBytes { RecordFrame.maskedChecksum($0, frameAt: 0, payloadByteCount: payload.count) }
        bytes.storeLittleEndian(checksum, at: 4)
        return bytes
    }
}
