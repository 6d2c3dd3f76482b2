import Testing
@testable import Cairn

@Suite struct ByteTableTests {
    @Test func behavesLikeADictionaryUnderRandomOperations() {
        var random = RandomSource(seed: 42)
        var table = ByteTable<Int>()
        var model: [ByteString: Int] = [:]
        for step in 0..<40_000 {
            let key = ByteString(Array("key\(Int.random(in: 0..<3000, using: &random))".utf8))
            switch Int.random(in: 0..<3, using: &random) {
            case 0, 1:
                #expect(table.updateValue(step, forKey: key) == model.updateValue(step, forKey: key))
            default:
                #expect(table.removeValue(forKey: key) == model.removeValue(forKey: key))
            }
        }
        #expect(table.count == model.count)
        var seen = 0
        table.forEachEntry { entry in
            #expect(model[table.key(at: entry)] == table.value(at: entry))
            seen += 1
        }
        #expect(seen == model.count)
        for (key, value) in model { #expect(table[key] == value) }
    }

    @Test func shrinksAndEmptiesCleanly() {
        var table = ByteTable<Int>()
        for i in 0..<10_000 { table.insertNew(ByteString(Array("k\(i)".utf8)), i) }
        for i in 0..<9_990 { #expect(table.removeValue(forKey: ByteString(Array("k\(i)".utf8))) == i) }
        #expect(table.count == 10)
        #expect(table.entryLimit <= 20, "holes are squeezed out when they outnumber live entries")
        for i in 9_990..<10_000 { #expect(table[ByteString(Array("k\(i)".utf8))] == i) }
    }

    /// Redis's SCAN promise: an element present from the first call to the
    /// last is returned, even while the table grows and shrinks in between.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func scanReturnsEveryElementPresentThroughoutDespiteResizing(seed: UInt64) {
        var random = RandomSource(seed: seed)
        var table = ByteTable<Int>()
        for i in 0..<2_000 { table.insertNew(ByteString(Array("stable\(i)".utf8)), i) }
        var returned = Set<ByteString>()
        var cursor: UInt64 = 0
        var calls = 0
        var churn: [ByteString] = []
        var next = 0
        repeat {
            cursor = table.scan(cursor: cursor) { returned.insert(table.key(at: $0)) }
            calls += 1
            // Grow to 6,000 extra keys, then shrink back to none, and again:
            // the table doubles and halves several times during the scan.
            let growing = calls / 700 % 2 == 0
            for _ in 0..<Int.random(in: 0...20, using: &random) {
                if growing && churn.count < 6_000 {
                    let key = ByteString(Array("churn\(next)".utf8))
                    next += 1
                    table.insertNew(key, next)
                    churn.append(key)
                } else if !growing && !churn.isEmpty {
                    let index = Int.random(in: 0..<churn.count, using: &random)
                    churn.swapAt(index, churn.count - 1)
                    table.removeValue(forKey: churn.removeLast())
                }
            }
        } while cursor != 0 && calls < 200_000
        #expect(cursor == 0)
        for i in 0..<2_000 { #expect(returned.contains(ByteString(Array("stable\(i)".utf8))), "seed \(seed): stable\(i) missed") }
    }

    @Test func randomEntryIsUniform() {
        var random = RandomSource(seed: 9)
        var table = ByteTable<Int>()
        for i in 0..<20 { table.insertNew(ByteString(Array("k\(i)".utf8)), i) }
        for i in 0..<10 { table.removeValue(forKey: ByteString(Array("k\(i * 2)".utf8))) }
        var counts = [Int](repeating: 0, count: 20)
        for _ in 0..<20_000 { counts[table.value(at: table.randomEntry(using: &random)!)] += 1 }
        for i in 0..<20 {
            if i % 2 == 0 { #expect(counts[i] == 0) } else { #expect(counts[i] > 1_600 && counts[i] < 2_400, "k\(i) drawn \(counts[i]) times") }
        }
    }

    @Test func byteStringStoresEveryLengthAndTheIntegerEncoding() {
        for length in [0, 1, 13, 14, 15, 16, 100, 70_000] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            let string = ByteString(bytes)
            #expect(string.count == length)
            #expect(string.bytes == bytes)
            #expect(string == ByteString(bytes))
        }
        #expect(MemoryLayout<ByteString>.size == 16)
        #expect(MemoryLayout<Value>.size == 16)
        #expect(ByteString(integer: -1234).bytes == Array("-1234".utf8))
        #expect(ByteString(integer: .min).count == 20)
        #expect(ByteString(integer: 77) == ByteString(Array("77".utf8)))
        #expect(ByteString(integer: 77).hashValue == ByteString(Array("77".utf8)).hashValue)
    }
}
