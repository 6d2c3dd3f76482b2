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

    private static let backwardOffset = 8
    private static let lengthOffset = 16
    private static let levelOffset = 20
    private static let linksOffset = 24
    private static let linkStride = 16

    /// A new unlinked node (links nil, spans 0, no backward link).
    static func allocate(level: Int, score: Double, member: UnsafeRawBufferPointer) -> SkipNode {
        precondition(level >= 1 && level <= SkipList.maxLevel && member.count <= Int(UInt32.max), "skiplist node out of range")
        let size = linksOffset + level * linkStride + member.count
        let address = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        address.storeBytes(of: score, as: Double.self)
        address.storeBytes(of: nil, toByteOffset: backwardOffset, as: UnsafeMutableRawPointer?.self)
        address.storeBytes(of: UInt32(member.count), toByteOffset: lengthOffset, as: UInt32.self)
        address.storeBytes(of: UInt8(level), toByteOffset: levelOffset, as: UInt8.self)
        for index in 0..<level {
            address.storeBytes(of: nil, toByteOffset: linksOffset + index * linkStride, as: UnsafeMutableRawPointer?.self)
            address.storeBytes(of: 0, toByteOffset: linksOffset + index * linkStride + 8, as: Int.self)
        }
        if let source = member.baseAddress, member.count > 0 {
            (address + linksOffset + level * linkStride).copyMemory(from: source, byteCount: member.count)
        }
        return SkipNode(address: address)
    }

    /// Releases the block; the node must be unlinked and never used again.
    func free() { address.deallocate() }

    var score: Double {
        get { address.load(as: Double.self) }
        nonmutating set { address.storeBytes(of: newValue, as: Double.self) }
    }

    /// The previous node in order (nil for the first).
    var backward: SkipNode? {
        get { address.load(fromByteOffset: SkipNode.backwardOffset, as: UnsafeMutableRawPointer?.self).map(SkipNode.init) }
        nonmutating set {
            address.storeBytes(of: newValue?.address, toByteOffset: SkipNode.backwardOffset, as: UnsafeMutableRawPointer?.self)
        }
    }

    var level: Int { Int(address.load(fromByteOffset: SkipNode.levelOffset, as: UInt8.self)) }

    @inline(__always)
    func forward(_ index: Int) -> SkipNode? {
        address.load(fromByteOffset: SkipNode.linksOffset + index * SkipNode.linkStride,
                     as: UnsafeMutableRawPointer?.self).map(SkipNode.init)
    }

    @inline(__always)
    func setForward(_ index: Int, _ node: SkipNode?) {
        address.storeBytes(of: node?.address, toByteOffset: SkipNode.linksOffset + index * SkipNode.linkStride,
                           as: UnsafeMutableRawPointer?.self)
    }

    /// How many elements the forward link at `index` jumps.
    @inline(__always)
    func span(_ index: Int) -> Int {
        address.load(fromByteOffset: SkipNode.linksOffset + index * SkipNode.linkStride + 8, as: Int.self)
    }

    @inline(__always)
    func setSpan(_ index: Int, _ span: Int) {
        address.storeBytes(of: span, toByteOffset: SkipNode.linksOffset + index * SkipNode.linkStride + 8, as: Int.self)
    }

    /// The member's bytes, valid while the node lives.
    var memberBytes: UnsafeRawBufferPointer {
        let count = Int(address.load(fromByteOffset: SkipNode.lengthOffset, as: UInt32.self))
        return UnsafeRawBufferPointer(start: address + SkipNode.linksOffset + level * SkipNode.linkStride, count: count)
    }

    /// The member as a `ByteString` (a copy: inline up to 14 bytes).
    var member: ByteString { ByteString(memberBytes) }

    /// The block's size as malloc sees it (for memory accounting).
    var allocatedBytes: Int { SkipNode.linksOffset + level * SkipNode.linkStride + memberBytes.count }

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
