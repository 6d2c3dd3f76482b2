import Foundation
import Testing
@testable import Cairn

/// `PackedPairs`, the byte buffer behind small hashes: entry encoding at the
/// varint boundaries, binary safety, insertion order through replaces and
/// removes, copy on write, and a random workload against a model.
///
/// Replay a failure of the random test with
/// `CAIRN_SEED=<seed> swift test --filter PackedPairsTests`.
@Suite struct PackedPairsTests {
    static func string(_ text: String) -> ByteString { ByteString(Array(text.utf8)) }

    static func bytes(_ count: Int, _ seed: UInt8 = 0) -> ByteString {
        ByteString((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) })
    }

    /// Every pair in storage order, as text-free byte arrays.
    static func contents(_ pairs: PackedPairs) -> [[Bytes]] {
        var result: [[Bytes]] = []
        pairs.forEach { result.append([$0.bytes, $1.bytes]) }
        return result
    }

    static func expected(_ pairs: [(ByteString, ByteString)]) -> [[Bytes]] {
        pairs.map { [$0.0.bytes, $0.1.bytes] }
    }

    /// The bytes the entries must take: the sum of `entrySize` over them.
    static func expectedByteCount(_ pairs: PackedPairs) -> Int {
        var total = 0
        pairs.forEach { total += PackedPairs.entrySize($0.count) + PackedPairs.entrySize($1.count) }
        return total
    }

    @Test func emptyPairsHoldNothing() {
        var pairs = PackedPairs()
        #expect(pairs.isEmpty)
        #expect(pairs.count == 0)
        #expect(pairs.byteCount == 0)
        #expect(pairs.value(for: "a") == nil)
        #expect(!pairs.contains(""))
        let removed = pairs.remove("a")
        #expect(!removed)
        #expect(PackedPairsTests.contents(pairs).isEmpty)
    }

    @Test func emptyFieldsAndValuesAreEntriesOfLengthZero() {
        var pairs = PackedPairs()
        var outcome = pairs.set("", "")
        #expect(outcome == .inserted(pairCount: 1))
        #expect(pairs.byteCount == 2, "two one-byte lengths")
        #expect(pairs.contains(""))
        #expect(pairs.value(for: "") == "")
        outcome = pairs.set("a", "")
        #expect(outcome == .inserted(pairCount: 2))
        outcome = pairs.set("", "x")
        #expect(outcome == .replaced)
        #expect(pairs.value(for: "") == "x")
        #expect(pairs.value(for: "a") == "")
        #expect(PackedPairsTests.contents(pairs) == [[[], Bytes("x".utf8)], [Bytes("a".utf8), []]])
        var removed = pairs.remove("")
        #expect(removed)
        #expect(!pairs.contains(""))
        #expect(pairs.count == 1)
        removed = pairs.remove("a")
        #expect(removed)
        #expect(pairs.isEmpty)
        #expect(pairs.byteCount == 0)
    }

    @Test func bytesAreBinarySafeAndMatchedExactly() {
        var pairs = PackedPairs()
        let nul = ByteString([0])
        let withNul = ByteString([0x61, 0, 0x62])
        let high = ByteString([0xFF, 0x80, 0x00, 0x7F])
        pairs.set(nul, ByteString([0, 0, 0]))
        pairs.set(withNul, high)
        pairs.set(high, withNul)
        #expect(pairs.value(for: nul) == ByteString([0, 0, 0]))
        #expect(pairs.value(for: withNul) == high)
        #expect(pairs.value(for: high) == withNul)
        // Prefixes, extensions and empty strings are other fields.
        #expect(pairs.value(for: ByteString([0x61])) == nil)
        #expect(pairs.value(for: ByteString([0x61, 0])) == nil)
        #expect(pairs.value(for: ByteString([0x61, 0, 0x62, 0])) == nil)
        #expect(pairs.value(for: ByteString([0, 0])) == nil)
        #expect(pairs.value(for: "") == nil)
        #expect(pairs.count == 3)
        #expect(pairs.byteCount == PackedPairsTests.expectedByteCount(pairs))
    }

    @Test func entrySizesGrowAtTheVarintBoundaries() {
        #expect(PackedPairs.entrySize(0) == 1)
        #expect(PackedPairs.entrySize(127) == 128)
        #expect(PackedPairs.entrySize(128) == 130)
        #expect(PackedPairs.entrySize(16383) == 16385)
        #expect(PackedPairs.entrySize(16384) == 16387)
        #expect(PackedPairs.entrySize(2_097_151) == 2_097_154)
        #expect(PackedPairs.entrySize(2_097_152) == 2_097_156)
    }

    @Test(arguments: [0, 1, 126, 127, 128, 129, 255, 256, 16382, 16383, 16384, 16385])
    func lengthsAroundVarintBoundariesRoundTrip(length: Int) {
        var pairs = PackedPairs()
        let field = PackedPairsTests.bytes(length, 1)
        let value = PackedPairsTests.bytes(length, 2)
        pairs.set("before", "1")
        pairs.set(field, value)
        pairs.set("after", "2")
        #expect(pairs.value(for: field) == value)
        #expect(pairs.value(for: "before") == "1")
        #expect(pairs.value(for: "after") == "2")
        #expect(pairs.byteCount == (1 + 6) + (1 + 1) + (1 + 5) + (1 + 1) + 2 * PackedPairs.entrySize(length))
        #expect(pairs.byteCount == PackedPairsTests.expectedByteCount(pairs))

        // Across the boundary and back: the pairs behind move with the value.
        for newLength in [length + 1, max(0, length - 1), length + 300, length] {
            let newValue = PackedPairsTests.bytes(newLength, 3)
            let outcome = pairs.set(field, newValue)
            #expect(outcome == .replaced)
            #expect(pairs.value(for: field) == newValue)
            #expect(PackedPairsTests.contents(pairs) == PackedPairsTests.expected([
                ("before", "1"), (field, newValue), ("after", "2"),
            ]))
            #expect(pairs.byteCount == PackedPairsTests.expectedByteCount(pairs))
        }
        let removed = pairs.remove(field)
        #expect(removed)
        #expect(PackedPairsTests.contents(pairs) == PackedPairsTests.expected([("before", "1"), ("after", "2")]))
    }

    /// A value replaced at the start, the middle and the end, longer, shorter
    /// and the same length: the field keeps its place (HSET on an existing
    /// listpack field replaces in place).
    @Test(arguments: [0, 2, 4])
    func replacingKeepsInsertionOrder(position: Int) {
        var pairs = PackedPairs()
        var model: [(ByteString, ByteString)] = (0..<5).map { (PackedPairsTests.string("f\($0)"), PackedPairsTests.string("value\($0)")) }
        for (field, value) in model { pairs.set(field, value) }
        for newValue in ["v", "a much longer value than before", "same-length-value-here!!!!!!!!!!", ""] {
            let value = PackedPairsTests.string(newValue)
            let outcome = pairs.set(model[position].0, value)
            #expect(outcome == .replaced)
            model[position].1 = value
            #expect(PackedPairsTests.contents(pairs) == PackedPairsTests.expected(model))
            #expect(pairs.count == 5)
            #expect(pairs.byteCount == PackedPairsTests.expectedByteCount(pairs))
        }
    }

    @Test(arguments: [0, 2, 4])
    func removingKeepsTheOthersInOrder(position: Int) {
        var pairs = PackedPairs()
        var model: [(ByteString, ByteString)] = (0..<5).map { (PackedPairsTests.string("field\($0)"), PackedPairsTests.string("v\($0)")) }
        for (field, value) in model { pairs.set(field, value) }
        var removed = pairs.remove(model[position].0)
        #expect(removed)
        removed = pairs.remove(model[position].0)
        #expect(!removed)
        model.remove(at: position)
        #expect(PackedPairsTests.contents(pairs) == PackedPairsTests.expected(model))
        #expect(pairs.count == 4)
        for (index, pair) in model.enumerated() {
            let (field, value) = pairs.pair(at: index)
            #expect(field == pair.0 && value == pair.1)
        }
        // A field added after a removal goes last.
        let outcome = pairs.set("new", "n")
        #expect(outcome == .inserted(pairCount: 5))
        #expect(pairs.pair(at: 4).field == "new")
    }

    @Test func copiesDoNotSeeEachOthersChanges() {
        var original = PackedPairs()
        for index in 0..<4 { original.set(PackedPairsTests.string("f\(index)"), PackedPairsTests.string("0123456789")) }
        let before = PackedPairsTests.contents(original)

        // A same-length replace would be made in place on an unshared buffer.
        var copy = original
        copy.set("f1", "abcdefghij")
        #expect(PackedPairsTests.contents(original) == before)
        #expect(copy.value(for: "f1") == "abcdefghij")

        var shrunk = original
        shrunk.remove("f3")
        shrunk.set("f0", "x")
        #expect(PackedPairsTests.contents(original) == before)

        // And the copy, now alone with its buffer, changes in place correctly.
        copy.set("f2", "ABCDEFGHIJ")
        copy.set("f2", "ABCDEFGHI")
        #expect(PackedPairsTests.contents(copy) == PackedPairsTests.expected([
            ("f0", "0123456789"), ("f1", "abcdefghij"), ("f2", "ABCDEFGHI"), ("f3", "0123456789"),
        ]))
        #expect(PackedPairsTests.contents(original) == before)
    }

    @Test func copyingConstructorMatchesTheGenericOne() {
        for length in [0, 1, 13, 14, 15, 64, 300] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: 250 &+ $0) }
            let copied = bytes.withUnsafeBytes { ByteString(copying: $0) }
            #expect(copied == ByteString(bytes))
            #expect(copied.bytes == bytes)
            #expect(copied.count == length)
        }
    }

    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["CAIRN_SEED"], let seed = UInt64(text) { return [seed] }
        return [1, 2, 3]
    }()

    /// Random sets, replaces and removes (fields of lengths around the
    /// one-byte varint boundary, values up to 300 bytes) against an ordered
    /// dictionary model, with copies taken along the way that must not change.
    @Test(arguments: seeds)
    func behavesLikeAnOrderedDictionaryUnderRandomOperations(seed: UInt64) {
        var random = RandomSource(seed: seed)
        var pairs = PackedPairs()
        var order: [ByteString] = []
        var model: [ByteString: ByteString] = [:]
        var snapshots: [(PackedPairs, [[Bytes]])] = []

        func randomField() -> ByteString {
            let name = Int.random(in: 0..<40, using: &random)
            // A few long fields whose lengths straddle 127/128.
            if name < 4 { return PackedPairsTests.bytes(126 + name, UInt8(name)) }
            return PackedPairsTests.string("field\(name)")
        }
        func randomValue() -> ByteString {
            let length = [0, 1, 10, 127, 128, Int.random(in: 0...300, using: &random)].randomElement(using: &random)!
            return PackedPairsTests.bytes(length, UInt8.random(in: 0...255, using: &random))
        }

        for step in 0..<3000 {
            let field = randomField()
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6:
                let value = randomValue()
                let outcome = pairs.set(field, value)
                if model.updateValue(value, forKey: field) == nil {
                    order.append(field)
                    #expect(outcome == .inserted(pairCount: order.count), "seed \(seed) step \(step)")
                } else {
                    #expect(outcome == .replaced, "seed \(seed) step \(step)")
                }
            case 6..<9:
                let removed = pairs.remove(field)
                #expect(removed == (model.removeValue(forKey: field) != nil), "seed \(seed) step \(step)")
                order.removeAll { $0 == field }
            default:
                #expect(pairs.value(for: field) == model[field], "seed \(seed) step \(step)")
                #expect(pairs.contains(field) == (model[field] != nil), "seed \(seed) step \(step)")
            }
            if step % 97 == 0 { snapshots.append((pairs, PackedPairsTests.contents(pairs))) }
            if step % 50 == 0 || step == 2999 {
                #expect(pairs.count == order.count, "seed \(seed) step \(step)")
                #expect(PackedPairsTests.contents(pairs) == order.map { [$0.bytes, model[$0]!.bytes] }, "seed \(seed) step \(step)")
                #expect(pairs.byteCount == PackedPairsTests.expectedByteCount(pairs), "seed \(seed) step \(step)")
            }
        }
        for (snapshot, contents) in snapshots {
            #expect(PackedPairsTests.contents(snapshot) == contents, "seed \(seed): a copy changed")
        }
    }
}

