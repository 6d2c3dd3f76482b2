/// The elements of a big list: a ring of `ListChunk`s, each up to 8 KB of
/// packed entries, as Redis's quicklist of listpack nodes
/// (`list-max-listpack-size -2`).
///
/// Why: a million 9-byte elements take about 10 bytes each here (a 1-byte
/// length and the bytes, plus 24 bytes of ring per 8 KB chunk), where one
/// 16-byte `ByteString` slot each cost 16 bytes plus the ring's slack, and
/// Redis's listpack entries take 11 plus 32 bytes a node.
///
/// - Pushes and pops at either end touch only the end chunk: O(1) amortized
///   (a full end chunk gets a new neighbour; an emptied one is dropped).
///   A pop at the tail needs the last entry's offset, which the forward-only
///   entry format cannot give without a walk, so the tail chunk's entry
///   offsets are kept (`tailOffsets`, built by one walk, then kept up to
///   date by pushes and pops at the tail).
/// - Index and range access skip whole chunks by their counts, from the
///   nearer end (`quicklistGetIteratorAtIdx`), then walk one chunk.
/// - An insert into a full chunk splits it (`_quicklistSplitNode`); inserts
///   and removals merge a chunk with a neighbour when both fit in one
///   (`_quicklistMergeNodes`).
///
/// A class: `ListObject` holds it by reference and changes it in place.
final class ChunkedList {
    /// Packed bytes a chunk may hold: Redis's `list-max-listpack-size -2`
    /// (8 KB). A chunk holding one bigger element holds only that one.
    static let chunkLimitBytes = 8192

    // The fields a push or pop changes opt out of dynamic exclusivity
    // checks: each checked access costs about 80 instructions (a
    // thread-local lookup), four to six of them per push or pop, and no
    // access to one of them overlaps another (closures given to `chunks`
    // touch only the chunk they are handed and these fields, and never
    // escape).
    private let chunks: ElementDeque<ListChunk>
    @exclusivity(unchecked) private(set) var count = 0
    /// Bytes the entries take in all chunks: what one `PackedList` would
    /// hold, so `ListObject` can decide to pack a shrunk list without a walk.
    @exclusivity(unchecked) private(set) var byteCount = 0
    /// The absolute offsets of the tail chunk's entries, when `tailOffsetsValid`.
    @exclusivity(unchecked) private var tailOffsets: [UInt32] = []
    @exclusivity(unchecked) private var tailOffsetsValid = false

    private init(chunks: ElementDeque<ListChunk>) { self.chunks = chunks }

    /// A big list whose first chunk is `packed`'s buffer itself (no copy:
    /// the chunk starts after the count).
    convenience init(adopting packed: PackedList) {
        self.init(chunks: ElementDeque(minimumCapacity: 4))
        count = packed.count
        guard count > 0 else { return }
        chunks.append(ListChunk(buffer: packed.buffer, start: PackedList.prefixBytes, count: count))
        byteCount = packed.byteCount
    }

    /// A big list of `elements`, in order.
    convenience init(_ elements: [ByteString]) {
        self.init(chunks: ElementDeque(minimumCapacity: 4))
        for element in elements { pushTail(element) }
    }

    /// An independent copy (`COPY`): the chunks share their buffers until
    /// one side writes.
    func copy() -> ChunkedList {
        let other = ChunkedList(chunks: chunks.copy())
        other.count = count
        other.byteCount = byteCount
        return other
    }

    /// Chunks and bytes held, for `MEMORY USAGE`: each chunk's allocation and ring slot.
    var allocatedBytes: Int {
        var total = 0
        for index in 0..<chunks.count { total += chunks.withElement(at: index) { Int($0.capacity) } + 24 + 24 }
        return total + tailOffsets.capacity * 4
    }

    var chunkCount: Int { chunks.count }

    /// Each chunk's element count and entry bytes, in order (for tests).
    var chunkShapes: [(count: Int, bytes: Int)] {
        (0..<chunks.count).map { index in chunks.withElement(at: index) { (Int($0.count), $0.byteCount) } }
    }

