/// A Redis list. Small lists are one `PackedList` (one listpack node's
/// worth of bytes); a list whose packed bytes would pass
/// `packedLimitBytes` (8 KB, Redis's default `list-max-listpack-size -2`)
/// becomes an `ElementDeque`, and goes back to packed bytes once it shrinks
/// to half of that (the hysteresis Redis 7.2's `listTypeTryConvertQuicklist`
/// uses, so a list at the boundary does not convert on every push and pop).
///
/// Redis 7.0 reports every list as "quicklist" (its one list encoding), so
/// the split is invisible to clients; it only saves memory and time.
///
/// A class, so a command changes the stored list in place. Indexes here
/// are already normalized (0 ..< count); commands turn Redis's negative
/// indexes into these.
final class ListObject {
    /// Packed bytes past which a list becomes a deque: `list-max-listpack-size -2`.
    static let packedLimitBytes = 8192

    private enum Storage {
        case packed(PackedList)
        case deque(ElementDeque)
    }

    /// With the count, 32 bytes with the object header: the smallest malloc
    /// chunk, like `HashObject`. (The deque keeps its own packed size.)
    private var storage: Storage
    private(set) var count = 0

    init() { storage = .packed(PackedList()) }

    /// A list of `elements`, in order.
    convenience init(_ elements: [ByteString]) {
        self.init()
        replaceAll(with: elements)
    }

    /// An independent copy (`COPY`): packed bytes are shared until one side
    /// writes; a deque is copied.
    func copy() -> ListObject {
        let other = ListObject()
        switch storage {
        case .packed: other.storage = storage
        case .deque(let deque): other.storage = .deque(deque.copy())
        }
        other.count = count
        return other
    }

    var isCompact: Bool {
        if case .packed = storage { return true }
        return false
    }

    // MARK: Reading

    /// The element at `index` (0 ..< count).
    func element(at index: Int) -> ByteString {
        switch storage {
        case .packed(let packed): return packed.element(at: index)
        case .deque(let deque): return deque[index]
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
        case .deque(let deque):
            if reversed {
                for index in range.reversed() where try !body(index, deque[index]) { return }
            } else {
                for index in range where try !body(index, deque[index]) { return }
            }
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
        insert(element, at: atHead ? 0 : count)
    }

    /// Inserts `element` before position `index` (0 ... count).
    func insert(_ element: ByteString, at index: Int) {
        let size = PackedPairs.entrySize(element.count)
        switch storage {
        case .packed(var packed):
            if packed.byteCount + size > ListObject.packedLimitBytes {
                convertToDeque(packed)
                insert(element, at: index)
                return
            }
            storage = .packed(PackedList())  // drop the enum's reference so the bytes change in place
            if index == count { packed.append(element) } else { packed.insert(element, at: index) }
            storage = .packed(packed)
        case .deque(let deque):
            if index == count {
                deque.append(element)
            } else if index == 0 {
                deque.prepend(element)
            } else {
                deque.insert(element, at: index)
            }
            deque.packedBytes += size
        }
        count += 1
    }

    /// `listTypePop`: removes and returns the head or the tail element; nil when empty.
    func pop(atHead: Bool) -> ByteString? {
        guard count > 0 else { return nil }
        let element: ByteString
        switch storage {
        case .packed(var packed):
            element = packed.element(at: atHead ? 0 : count - 1)
            storage = .packed(PackedList())
            packed.remove(atHead ? 0..<1 : count - 1..<count)
            storage = .packed(packed)
            count -= 1
        case .deque(let deque):
            element = atHead ? deque.removeFirst() : deque.removeLast()
            count -= 1
            deque.packedBytes -= PackedPairs.entrySize(element.count)
            convertBackIfSmall()
        }
        return element
    }

    /// Replaces the element at `index` (`LSET`).
    func replace(at index: Int, with element: ByteString) {
        switch storage {
        case .packed(var packed):
            let old = packed.element(at: index)
            if packed.byteCount - PackedPairs.entrySize(old.count) + PackedPairs.entrySize(element.count) > ListObject.packedLimitBytes {
                convertToDeque(packed)
                replace(at: index, with: element)
                return
            }
            storage = .packed(PackedList())
            packed.replace(at: index, with: element)
            storage = .packed(packed)
        case .deque(let deque):
            deque.packedBytes += PackedPairs.entrySize(element.count) - PackedPairs.entrySize(deque[index].count)
            deque[index] = element
            convertBackIfSmall()
        }
    }

    /// Removes `first` elements from the head and `last` from the tail
    /// (`LTRIM`, `LPOP`/`RPOP` with a count: `quicklistDelRange`).
    func trim(first: Int, last: Int) {
        guard first + last > 0 else { return }
        switch storage {
        case .packed(var packed):
            storage = .packed(PackedList())
            packed.remove(count - last..<count)
            packed.remove(0..<first)
            storage = .packed(packed)
        case .deque(let deque):
            for index in 0..<first { deque.packedBytes -= PackedPairs.entrySize(deque[index].count) }
            for index in count - last..<count { deque.packedBytes -= PackedPairs.entrySize(deque[index].count) }
            deque.removeFirst(first)
            deque.removeLast(last)
        }
        count -= first + last
        if case .deque = storage { convertBackIfSmall() }
    }

    /// Replaces every element (`LREM`'s rebuild), choosing the storage for the new size.
    func replaceAll(with elements: [ByteString]) {
        let bytes = elements.reduce(0) { $0 + PackedPairs.entrySize($1.count) }
        count = elements.count
        if bytes > ListObject.packedLimitBytes {
            let deque = ElementDeque(elements, minimumCapacity: elements.count)
            deque.packedBytes = bytes
            storage = .deque(deque)
        } else {
            var packed = PackedList()
            for element in elements { packed.append(element) }
            storage = .packed(packed)
        }
    }

    // MARK: Conversion

    private func convertToDeque(_ packed: PackedList) {
        let deque = ElementDeque(minimumCapacity: count + 1)
        packed.forEach { deque.append($0); return true }
        deque.packedBytes = packed.byteCount
        storage = .deque(deque)
    }

    private func convertBackIfSmall() {
        guard case .deque(let deque) = storage, deque.packedBytes <= ListObject.packedLimitBytes / 2 else { return }
        var packed = PackedList()
        for index in 0..<deque.count { packed.append(deque[index]) }
        storage = .packed(packed)
    }
}
