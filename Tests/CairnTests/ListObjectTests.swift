import Foundation
import Testing
@testable import Cairn

/// `ListObject`'s two storages: packed bytes up to 8 KB, packed chunks beyond,
/// converting both ways at the boundary; and random command sequences
/// against a Swift-array model.
///
/// Replay a failure with `CAIRN_SEED=<seed> swift test --filter ListObjectTests`.
@Suite struct ListObjectTests {
    static func list(_ t: TestEngine, _ key: String) -> ListObject? {
        if case .list(let list) = t.engine.keyspace.databases[0].main[ByteString(Array(key.utf8))] { return list }
        return nil
    }

    @Test func becomesChunkedPastEightKilobytesAndPackedAgainBelowFour() {
        let t = TestEngine()
        let element = String(repeating: "e", count: 99)  // 100 packed bytes with its length
        for _ in 0..<81 { t.run("RPUSH", "l", element) }
        #expect(Self.list(t, "l")?.isCompact == true, "8,100 bytes still fit")
        t.run("RPUSH", "l", String(repeating: "f", count: 91))  // 8,192 bytes: the limit itself
        #expect(Self.list(t, "l")?.isCompact == true)
        t.run("RPUSH", "l", "")  // 8,193 bytes
        #expect(Self.list(t, "l")?.isCompact == false, "past 8,192 bytes")
        #expect(t.run("LLEN", "l") == .integer(83))
        t.run("LTRIM", "l", "0", "40")  // 41 elements: 4,100 bytes
        #expect(Self.list(t, "l")?.isCompact == false, "stays chunked until half the limit")
        t.run("RPOP", "l")
        #expect(Self.list(t, "l")?.isCompact == true, "4,000 bytes: packed again")
        #expect(t.run("LINDEX", "l", "-1") == .text(element))
        #expect(t.run("OBJECT", "ENCODING", "l") == .text("quicklist"), "Redis 7.0 has one list encoding")
        t.expectReplayMatches()
    }

    @Test func bigElementsAndReplacementsConvert() {
        let t = TestEngine()
        t.run("RPUSH", "l", "a", "b")
        t.run("LSET", "l", "1", String(repeating: "x", count: 8200))
        #expect(Self.list(t, "l")?.isCompact == false)
        t.run("LSET", "l", "1", "y")
        #expect(Self.list(t, "l")?.isCompact == true)
        t.run("LINSERT", "l", "BEFORE", "y", String(repeating: "z", count: 9000))
        #expect(Self.list(t, "l")?.isCompact == false)
        #expect(t.run("LRANGE", "l", "0", "0") == .texts(["a"]))
        #expect(t.run("LREM", "l", "0", String(repeating: "z", count: 9000)) == .integer(1))
        #expect(Self.list(t, "l")?.isCompact == true)
        #expect(t.run("LRANGE", "l", "0", "-1") == .texts(["a", "y"]))
        t.expectReplayMatches()
    }

    @Test func copiesAreIndependentInBothForms() {
        for size in [3, 2000] {
            let list = ListObject((0..<size).map { ByteString(Array(String($0).utf8)) })
            let copy = list.copy()
            copy.push("new", atHead: true)
            _ = list.pop(atHead: false)
            #expect(list.count == size - 1)
            #expect(copy.count == size + 1)
            #expect(copy.element(at: 0) == "new")
            #expect(copy.element(at: size) == ByteString(Array(String(size - 1).utf8)))
        }
    }

    /// The ring wraps, grows, shrinks, inserts and removes on either side like an array.
    @Test func dequeMatchesAnArray() {
        var random = RandomSource(seed: 5)
        let deque = ElementDeque<ByteString>()
        var model: [ByteString] = []
        for step in 0..<5000 {
            let element = ByteString(Array(String(step).utf8))
            switch Int.random(in: 0..<7, using: &random) {
            case 0: deque.append(element); model.append(element)
            case 1: deque.prepend(element); model.insert(element, at: 0)
            case 2 where !model.isEmpty: #expect(deque.removeFirst() == model.removeFirst())
            case 3 where !model.isEmpty: #expect(deque.removeLast() == model.removeLast())
            case 4:
                let index = Int.random(in: 0...model.count, using: &random)
                deque.insert(element, at: index)
                model.insert(element, at: index)
            case 5 where !model.isEmpty:
                let index = Int.random(in: 0..<model.count, using: &random)
                #expect(deque.remove(at: index) == model.remove(at: index))
            default:
                let n = Int.random(in: 0...min(3, model.count), using: &random)
                deque.removeLast(n)
                model.removeLast(n)
            }
            #expect(deque.count == model.count)
        }
        #expect((0..<deque.count).map { deque[$0] } == model)
    }

