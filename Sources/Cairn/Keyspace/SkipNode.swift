#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One element of a big sorted set: score, backward link, forward links
/// and the member's bytes in a single malloc'ed block, Redis's
/// `zskiplistNode` with the `sds` folded in.
///
/// Why raw memory and not a class: a class node costs a 16-byte object
/// header, a separate allocation for its links and a third for a member
/// longer than `ByteString`'s 14 inline bytes, and every step of a descent
/// would retain and release. Here a 15-byte member at level 1 is one 56-byte
/// block (a 64-byte malloc chunk), read with one cache miss per node.
///
/// Layout (offsets in bytes, 8-byte aligned):
///
///     0   score            Double
///     8   backward         pointer or 0 (level 0's previous node)
///     16  member length    UInt32 (Redis caps a string at 512 MB)
///     20  level            UInt8, 1...SkipList.maxLevel
///     24  links            level x (forward pointer or 0, span Int)
///     24 + 16 * level      the member's bytes
///
/// The links sit at a fixed offset so a descent reads the next pointer
/// without first reading the member length. The owner (`SkipList`) frees
/// nodes; a `SkipNode` is a plain address, valid until its node is removed.
struct SkipNode: Equatable {
    let address: UnsafeMutableRawPointer

    /// The fixed fields, bound at `address`.
    private struct Header {
        var score: Double
        var backward: UnsafeMutableRawPointer?
        var memberCount: UInt32
        var level: UInt8
    }

    /// One level's forward link, bound from `linksOffset` on.
    private struct Link {
        var forward: UnsafeMutableRawPointer?
        var span: Int
    }

    private static var linksOffset: Int { MemoryLayout<Header>.stride }

    /// A new unlinked node (links nil, spans 0, no backward link).
    static func allocate(level: Int, score: Double, member: UnsafeRawBufferPointer) -> SkipNode {
        precondition(level >= 1 && level <= SkipList.maxLevel && member.count <= Int(UInt32.max), "skiplist node out of range")
        let size = linksOffset + level * MemoryLayout<Link>.stride + member.count
        let address = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<Header>.alignment)
        address.bindMemory(to: Header.self, capacity: 1)
            .initialize(to: Header(score: score, backward: nil, memberCount: UInt32(member.count), level: UInt8(level)))
        (address + linksOffset).bindMemory(to: Link.self, capacity: level)
            .initialize(repeating: Link(forward: nil, span: 0), count: level)
        if let source = member.baseAddress, member.count > 0 {
            (address + linksOffset + level * MemoryLayout<Link>.stride).copyMemory(from: source, byteCount: member.count)
        }
        return SkipNode(address: address)
    }

    /// Releases the block; the node must be unlinked and never used again.
    func free() { address.deallocate() }

    private var header: UnsafeMutablePointer<Header> { address.assumingMemoryBound(to: Header.self) }
    private var links: UnsafeMutablePointer<Link> { (address + SkipNode.linksOffset).assumingMemoryBound(to: Link.self) }

    var score: Double {
        get { header.pointee.score }
        nonmutating set { header.pointee.score = newValue }
    }

    /// The previous node in order (nil for the first).
    var backward: SkipNode? {
        get {
            guard let address = header.pointee.backward else { return nil }
            return SkipNode(address: address)
        }
        nonmutating set { header.pointee.backward = newValue?.address }
    }

    var level: Int { Int(header.pointee.level) }

    @inline(__always)
    func forward(_ index: Int) -> SkipNode? {
        guard let address = links[index].forward else { return nil }
        return SkipNode(address: address)
    }

    @inline(__always)
    func setForward(_ index: Int, _ node: SkipNode?) { links[index].forward = node?.address }

    /// How many elements the forward link at `index` jumps.
    @inline(__always)
    func span(_ index: Int) -> Int { links[index].span }

    @inline(__always)
    func setSpan(_ index: Int, _ span: Int) { links[index].span = span }

    /// The member's bytes, valid while the node lives.
    var memberBytes: UnsafeRawBufferPointer {
        let header = self.header.pointee
        return UnsafeRawBufferPointer(start: address + SkipNode.linksOffset + Int(header.level) * MemoryLayout<Link>.stride,
                                      count: Int(header.memberCount))
    }

    /// The member as a `ByteString` (a copy: inline up to 14 bytes).
    var member: ByteString { ByteString(memberBytes) }

    var next: SkipNode? { forward(0) }
    var previous: SkipNode? { backward }

    /// Whether this node sorts before (score, member): `zslInsert`'s test.
    @inline(__always)
    func precedes(_ score: Double, _ member: UnsafeRawBufferPointer) -> Bool {
        let own = self.score
        return own < score || (own == score && SkipNode.compare(memberBytes, member) < 0)
    }

    /// `sdscmp`: memcmp over the common length, then the shorter first.
    @inline(__always)
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }
}
