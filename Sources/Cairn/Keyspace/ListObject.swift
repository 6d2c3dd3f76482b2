/// A Redis list. Small lists are one `PackedList` (one listpack node's
/// worth of bytes); a list whose packed bytes would pass
/// `packedLimitBytes` (8 KB, Redis's default `list-max-listpack-size -2`)
/// becomes a `ChunkedList` of such nodes (Redis's quicklist), whose first
/// chunk is the packed buffer itself, and goes back to one packed buffer once
/// it shrinks to half of that (the hysteresis Redis 7.2's
/// `listTypeTryConvertQuicklist` uses, so a list at the boundary does not
/// convert on every push and pop).
///
/// Redis 7.0 reports every list as "quicklist" (its one list encoding), so
/// the split is invisible to clients; it only saves memory and time.
///
/// A class, so a command changes the stored list in place. Indexes here
/// are already normalized (0 ..< count); commands turn Redis's negative
/// indexes into these.
final class ListObject {
    /// Packed bytes past which a list becomes chunked: `list-max-listpack-size -2`.
    static let packedLimitBytes = ChunkedList.chunkLimitBytes

    private enum Storage {
        case packed(PackedList)
        case chunked(ChunkedList)
    }

    /// One reference: with the object header 24 bytes, the smallest malloc
    /// chunk (32). The count lives in the packed buffer or the chunked list.
    private var storage: Storage

    /// The number of elements.
    var count: Int {
        switch storage {
        case .packed(let packed): return packed.count
        case .chunked(let chunked): return chunked.count
        }
    }

    init() { storage = .packed(PackedList()) }

    /// A list of `elements`, in order.
    convenience init(_ elements: [ByteString]) {
        self.init()
        replaceAll(with: elements)
    }

    /// An independent copy (`COPY`): packed bytes are shared until one side
    /// writes, in both forms.
    func copy() -> ListObject {
        let other = ListObject()
        switch storage {
        case .packed: other.storage = storage
        case .chunked(let chunked): other.storage = .chunked(chunked.copy())
        }
        return other
    }

    var isCompact: Bool {
        if case .packed = storage { return true }
        return false
    }

    /// The number of packed chunks (1 for a small list): for tests and `MEMORY USAGE`.
    var chunkCount: Int {
        switch storage {
        case .packed: return 1
        case .chunked(let chunked): return chunked.chunkCount
        }
    }

    /// Bytes this list allocates, as Cairn lays it out: the object, and the
    /// packed buffer or the chunks with their ring slots (`MEMORY USAGE`).
    var allocatedBytes: Int {
        switch storage {
        case .packed(let packed): return 32 + (packed.count == 0 ? 0 : packed.buffer.capacity + 20)
        case .chunked(let chunked): return 32 + 48 + chunked.allocatedBytes
        }
    }

    // MARK: Reading

    /// The element at `index` (0 ..< count).
    func element(at index: Int) -> ByteString {
        switch storage {
        case .packed(let packed): return packed.element(at: index)
        case .chunked(let chunked): return chunked.element(at: index)
        }
    }

    /// Calls `body` with the elements of `range` (indexes), last first when
    /// `reversed`; stops when it returns false.
    func forEach(in range: Range<Int>, reversed: Bool = false, _ body: (Int, ByteString) throws -> Bool) rethrows {
        guard !range.isEmpty else { return }
        switch storage {
        case .packed(let packed):
            if reversed {
                let all = packed.elements(expectedCount: count)
                for index in range.reversed() where try !body(index, all[index]) { return }
            } else {
                var index = 0
                try packed.forEach { element in
                    defer { index += 1 }
                    if index < range.lowerBound { return true }
                    if index >= range.upperBound { return false }
                    return try body(index, element)
                }
            }
        case .chunked(let chunked):
            try chunked.forEach(in: range, reversed: reversed, body)
        }
    }

    /// The elements of `range`, in order (last first when `reversed`).
    func elements(in range: Range<Int>, reversed: Bool = false) -> [ByteString] {
        var result: [ByteString] = []
        result.reserveCapacity(range.count)
        forEach(in: range, reversed: reversed) { _, element in
            result.append(element)
            return true
        }
        return result
    }

    /// Every element, in order.
    var elements: [ByteString] { elements(in: 0..<count) }

