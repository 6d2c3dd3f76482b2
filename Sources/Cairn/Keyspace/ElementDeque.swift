/// The elements of a big list: a ring buffer of `ByteString`s, for O(1)
/// push and pop at both ends and O(1) access by index (Redis's quicklist
/// gives O(1) ends and O(n/8KB) index; `LINDEX`/`LRANGE`/`LSET` in the
/// middle of a million-element queue are cheaper here).
///
/// Why a ring of `ByteString` and not chunks of packed bytes: an element of
/// up to 14 bytes (every integer, most queue items) lives inline in its 16
/// bytes with no allocation, so a million small elements cost 16 MB plus at
/// most as much again of spare capacity, and reading one costs no decoding.
/// Packed chunks would save about 10 bytes an element for tiny ones; small
/// lists, where per-list overhead dominates, use `PackedList` instead.
///
/// A class: `ListObject` holds it by reference and changes it in place.
/// Capacity is a power of two so a position wraps with a mask.
final class ElementDeque {
    private var storage: UnsafeMutablePointer<ByteString>
    private var capacity: Int
    /// Storage slot of element 0.
    private var head = 0
    private(set) var count = 0
    /// What the elements would take as `PackedList` bytes, kept up to date
    /// by `ListObject` so it can decide to pack a shrunk list without a walk.
    var packedBytes = 0

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity { capacity <<= 1 }
        self.capacity = capacity
        storage = UnsafeMutablePointer<ByteString>.allocate(capacity: capacity)
    }

    /// A deque holding `elements` in order.
    convenience init<S: Sequence>(_ elements: S, minimumCapacity: Int = 16) where S.Element == ByteString {
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
        other.packedBytes = packedBytes
        return other
    }

    @inline(__always)
    private func slot(_ index: Int) -> Int { (head &+ index) & (capacity &- 1) }

    /// The element at `index` (0 ..< count).
    subscript(index: Int) -> ByteString {
        get { storage[slot(index)] }
        set { storage[slot(index)] = newValue }
    }

    func append(_ element: ByteString) {
        if count == capacity { grow() }
        (storage + slot(count)).initialize(to: element)
        count += 1
    }

    func prepend(_ element: ByteString) {
        if count == capacity { grow() }
        head = (head &- 1) & (capacity &- 1)
        (storage + head).initialize(to: element)
        count += 1
    }

    func removeFirst() -> ByteString {
        let element = (storage + head).move()
        head = slot(1)
        count -= 1
        shrinkIfSparse()
        return element
    }

    func removeLast() -> ByteString {
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
    func insert(_ element: ByteString, at index: Int) {
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
        let fresh = UnsafeMutablePointer<ByteString>.allocate(capacity: newCapacity)
        let firstRun = min(count, capacity - head)
        fresh.moveInitialize(from: storage + head, count: firstRun)
        if firstRun < count { (fresh + firstRun).moveInitialize(from: storage, count: count - firstRun) }
        storage.deallocate()
        storage = fresh
        capacity = newCapacity
        head = 0
    }
}