    /// One `PackedList` holding every element (for a list shrunk back to one node).
    func packed() -> PackedList {
        guard count > 0 else { return PackedList() }
        let total = PackedList.prefixBytes + byteCount
        let fresh = unsafeDowncast(HeapBytes.create(minimumCapacity: total) { _ in UInt32(total) }, to: HeapBytes.self)
        fresh.withUnsafeMutablePointerToElements { base in
            PackedList.writeCount(count, at: UnsafeMutableRawPointer(base))
            var written = PackedList.prefixBytes
            for index in 0..<chunks.count {
                chunks.withElement(at: index) { chunk in
                    chunk.withEntries { entries in
                        UnsafeMutableRawPointer(base + written).copyMemory(from: entries.baseAddress!, byteCount: entries.count)
                        written += entries.count
                    }
                }
            }
        }
        return PackedList(buffer: fresh)
    }

    // MARK: Reading

    @inline(__always)
    private func chunkCount(_ index: Int) -> Int { chunks.withElement(at: index) { Int($0.count) } }

    /// The chunk holding element `index` and its position there, walking
    /// whole chunks from the nearer end.
    private func locate(_ index: Int) -> (chunk: Int, position: Int) {
        if index < count / 2 {
            var chunk = 0, rest = index
            while true {
                let size = chunkCount(chunk)
                if rest < size { return (chunk, rest) }
                rest -= size
                chunk += 1
            }
        }
        var chunk = chunks.count - 1, rest = count - 1 - index
        while true {
            let size = chunkCount(chunk)
            if rest < size { return (chunk, size - 1 - rest) }
            rest -= size
            chunk -= 1
        }
    }

    /// The element at `index` (0 ..< count).
    func element(at index: Int) -> ByteString {
        let (chunk, position) = locate(index)
        return chunks.withElement(at: chunk) { $0.element(at: position) }
    }

    /// Calls `body` with the elements of `range` (indexes), last first when
    /// `reversed`; stops when it returns false.
    func forEach(in range: Range<Int>, reversed: Bool, _ body: (Int, ByteString) throws -> Bool) rethrows {
        guard !range.isEmpty else { return }
        if reversed { return try forEachReversed(in: range, body) }
        var (chunk, position) = locate(range.lowerBound)
        var index = range.lowerBound
        while index < range.upperBound {
            let current = chunks[chunk]  // holds the buffer while `body` runs
            let more = try current.withBytes { bytes in
                var offset = current.offset(of: position)
                while position < Int(current.count) && index < range.upperBound {
                    let entry = PackedPairs.entry(bytes, at: offset)
                    guard try body(index, ByteString(copying: UnsafeRawBufferPointer(rebasing: bytes[entry]))) else { return false }
                    offset = entry.upperBound
                    position += 1
                    index += 1
                }
                return true
            }
            guard more else { return }
            chunk += 1
            position = 0
        }
    }

    private func forEachReversed(in range: Range<Int>, _ body: (Int, ByteString) throws -> Bool) rethrows {
        var (chunk, position) = locate(range.upperBound - 1)
        var index = range.upperBound - 1
        var offsets: [UInt32] = []
        while index >= range.lowerBound {
            let current = chunks[chunk]
            current.entryOffsets(into: &offsets)
            let more = try current.withBytes { bytes in
                while position >= 0 && index >= range.lowerBound {
                    let entry = PackedPairs.entry(bytes, at: Int(offsets[position]))
                    guard try body(index, ByteString(copying: UnsafeRawBufferPointer(rebasing: bytes[entry]))) else { return false }
                    position -= 1
                    index -= 1
                }
                return true
            }
            guard more, chunk > 0 else { return }
            chunk -= 1
            position = chunkCount(chunk) - 1
        }
    }

    // MARK: Ends

    private func fits(_ chunk: Int, adding size: Int) -> Bool {
        chunks.withElement(at: chunk) { $0.byteCount } + size <= ChunkedList.chunkLimitBytes
    }

