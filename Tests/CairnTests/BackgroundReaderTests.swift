import Foundation
import Testing
@testable import Cairn

/// `BackgroundReader`, the producer thread recovery reads segments and
/// snapshot records on: order, the bound on how far ahead it runs, errors
/// after items, and cancelling a producer that is waiting for room.
@Suite struct BackgroundReaderTests {
    /// A counter both threads can read.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var current: Int { lock.withLock { value } }
    }

    static func waitUntil(_ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !condition() && Date() < deadline { usleep(1000) }
    }

    @Test(arguments: [1, 3, 16])
    func itemsArriveInOrderThenTheEnd(capacity: Int) throws {
        let reader = BackgroundReader<Int>(name: "test-reader", capacity: capacity) {
            (put: (Int) -> Bool) throws(StorageError) in
            for index in 0..<500 { guard put(index) else { return } }
        }
        var taken: [Int] = []
        while case .item(let item) = try reader.next() { taken.append(item) }
        #expect(taken == Array(0..<500))
    }

    @Test func theProducerStaysAtMostCapacityAhead() throws {
        let produced = Counter()
        let reader = BackgroundReader<Int>(name: "test-reader", capacity: 2) {
            (put: (Int) -> Bool) throws(StorageError) in
            for index in 0..<100 {
                produced.add()
                guard put(index) else { return }
            }
        }
        Self.waitUntil { produced.current >= 2 }
        usleep(50_000)
        #expect(produced.current == 2, "with nothing taken, two items are queued and no third is being made")
        guard case .item(0) = try reader.next() else { Issue.record("not item 0 first"); return }
        Self.waitUntil { produced.current >= 3 }
        usleep(50_000)
        #expect(produced.current == 3)
        reader.cancel()
    }

    @Test func anErrorComesAfterTheItemsBeforeIt() throws {
        let reader = BackgroundReader<Int>(name: "test-reader", capacity: 4) {
            (put: (Int) -> Bool) throws(StorageError) in
            _ = put(1)
            _ = put(2)
            throw .corruption(file: "f", offset: 7, reason: "bad")
        }
        guard case .item(1) = try reader.next(), case .item(2) = try reader.next() else {
            Issue.record("the items before the error are lost")
            return
        }
        #expect(throws: StorageError.self) { _ = try reader.next() }
    }

    @Test func cancelStopsAProducerWaitingForRoom() throws {
        let finished = Counter()
        let reader = BackgroundReader<Int>(name: "test-reader", capacity: 1) {
            (put: (Int) -> Bool) throws(StorageError) in
            var index = 0
            while put(index) { index += 1 }
            finished.add()
        }
        guard case .item(0) = try reader.next() else { Issue.record("not item 0 first"); return }
        reader.cancel()
        Self.waitUntil { finished.current == 1 }
        #expect(finished.current == 1, "put did not return false after cancel")
    }
}