    // MARK: Writing

    /// `listTypePush`: adds `element` at the head or the tail.
    func push(_ element: ByteString, atHead: Bool) {
        if case .chunked(let chunked) = storage {
            if atHead { chunked.pushHead(element) } else { chunked.pushTail(element) }
            return
        }
        insert(element, at: atHead ? 0 : count)
    }

    /// Inserts `element` before position `index` (0 ... count).
    func insert(_ element: ByteString, at index: Int) {
        switch storage {
        case .packed(var packed):
            if packed.byteCount + PackedPairs.entrySize(element.count) > ListObject.packedLimitBytes {
                storage = .chunked(ChunkedList(adopting: packed))
                insert(element, at: index)
                return
            }
            storage = .packed(PackedList())  // drop the enum's reference so the bytes change in place
            if index == packed.count { packed.append(element) } else { packed.insert(element, at: index) }
            storage = .packed(packed)
        case .chunked(let chunked):
            chunked.insert(element, at: index)
        }
    }

    /// `listTypePop`: removes and returns the head or the tail element; nil when empty.
    func pop(atHead: Bool) -> ByteString? {
        let element: ByteString
        switch storage {
        case .packed(var packed):
            let count = packed.count
            guard count > 0 else { return nil }
            element = packed.element(at: atHead ? 0 : count - 1)
            storage = .packed(PackedList())
            packed.remove(atHead ? 0..<1 : count - 1..<count)
            storage = .packed(packed)
        case .chunked(let chunked):
            guard chunked.count > 0 else { return nil }
            element = atHead ? chunked.popHead() : chunked.popTail()
            packIfSmall(chunked)
        }
        return element
    }

    /// Replaces the element at `index` (`LSET`).
    func replace(at index: Int, with element: ByteString) {
        switch storage {
        case .packed(var packed):
            let old = packed.element(at: index)
            if packed.byteCount - PackedPairs.entrySize(old.count) + PackedPairs.entrySize(element.count) > ListObject.packedLimitBytes {
                storage = .chunked(ChunkedList(adopting: packed))
                replace(at: index, with: element)
                return
            }
            storage = .packed(PackedList())
            packed.replace(at: index, with: element)
            storage = .packed(packed)
        case .chunked(let chunked):
            chunked.replace(at: index, with: element)
            packIfSmall(chunked)
        }
    }

    /// Removes `first` elements from the head and `last` from the tail
    /// (`LTRIM`, `LPOP`/`RPOP` with a count: `quicklistDelRange`).
    func trim(first: Int, last: Int) {
        guard first + last > 0 else { return }
        switch storage {
        case .packed(var packed):
            let count = packed.count
            storage = .packed(PackedList())
            packed.remove(count - last..<count)
            packed.remove(0..<first)
            storage = .packed(packed)
        case .chunked(let chunked):
            chunked.trim(first: first, last: last)
            packIfSmall(chunked)
        }
    }

    /// Removes the elements at `indexes` (ascending; `LREM`).
    func remove(sortedIndexes indexes: [Int]) {
        guard !indexes.isEmpty else { return }
        switch storage {
        case .packed:
            var kept: [ByteString] = []
            kept.reserveCapacity(count - indexes.count)
            var next = 0
            forEach(in: 0..<count) { index, element in
                if next < indexes.count && indexes[next] == index { next += 1 } else { kept.append(element) }
                return true
            }
            replaceAll(with: kept)
        case .chunked(let chunked):
            chunked.remove(sortedIndexes: indexes)
            packIfSmall(chunked)
        }
    }

    /// Replaces every element, choosing the storage for the new size.
    func replaceAll(with elements: [ByteString]) {
        let bytes = elements.reduce(0) { $0 + PackedPairs.entrySize($1.count) }
        if bytes > ListObject.packedLimitBytes {
            storage = .chunked(ChunkedList(elements))
        } else {
            var packed = PackedList()
            for element in elements { packed.append(element) }
            storage = .packed(packed)
        }
    }

    // MARK: Conversion

    /// Goes back to one packed buffer once the chunks hold half a chunk or less.
    private func packIfSmall(_ chunked: ChunkedList) {
        guard chunked.byteCount <= ListObject.packedLimitBytes / 2 else { return }
        storage = .packed(chunked.packed())
    }
}