    /// Adds `element` after the last one (`quicklistPushTail`).
    func pushTail(_ element: ByteString) {
        let size = PackedPairs.entrySize(element.count)
        let last = chunks.count - 1
        if last >= 0 && fits(last, adding: size) {
            let offset = chunks.withElement(at: last) { chunk in
                let moved = chunk.append(element, size: size)
                if moved > 0 && tailOffsetsValid {
                    for index in tailOffsets.indices { tailOffsets[index] -= UInt32(moved) }
                }
                return chunk.end - size
            }
            if tailOffsetsValid { tailOffsets.append(UInt32(offset)) }
        } else {
            chunks.append(ListChunk(element, capacity: ListChunk.grownCapacity(0, adding: size), atBack: false))
            tailOffsets.removeAll(keepingCapacity: true)
            tailOffsets.append(0)
            tailOffsetsValid = true
        }
        count += 1
        byteCount += size
    }

    /// Adds `element` before the first one (`quicklistPushHead`).
    func pushHead(_ element: ByteString) {
        let size = PackedPairs.entrySize(element.count)
        if chunks.count > 0 && fits(0, adding: size) {
            chunks.withElement(at: 0) { $0.prepend(element, size: size) }
            if chunks.count == 1 { tailOffsetsValid = false }
        } else {
            chunks.prepend(ListChunk(element, capacity: ListChunk.grownCapacity(0, adding: size), atBack: true))
        }
        count += 1
        byteCount += size
    }

    /// Removes and returns the first element; the list must not be empty.
    func popHead() -> ByteString {
        let (element, left) = chunks.withElement(at: 0) { chunk in (chunk.removeFirst(), chunk.count) }
        if left == 0 { chunks.removeFirst() }
        if chunks.count <= 1 { tailOffsetsValid = false }
        count -= 1
        byteCount -= PackedPairs.entrySize(element.count)
        return element
    }

    /// Removes and returns the last element; the list must not be empty.
    func popTail() -> ByteString {
        let last = chunks.count - 1
        if !tailOffsetsValid {
            chunks.withElement(at: last) { $0.entryOffsets(into: &tailOffsets) }
            tailOffsetsValid = true
        }
        let offset = Int(tailOffsets.removeLast())
        let (element, left) = chunks.withElement(at: last) { chunk in (chunk.removeLast(atOffset: offset), chunk.count) }
        if left == 0 {
            chunks.removeLast()
            tailOffsetsValid = false
        }
        count -= 1
        byteCount -= PackedPairs.entrySize(element.count)
        return element
    }

    /// Removes `first` elements from the head and `last` from the tail
    /// (`quicklistDelRange` at the ends): whole chunks are dropped by count.
    func trim(first: Int, last: Int) {
        tailOffsetsValid = false
        var first = first, last = last
        count -= first + last
        while first > 0 {
            let size = chunkCount(0)
            if size <= first {
                byteCount -= chunks.removeFirst().byteCount
                first -= size
            } else {
                chunks.withElement(at: 0) { chunk in
                    let before = chunk.byteCount
                    chunk.removeFirst(first)
                    byteCount -= before - chunk.byteCount
                }
                first = 0
            }
        }
        while last > 0 {
            let size = chunkCount(chunks.count - 1)
            if size <= last {
                byteCount -= chunks.removeLast().byteCount
                last -= size
            } else {
                chunks.withElement(at: chunks.count - 1) { chunk in
                    let before = chunk.byteCount
                    chunk.removeLast(last)
                    byteCount -= before - chunk.byteCount
                }
                last = 0
            }
        }
    }

    // MARK: Middle

