/// The members and scores of a small sorted set in one contiguous byte
/// buffer, kept in (score, member) order: Redis's zset listpack
/// (`zzlInsert`, `zzlFind`, `zzlDelete`). Lookups scan; a write splices.
///
/// Layout: per element, the member as a `PackedPairs` entry (LEB128 length,
/// then the bytes; the same helpers the packed hash uses) followed by the
/// score's 8 IEEE-754 bytes, little-endian. A listpack stores the score as
/// text or an integer; raw bits keep -0.0, infinities and every double exact
/// without formatting on each insert.
struct PackedScores {
    private var bytes: [UInt8] = []

    init() {}

    var byteCount: Int { bytes.count }
    var isEmpty: Bool { bytes.isEmpty }

    /// The number of elements, counted by walking them.
    var count: Int {
        var elements = 0
        walk { _, _, _ in elements += 1; return true }
        return elements
    }

    /// Calls `body` with each element's member range, score and end offset,
    /// in order, until it returns false.
    private func walk(_ body: (Range<Int>, Double, Int) -> Bool) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let member = PackedPairs.entry(raw, at: offset)
                let score = Double(bitPattern: raw.loadUnaligned(fromByteOffset: member.upperBound, as: UInt64.self).littleEndian)
                let end = member.upperBound + 8
                guard body(member, score, end) else { return }
                offset = end
            }
        }
    }

    private func member(_ range: Range<Int>) -> ByteString {
        bytes.withUnsafeBytes { ByteString(copying: UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    private func memberEquals(_ range: Range<Int>, _ member: ByteString) -> Bool {
        guard range.count == member.count else { return false }
        return bytes.withUnsafeBytes { raw in
            member.withUnsafeBytes { other in
                range.count == 0 || memcmp(raw.baseAddress! + range.lowerBound, other.baseAddress!, range.count) == 0
            }
        }
    }

    /// Every element in order.
    var elements: [(member: ByteString, score: Double)] {
        var result: [(member: ByteString, score: Double)] = []
        walk { range, score, _ in
            result.append((member(range), score))
            return true
        }
        return result
    }

    func forEach(_ body: (ByteString, Double) -> Void) {
        walk { range, score, _ in
            body(member(range), score)
            return true
        }
    }

    /// `zzlFind`: the score of `member` and its 0-based rank.
    func find(_ member: ByteString) -> (score: Double, rank: Int)? {
        var found: (score: Double, rank: Int)?
        var rank = 0
        walk { range, score, _ in
            if memberEquals(range, member) {
                found = (score, rank)
                return false
            }
            rank += 1
            return true
        }
        return found
    }

    /// `zzlInsert`: adds a member that is not present, before the first
    /// element that sorts after it.
    ///
    /// -0.0 is stored as 0: a listpack keeps an integral score as an
    /// integer (`zzlInsertAt`, `double2ll`), which has no negative zero.
    mutating func insert(_ member: ByteString, score: Double) {
        let score = score == 0 ? 0 : score
        var position = bytes.count
        walk { range, existing, _ in
            let after = existing > score || (existing == score && self.member(range) > member)
            if after { position = range.lowerBound - (PackedPairs.entrySize(range.count) - range.count) }
            return !after
        }
        var encoded = [UInt8](repeating: 0, count: PackedPairs.entrySize(member.count) + 8)
        encoded.withUnsafeMutableBytes { target in
            let end = member.withUnsafeBytes { PackedPairs.writeEntry($0, to: target.baseAddress!) }
            end.storeBytes(of: score.bitPattern.littleEndian, toByteOffset: 0, as: UInt64.self)
        }
        bytes.insert(contentsOf: encoded, at: position)
    }

    /// `zzlDelete`: removes `member`; its score when it was present.
    @discardableResult
    mutating func remove(_ member: ByteString) -> Double? {
        var found: (Range<Int>, Double)?
        walk { range, score, end in
            guard memberEquals(range, member) else { return true }
            found = (range.lowerBound - (PackedPairs.entrySize(range.count) - range.count)..<end, score)
            return false
        }
        guard let (span, score) = found else { return nil }
        bytes.removeSubrange(span)
        return score
    }

    /// Removes the elements at 0-based `ranks`; returns them in order.
    mutating func removeRange(_ ranks: Range<Int>) -> [(member: ByteString, score: Double)] {
        var removed: [(member: ByteString, score: Double)] = []
        var start = 0, stop = 0, rank = 0
        walk { range, score, end in
            if rank == ranks.lowerBound { start = range.lowerBound - (PackedPairs.entrySize(range.count) - range.count) }
            if ranks.contains(rank) {
                removed.append((member(range), score))
                stop = end
            }
            rank += 1
            return rank < ranks.upperBound
        }
        if !removed.isEmpty { bytes.removeSubrange(start..<stop) }
        return removed
    }

    /// The elements at 0-based ranks `ranks`, in order.
    func elements(_ ranks: Range<Int>) -> [(member: ByteString, score: Double)] {
        var result: [(member: ByteString, score: Double)] = []
        var rank = 0
        walk { range, score, _ in
            if ranks.contains(rank) { result.append((member(range), score)) }
            rank += 1
            return rank < ranks.upperBound
        }
        return result
    }

    /// How many leading elements satisfy `advance` before the first that
    /// does not (`zzlFirstInRange`'s linear walk).
    func prefixCount(while advance: (ByteString, Double) -> Bool) -> Int {
        var passed = 0
        walk { range, score, _ in
            guard advance(member(range), score) else { return false }
            passed += 1
            return true
        }
        return passed
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
