/// A ring buffer: O(1) push and pop at both ends and O(1) access by index.
/// `ChunkedList` keeps its packed chunks in one, so a list grows or drains
/// at either end without moving the other chunks (Redis's quicklist links
/// its nodes; a ring of 24-byte chunk records is denser and indexable).
///
/// A class, so its owner changes it in place. Capacity is a power of two so
/// a position wraps with a mask.
final class ElementDeque<Element> {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// Storage slot of element 0.
    private var head = 0
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity { capacity <<= 1 }
        self.capacity = capacity
        storage = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
    }

    /// A deque holding `elements` in order.
    convenience init<S: Sequence>(_ elements: S, minimumCapacity: Int = 16) where S.Element == Element {
        self.init(minimumCapacity: minimumCapacity)
        for element in elements { append(element) }
    }

    deinit {
        for index in 0..<count { (storage + slot(index)).deinitialize(count: 1) }
        storage.deallocate()
    }

    /// An independent copy (`COPY`).
    func copy() -> ElementDeque {
        let other = ElementDeque(minimumCapacity: count)
        for index in 0..<count { other.append(self[index]) }
        return other
    }

    @inline(__always)
    private func slot(_ index: Int) -> Int { (head &+ index) & (capacity &- 1) }

    /// The element at `index` (0 ..< count).
    subscript(index: Int) -> Element {
        get { storage[slot(index)] }
        set { storage[slot(index)] = newValue }
    }

    /// Calls `body` with the element at `index` in place: no copy, so a
    /// reference it holds stays uniquely referenced (`isKnownUniquelyReferenced`).
    @inline(__always)
    func withElement<R>(at index: Int, _ body: (inout Element) throws -> R) rethrows -> R {
        try body(&storage[slot(index)])
    }

    func append(_ element: Element) {
        if count == capacity { grow() }
        (storage + slot(count)).initialize(to: element)
        count += 1
    }

    func prepend(_ element: Element) {
        if count == capacity { grow() }
        head = (head &- 1) & (capacity &- 1)
        (storage + head).initialize(to: element)
        count += 1
    }

    @discardableResult
    func removeFirst() -> Element {
        let element = (storage + head).move()
        head = slot(1)
        count -= 1
        shrinkIfSparse()
        return element
    }

    @discardableResult
    func removeLast() -> Element {
        count -= 1
        let element = (storage + slot(count)).move()
        shrinkIfSparse()
        return element
    }

    /// Drops the first `n` elements (`LTRIM`, `LPOP count`).
    func removeFirst(_ n: Int) {
        for _ in 0..<n {
            (storage + head).deinitialize(count: 1)
            head = slot(1)
            count -= 1
        }
        shrinkIfSparse()
    }

    /// Drops the last `n` elements.
    func removeLast(_ n: Int) {
        for _ in 0..<n {
            count -= 1
            (storage + slot(count)).deinitialize(count: 1)
        }
        shrinkIfSparse()
    }

    /// Inserts `element` before position `index` (0 ... count), moving the
    /// shorter side by one, as quicklist moves only within a node.
    func insert(_ element: Element, at index: Int) {
        if index >= count / 2 {
            append(element)
            var position = count - 1
            while position > index {
                swapSlots(slot(position), slot(position - 1))
                position -= 1
            }
        } else {
            prepend(element)
            for position in 0..<index { swapSlots(slot(position), slot(position + 1)) }
        }
    }

    /// Removes and returns the element at `index`, moving the shorter side.
    @discardableResult
    func remove(at index: Int) -> Element {
        if index >= count / 2 {
            var position = index
            while position < count - 1 {
                swapSlots(slot(position), slot(position + 1))
                position += 1
            }
            return removeLast()
        }
        var position = index
        while position > 0 {
            swapSlots(slot(position), slot(position - 1))
            position -= 1
        }
        return removeFirst()
    }

    private func swapSlots(_ a: Int, _ b: Int) {
        let saved = (storage + a).move()
        (storage + a).moveInitialize(from: storage + b, count: 1)
        (storage + b).initialize(to: saved)
    }

    /// Doubles the capacity, unwrapping the ring to start at slot 0.
    private func grow() { resize(to: capacity * 2) }

    /// Halves the capacity when a quarter or less is used, so a drained
    /// queue gives its memory back (Redis frees emptied quicklist nodes).
    private func shrinkIfSparse() {
        if capacity > 16 && count <= capacity / 4 { resize(to: capacity / 2) }
    }

    private func resize(to newCapacity: Int) {
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        let firstRun = min(count, capacity - head)
        fresh.moveInitialize(from: storage + head, count: firstRun)
        if firstRun < count { (fresh + firstRun).moveInitialize(from: storage, count: count - firstRun) }
        storage.deallocate()
        storage = fresh
        capacity = newCapacity
        head = 0
    }
}