/// `PackedPairs(packing:)` and `HashObject.packed`, the one-allocation build
/// RESTORE and snapshot loading use: the same pairs, order and bytes as
/// `set` of each pair in turn, and the same encoding choice at the limits.
@Suite struct PackedBuildTests {
    static func flat(_ pairs: Int, fieldBytes: Int = 3, valueBytes: Int = 5) -> [ByteString] {
        (0..<pairs).flatMap { index in
            [PackedPairsTests.bytes(fieldBytes, UInt8(truncatingIfNeeded: index)) , PackedPairsTests.bytes(valueBytes, UInt8(truncatingIfNeeded: index * 7))]
                .enumerated().map { position, bytes in
                    // Distinct fields: prefix the index.
                    position == 0 ? ByteString(Array("f\(index)-".utf8) + bytes.bytes) : bytes
                }
        }
    }

    static func setOneByOne(_ flat: [ByteString]) -> PackedPairs {
        var pairs = PackedPairs()
        for index in stride(from: 0, to: flat.count, by: 2) { pairs.set(flat[index], flat[index + 1]) }
        return pairs
    }

    @Test(arguments: [1, 2, 10, 128])
    func packingGivesWhatSetGives(pairCount: Int) {
        for valueBytes in [0, 1, 127, 128, 300] {
            let flat = Self.flat(pairCount, valueBytes: valueBytes)
            let packed = PackedPairs(packing: flat)
            let built = Self.setOneByOne(flat)
            #expect(PackedPairsTests.contents(packed) == PackedPairsTests.contents(built))
            #expect(packed.byteCount == built.byteCount && packed.count == pairCount)
        }
    }

