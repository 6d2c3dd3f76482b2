import Foundation
import Testing
@testable import Cairn

/// `ChunkedList`, the big-list form: a ring of packed chunks of up to 8 KB.
/// Random operations against a Swift array, with the chunk invariants
/// checked after every step (every chunk non-empty and within the limit
/// unless it holds one bigger element; counts and bytes add up), and the
/// split/merge edges driven through commands.
///
/// Replay a failure with `CAIRN_SEED=<seed> swift test --filter ChunkedListTests`.
@Suite struct ChunkedListTests {
    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["CAIRN_SEED"], let seed = UInt64(text) { return [seed] }
        return Array(1...4)
    }()

    static func element(_ text: String) -> ByteString { ByteString(Array(text.utf8)) }

    static func checkInvariants(_ list: ChunkedList, _ model: [ByteString], _ context: String) {
        let chunks = list.chunkShapes
        #expect(list.count == model.count, "\(context)")
        #expect(chunks.reduce(0) { $0 + $1.count } == model.count, "\(context)")
        #expect(chunks.reduce(0) { $0 + $1.bytes } == list.byteCount, "\(context)")
        #expect(model.reduce(0) { $0 + PackedPairs.entrySize($1.count) } == list.byteCount, "\(context)")
        for chunk in chunks {
            #expect(chunk.count > 0, "empty chunk; \(context)")
            #expect(chunk.count == 1 || chunk.bytes <= ChunkedList.chunkLimitBytes, "oversized chunk \(chunk); \(context)")
        }
    }

    /// Every operation, on elements from empty to bigger than a chunk, so
    /// pushes and pops cross chunk boundaries, inserts split full chunks and
    /// removals merge small ones.
    @Test(arguments: seeds)
    func matchesAnArray(seed: UInt64) {
        var random = RandomSource(seed: seed)
        let list = ChunkedList([])
        var model: [ByteString] = []
        var serial = 0
        func value() -> ByteString {
            serial += 1
            switch Int.random(in: 0..<20, using: &random) {
            case 0: return ByteString()
            case 1: return ByteString(Array(repeating: UInt8(ascii: "B"), count: 9000))  // bigger than a chunk
            case 2, 3: return ByteString(Array(repeating: UInt8(ascii: "m"), count: 700 + serial % 50))
            default: return Self.element("e\(serial)")
            }
        }
        for step in 0..<1500 {
            let context = "seed \(seed) step \(step); rerun with CAIRN_SEED=\(seed)"
            switch Int.random(in: 0..<14, using: &random) {
            case 0, 1, 2:
                let item = value()
                list.pushTail(item)
                model.append(item)
            case 3, 4:
                let item = value()
                list.pushHead(item)
                model.insert(item, at: 0)
            case 5 where !model.isEmpty:
                #expect(list.popHead() == model.removeFirst(), "\(context)")
            case 6 where !model.isEmpty:
                #expect(list.popTail() == model.removeLast(), "\(context)")
            case 7:
                let index = Int.random(in: 0...model.count, using: &random)
                let item = value()
                list.insert(item, at: index)
                model.insert(item, at: index)
            case 8 where !model.isEmpty:
                let index = Int.random(in: 0..<model.count, using: &random)
                let item = value()
                list.replace(at: index, with: item)
                model[index] = item
            case 9 where !model.isEmpty:
                // Long lists lose most of their head, keeping the model small.
                let first = model.count > 4000 ? 3000 : Int.random(in: 0...min(model.count, 40), using: &random)
                let last = Int.random(in: 0...min(model.count - first, 40), using: &random)
                list.trim(first: first, last: last)
                model.removeFirst(first)
                model.removeLast(last)
            case 10 where !model.isEmpty:
                let doomed = Array(Set((0..<Int.random(in: 1...5, using: &random)).map { _ in
                    Int.random(in: 0..<model.count, using: &random)
                })).sorted()
                list.remove(sortedIndexes: doomed)
                for index in doomed.reversed() { model.remove(at: index) }
            case 11 where !model.isEmpty:
                let index = Int.random(in: 0..<model.count, using: &random)
                #expect(list.element(at: index) == model[index], "\(context)")
            case 12 where !model.isEmpty:
                let lower = Int.random(in: 0..<model.count, using: &random)
                let upper = Int.random(in: lower...model.count, using: &random)
                var seen: [ByteString] = []
                list.forEach(in: lower..<upper, reversed: true) { index, item in
                    #expect(index == upper - 1 - seen.count, "\(context)")
                    seen.append(item)
                    return true
                }
                #expect(seen == Array(model[lower..<upper].reversed()), "\(context)")
            default:
                // A sequence of pushes long enough to fill fresh chunks.
                for _ in 0..<Int.random(in: 100...900, using: &random) {
                    let item = Self.element("s\(serial)")
                    serial += 1
                    list.pushTail(item)
                    model.append(item)
                }
            }
            Self.checkInvariants(list, model, context)
        }
        var all: [ByteString] = []
        list.forEach(in: 0..<list.count, reversed: false) { _, item in all.append(item); return true }
        #expect(all == model)
    }

    /// Pops from both ends drain chunk after chunk, freeing each, and the
    /// tail's cached offsets survive pushes, a relayout and copies.
    @Test func bothEndsAcrossChunkBoundaries() {
        let items = (0..<5000).map { Self.element("v\(100_000 + $0)") }
        let list = ChunkedList(items)
        #expect(list.chunkCount > 3)
        let copy = list.copy()
        var model = items
        for round in 0..<2400 {
            #expect(list.popTail() == model.removeLast())
            #expect(list.popHead() == model.removeFirst())
            if round % 3 == 0 {
                let item = Self.element("n\(round)")
                list.pushTail(item)
                model.append(item)
                list.pushHead(item)
                model.insert(item, at: 0)
            }
        }
        Self.checkInvariants(list, model, "after draining")
        Self.checkInvariants(copy, items, "the copy is untouched")
        #expect(copy.element(at: 4999) == items[4999])
        while list.count > 0 { #expect(list.popTail() == model.removeLast()) }
        #expect(list.chunkCount == 0)
    }

    /// LINSERT, LREM, LSET and LTRIM in the middle chunks of a big list,
    /// and LRANGE with negative indexes across chunks, through commands.
    @Test func middleEditsThroughCommands() {
        let t = TestEngine()
        var model = (0..<3000).map { "item:\($0)" }
        #expect(t.run((["RPUSH", "l"] + model).map { Array($0.utf8) }) == .integer(3000))
        #expect(ListObjectTests.list(t, "l")!.chunkCount > 2)
        let wide = String(repeating: "w", count: 5000)
        #expect(t.run("LINSERT", "l", "BEFORE", "item:1500", wide) == .integer(3001))
        model.insert(wide, at: 1500)
        #expect(t.run("LINSERT", "l", "AFTER", "item:1500", "after") == .integer(3002))
        model.insert("after", at: 1502)
        #expect(t.run("LSET", "l", "1000", String(repeating: "s", count: 9000)) == .simple("OK"))
        model[1000] = String(repeating: "s", count: 9000)
        #expect(t.run("LSET", "l", "-1", "last") == .simple("OK"))
        model[model.count - 1] = "last"
        #expect(t.run("LREM", "l", "0", wide) == .integer(1))
        model.removeAll { $0 == wide }
        #expect(t.run("RPUSH", "l", "dup", "x", "dup") == .integer(Int64(model.count + 3)))
        model += ["dup", "x", "dup"]
        #expect(t.run("LREM", "l", "-1", "dup") == .integer(1))
        model.remove(at: model.count - 1)
        #expect(t.run("LRANGE", "l", "-1600", "-1590") == .texts(Array(model[(model.count - 1600)...(model.count - 1590)])))
        #expect(t.run("LRANGE", "l", "-5000", "2") == .texts(Array(model[0...2])))
        #expect(t.run("LINDEX", "l", "-1502") == .text(model[model.count - 1502]))
        #expect(t.run("LTRIM", "l", "700", "-700") == .simple("OK"))
        model = Array(model[700...(model.count - 700)])
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(model))
        #expect(t.run("LPOS", "l", "after") == .integer(Int64(model.firstIndex(of: "after")!)))
        guard case .integer(let usage) = t.run("MEMORY", "USAGE", "l") else {
            Issue.record("MEMORY USAGE did not answer an integer")
            return
        }
        let bytes = model.reduce(0) { $0 + $1.utf8.count + 2 }
        #expect(usage > bytes && usage < 3 * bytes, "MEMORY USAGE \(usage) for about \(bytes) bytes of entries")
        t.expectReplayMatches()
    }

    /// A million elements pushed at the head: about 10 bytes each in
    /// chunks, index access from either end, and a middle insert.
    @Test func aMillionElementsPushedAtTheHead() {
        let t = TestEngine()
        var argv: [Bytes] = [Array("LPUSH".utf8), Array("q".utf8)]
        argv.reserveCapacity(1_000_002)
        for index in 0..<1_000_000 { argv.append(Array("v\(index)".utf8)) }
        #expect(t.run(argv) == .integer(1_000_000))
        let list = ListObjectTests.list(t, "q")!
        #expect(list.chunkCount > 800 && list.chunkCount < 1000)
        #expect(list.allocatedBytes < 12 * 1_000_000)
        #expect(t.run("LINDEX", "q", "0") == .text("v999999"))
        #expect(t.run("LINDEX", "q", "-1") == .text("v0"))
        #expect(t.run("LINDEX", "q", "400000") == .text("v599999"))
        #expect(t.run("LINSERT", "q", "AFTER", "v500000", "mid") == .integer(1_000_001))
        #expect(t.run("LRANGE", "q", "499998", "500000") == .texts(["v500001", "v500000", "mid"]))
        #expect(t.run("RPOP", "q", "3") == .texts(["v0", "v1", "v2"]))
        #expect(t.run("LLEN", "q") == .integer(999_998))
    }
}