    /// Inserts `element` before position `index` (0 ... count), as
    /// `_quicklistInsert`: into the chunk holding that position when it has
    /// room, else at the tail of the previous chunk when the position starts
    /// a chunk and that one has room, else by splitting the chunk there.
    func insert(_ element: ByteString, at index: Int) {
        if index == 0 { return pushHead(element) }
        if index == count { return pushTail(element) }
        tailOffsetsValid = false
        let size = PackedPairs.entrySize(element.count)
        let (chunk, position) = locate(index)
        count += 1
        byteCount += size
        if fits(chunk, adding: size) {
            chunks.withElement(at: chunk) { $0.replace(position..<position, with: element) }
            return
        }
        if position == 0 {
            if chunk > 0 && fits(chunk - 1, adding: size) {
                chunks.withElement(at: chunk - 1) { _ = $0.append(element, size: size) }
            } else {
                chunks.insert(ListChunk(element, capacity: size, atBack: false), at: chunk)
            }
            return
        }
        let right = chunks.withElement(at: chunk) { $0.split(at: position) }
        chunks.insert(right, at: chunk + 1)
        if fits(chunk, adding: size) {
            chunks.withElement(at: chunk) { _ = $0.append(element, size: size) }
        } else if fits(chunk + 1, adding: size) {
            chunks.withElement(at: chunk + 1) { $0.prepend(element, size: size) }
        } else {
            chunks.insert(ListChunk(element, capacity: size, atBack: false), at: chunk + 1)
        }
        mergeNeighbours(around: chunk + 1)
    }

    /// Replaces the element at `index` (`quicklistReplaceAtIndex`): in its
    /// chunk when the result fits, else as a removal and an insert.
    func replace(at index: Int, with element: ByteString) {
        tailOffsetsValid = false
        let (chunk, position) = locate(index)
        let (oldSize, fitsInPlace) = chunks.withElement(at: chunk) { chunk in
            let old = PackedPairs.entrySize(chunk.element(at: position).count)
            let new = PackedPairs.entrySize(element.count)
            return (old, chunk.count == 1 || chunk.byteCount - old + new <= ChunkedList.chunkLimitBytes)
        }
        if fitsInPlace {
            chunks.withElement(at: chunk) { $0.replace(position..<position + 1, with: element) }
            byteCount += PackedPairs.entrySize(element.count) - oldSize
            mergeNeighbours(around: chunk)
            return
        }
        chunks.withElement(at: chunk) { $0.replace(position..<position + 1, with: nil) }
        count -= 1
        byteCount -= oldSize
        insert(element, at: index)
    }

    /// Removes the elements at `indexes` (ascending), rebuilding only the
    /// chunks that hold one, then merges chunks left small (`LREM`).
    func remove(sortedIndexes indexes: [Int]) {
        guard !indexes.isEmpty else { return }
        tailOffsetsValid = false
        var next = 0  // the next index in `indexes`
        var chunk = 0, first = 0  // `first`: the list index of the chunk's first element
        while chunk < chunks.count && next < indexes.count {
            let size = chunkCount(chunk)
            var doomed = next
            while doomed < indexes.count && indexes[doomed] < first + size { doomed += 1 }
            if doomed > next {
                let local = Set(indexes[next..<doomed].map { $0 - first })
                let before = chunks.withElement(at: chunk) { $0.byteCount }
                chunks.withElement(at: chunk) { $0.filter { !local.contains($0) } }
                byteCount -= before - chunks.withElement(at: chunk) { $0.byteCount }
                count -= doomed - next
                next = doomed
            }
            first += size
            if chunkCount(chunk) == 0 { chunks.remove(at: chunk) } else { chunk += 1 }
        }
        var index = 0
        while index + 1 < chunks.count {
            if !mergeIfSmall(index) { index += 1 }
        }
    }

    /// Merges chunk `index` with its neighbours where two fit in one.
    private func mergeNeighbours(around index: Int) {
        if index + 1 < chunks.count { mergeIfSmall(index) }
        if index > 0 && index < chunks.count { mergeIfSmall(index - 1) }
    }

    /// Merges chunks `index` and `index + 1` when their bytes fit in one
    /// chunk; returns whether it did.
    @discardableResult
    private func mergeIfSmall(_ index: Int) -> Bool {
        let a = chunks[index], b = chunks[index + 1]
        guard a.byteCount + b.byteCount <= ChunkedList.chunkLimitBytes else { return false }
        let merged = a.merged(with: b)
        chunks.remove(at: index + 1)
        chunks.withElement(at: index) { $0 = merged }
        if index + 1 == chunks.count { tailOffsetsValid = false }
        return true
    }
}