    @Test func theBulkBuildChoosesTheEncodingSetWould() throws {
        let limits = EncodingLimits()
        let fits = Self.flat(limits.hashMaxListpackEntries)
        #expect(HashObject.packed(fits, limits: limits)?.isCompact == true)
        #expect(HashObject.packed(Self.flat(limits.hashMaxListpackEntries + 1), limits: limits) == nil)
        #expect(HashObject.packed(Self.flat(3, valueBytes: limits.hashMaxListpackValue), limits: limits) != nil)
        #expect(HashObject.packed(Self.flat(3, valueBytes: limits.hashMaxListpackValue + 1), limits: limits) == nil)
        for flat in [Self.flat(limits.hashMaxListpackEntries + 1), Self.flat(3, valueBytes: limits.hashMaxListpackValue + 1), fits] {
            let loaded = try DumpPayload.hash(flat, limits: limits)
            let byHSET = HashObject()
            for index in stride(from: 0, to: flat.count, by: 2) { byHSET.set(flat[index], flat[index + 1], limits: limits) }
            #expect(loaded.isCompact == byHSET.isCompact && loaded.count == byHSET.count)
            for index in stride(from: 0, to: flat.count, by: 2) { #expect(loaded.get(flat[index]) == flat[index + 1]) }
        }
    }

    @Test func aRepeatedFieldIsRefusedInEitherEncoding() {
        let limits = EncodingLimits()
        for var flat in [Self.flat(5), Self.flat(limits.hashMaxListpackEntries + 4)] {
            flat[flat.count - 2] = flat[2]  // the last field repeats the second
            #expect(throws: RDBFormatError.self) { _ = try DumpPayload.hash(flat, limits: limits) }
        }
    }
}
