/// A file's bytes as copy-on-write pages, so copying a file (for a snapshot
/// or a power cut) costs a dictionary of page references, not its bytes, and
/// a preallocated but unwritten range costs nothing: an absent page reads as
/// zeros.
struct PagedContent: Sendable {
    static let pageSize = 4096

    /// The length in bytes.
    private(set) var count = 0
    /// Page index to exactly `pageSize` bytes. Bytes at or past `count` are
    /// zero, so growing the file needs no page work.
    private var pages: [Int: [UInt8]] = [:]

    init() {}

    init(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0, at: 0) }
    }

    /// Every byte, materialized.
    var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            copy(into: UnsafeMutableRawBufferPointer(buffer), from: 0)
            initialized = count
        }
    }

    /// Copies `min(buffer.count, count - offset)` bytes starting at `offset`.
    func copy(into buffer: UnsafeMutableRawBufferPointer, from offset: Int) {
        var position = offset
        let end = min(count, offset + buffer.count)
        while position < end {
            let index = position / Self.pageSize, start = position % Self.pageSize
            let length = min(Self.pageSize - start, end - position)
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[(position - offset) ..< (position - offset + length)])
            if let page = pages[index] {
                page.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start ..< start + length])) }
            } else {
                _ = target.initializeMemory(as: UInt8.self, repeating: 0)
            }
            position += length
        }
    }

    /// The bytes in `range` (clamped to the content).
    func read(_ range: Range<Int>) -> [UInt8] {
        let length = max(0, min(range.upperBound, count) - range.lowerBound)
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            copy(into: UnsafeMutableRawBufferPointer(buffer), from: range.lowerBound)
            initialized = length
        }
    }

    /// Writes at `offset`, growing the content (a gap reads as zeros).
    mutating func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        var position = offset
        let end = offset + bytes.count
        while position < end {
            let index = position / Self.pageSize, start = position % Self.pageSize
            let length = min(Self.pageSize - start, end - position)
            let source = UnsafeRawBufferPointer(rebasing: bytes[(position - offset) ..< (position - offset + length)])
            pages[index, default: [UInt8](repeating: 0, count: Self.pageSize)].withUnsafeMutableBytes { page in
                UnsafeMutableRawBufferPointer(rebasing: page[start ..< start + length]).copyMemory(from: source)
            }
            position += length
        }
        count = max(count, end)
    }

    mutating func write(_ bytes: [UInt8], at offset: Int) {
        bytes.withUnsafeBytes { write($0, at: offset) }
    }

    /// Sets the length: a shrink drops whole pages past it and zeroes the tail
    /// of the last one (keeping "bytes past `count` are zero"); a growth reads
    /// as zeros.
    mutating func resize(to length: Int) {
        if length < count {
            let firstDropped = (length + Self.pageSize - 1) / Self.pageSize
            if pages.keys.contains(where: { $0 >= firstDropped }) { pages = pages.filter { $0.key < firstDropped } }
            let tail = length % Self.pageSize
            if tail != 0, pages[length / Self.pageSize] != nil {
                pages[length / Self.pageSize]!.withUnsafeMutableBytes { page in
                    _ = UnsafeMutableRawBufferPointer(rebasing: page[tail...]).initializeMemory(as: UInt8.self, repeating: 0)
                }
            }
        }
        count = length
    }
}