    @Test func aMillionElementQueue() {
        let t = TestEngine()
        var argv: [Bytes] = [Array("RPUSH".utf8), Array("q".utf8)]
        argv.reserveCapacity(1_000_002)
        for index in 0..<1_000_000 { argv.append(Array(String(index).utf8)) }
        #expect(t.run(argv) == .integer(1_000_000))
        #expect(t.run("LINDEX", "q", "500000") == .text("500000"))
        #expect(t.run("LRANGE", "q", "-2", "-1") == .texts(["999998", "999999"]))
        #expect(t.run("LPOP", "q") == .text("0"))
        #expect(t.run("LPOP", "q", "499999") != .null)
        #expect(t.run("LLEN", "q") == .integer(500_000))
        #expect(t.run("LPOP", "q") == .text("500000"))
        #expect(t.run("LTRIM", "q", "1", "0") == .simple("OK"))
        #expect(t.run("EXISTS", "q") == .integer(0))
    }

    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["CAIRN_SEED"], let seed = UInt64(text) { return [seed] }
        return Array(1...6)
    }()

    /// Random pushes, pops, sets, inserts, removes and trims on one key,
    /// mirrored on a `[String]`; every reply and the whole list must agree
    /// after each step. Elements range from empty to 3 KB so lists cross
    /// the 8 KB boundary both ways.
    @Test(arguments: seeds)
    func matchesAnArrayModel(seed: UInt64) {
        var random = RandomSource(seed: seed)
        let t = TestEngine(seed: seed)
        var model: [String] = []
        let values = ["a", "b", "", "1", "\0\r\n", String(repeating: "m", count: 300), String(repeating: "L", count: 3000)]
        func value() -> String { values[Int.random(in: 0..<values.count, using: &random)] }
        func index() -> Int { Int.random(in: -(model.count + 2)...(model.count + 2), using: &random) }
        func normalized(_ index: Int) -> Int? {
            let position = index < 0 ? index + model.count : index
            return position >= 0 && position < model.count ? position : nil
        }
        for step in 0..<700 {
            let context = "seed \(seed) step \(step); rerun with CAIRN_SEED=\(seed)"
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1:
                let items = (0..<Int.random(in: 1...6, using: &random)).map { _ in value() }
                let atHead = Bool.random(using: &random)
                #expect(t.run(([atHead ? "LPUSH" : "RPUSH", "k"] + items).map { Array($0.utf8) }) == .integer(Int64(model.count + items.count)), "\(context)")
                if atHead { model.insert(contentsOf: items.reversed(), at: 0) } else { model += items }
            case 2:
                let atHead = Bool.random(using: &random)
                let count = Int.random(in: 1...5, using: &random)
                let expected = atHead ? Array(model.prefix(count)) : Array(model.suffix(count).reversed())
                let reply = t.run(atHead ? "LPOP" : "RPOP", "k", String(count))
                #expect(reply == (model.isEmpty ? .nullArray : .texts(expected)), "\(context)")
                if atHead { model.removeFirst(expected.count) } else { model.removeLast(expected.count) }
            case 3:
                let at = index(), element = value()
                let reply = t.run("LSET", "k", String(at), element)
                if model.isEmpty {
                    #expect(reply == .err("ERR no such key"), "\(context)")
                } else if let position = normalized(at) {
                    #expect(reply == .simple("OK"), "\(context)")
                    model[position] = element
                } else {
                    #expect(reply == .err("ERR index out of range"), "\(context)")
                }
            case 4:
                let pivot = value(), element = value(), after = Bool.random(using: &random)
                let reply = t.run("LINSERT", "k", after ? "AFTER" : "BEFORE", pivot, element)
                if let found = model.firstIndex(of: pivot) {
                    model.insert(element, at: after ? found + 1 : found)
                    #expect(reply == .integer(Int64(model.count)), "\(context)")
                } else {
                    #expect(reply == .integer(model.isEmpty ? 0 : -1), "\(context)")
                }
            case 5:
                let count = Int.random(in: -2...2, using: &random), element = value()
                var removed = 0
                var positions = Array(model.indices.filter { model[$0] == element })
                if count < 0 { positions.reverse() }
                if count != 0 { positions = Array(positions.prefix(abs(count))) }
                for position in positions.sorted(by: >) { model.remove(at: position); removed += 1 }
                #expect(t.run("LREM", "k", String(count), element) == .integer(Int64(removed)), "\(context)")
            case 6:
                let start = index(), stop = index()
                #expect(t.run("LTRIM", "k", String(start), String(stop)) == .simple("OK"), "\(context)")
                let kept = ListCommands.clampedRange(start: Int64(start), stop: Int64(stop), count: model.count) ?? 0..<0
                model = Array(model[kept])
            case 7:
                let at = index()
                #expect(t.run("LINDEX", "k", String(at)) == (normalized(at).map { .text(model[$0]) } ?? .null), "\(context)")
            case 8:
                let element = value()
                let expected = model.indices.filter { model[$0] == element }.map { Reply.integer(Int64($0)) }
                #expect(t.run("LPOS", "k", element, "COUNT", "0") == .array(expected), "\(context)")
            default:
                #expect(t.run("RPOPLPUSH", "k", "k") == (model.last.map { .text($0) } ?? .null), "\(context)")
                if let last = model.popLast() { model.insert(last, at: 0) }
            }
            #expect(t.run("LRANGE", "k", "0", "-1") == .texts(model), "\(context)")
            #expect(t.run("EXISTS", "k") == .integer(model.isEmpty ? 0 : 1), "\(context)")
        }
        t.expectReplayMatches()
    }
}
