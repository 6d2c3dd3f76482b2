/// SHA-1 (FIPS 180-4, section 6.1), one-shot: Redis's `DEBUG DIGEST` is
/// built from it (debug.c's xorDigest and mixDigest over sha1.c), and
/// `EVALSHA` names scripts by it.
///
/// SHA-1 is broken for collision resistance; here it is a fingerprint that
/// must equal Redis's bit for bit, not a security boundary.
///
/// ```swift
/// SHA1.hash(Array("abc".utf8)).hex     // "a9993e364706816aba3e25717850c26c9cd0d89d"
/// var mixed = SHA1Digest.zero
/// mixed ^= SHA1.hash(Array("key".utf8))
/// let fed = SHA1.hash(mixed)           // the hash of those 20 bytes
/// ```
enum SHA1 {
    /// The hash of `bytes`.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA1Digest {
        var state = SHA1Digest.initial
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { schedule in
            var offset = 0
            while bytes.count - offset >= 64 {
                for index in 0..<16 {
                    schedule[index] = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self))
                }
                compress(&state, schedule)
                offset += 64
            }
            // The padding (5.1.1): the last partial block, 0x80, zeros, and the
            // message length in bits as a big-endian 64-bit word, in one block
            // or, when fewer than 9 bytes are left for it, two.
            let rest = bytes.count - offset
            let blocks = rest + 9 <= 64 ? 1 : 2
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                tail.initialize(repeating: 0)
                for index in 0..<rest { tail[index] = bytes[offset + index] }
                tail[rest] = 0x80
                let bits = UInt64(bytes.count) &* 8
                for index in 0..<8 { tail[64 * blocks - 1 - index] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index))) }
                for block in 0..<blocks {
                    for index in 0..<16 {
                        let at = 64 * block + 4 * index
                        schedule[index] = UInt32(tail[at]) << 24 | UInt32(tail[at + 1]) << 16
                            | UInt32(tail[at + 2]) << 8 | UInt32(tail[at + 3])
                    }
                    compress(&state, schedule)
                }
            }
        }
        return state
    }

    /// The hash of `bytes`.
    static func hash(_ bytes: Bytes) -> SHA1Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The hash of `string`'s bytes (an integer-encoded string as its decimal text).
    static func hash(_ string: ByteString) -> SHA1Digest {
        string.withUnsafeBytes { hash($0) }
    }

    /// The hash of `digest`'s 20 bytes: one block, its words filled in
    /// directly (mixDigest hashes a digest after every element).
    static func hash(_ digest: SHA1Digest) -> SHA1Digest {
        var state = SHA1Digest.initial
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { schedule in
            schedule[0] = digest.h0
            schedule[1] = digest.h1
            schedule[2] = digest.h2
            schedule[3] = digest.h3
            schedule[4] = digest.h4
            schedule[5] = 0x8000_0000
            for index in 6..<15 { schedule[index] = 0 }
            schedule[15] = 160  // 20 bytes, in bits
            compress(&state, schedule)
        }
        return state
    }

    /// One block (6.1.2): `schedule[0..<16]` holds its words; the rest of
    /// the 80 is scratch for the message schedule.
    private static func compress(_ state: inout SHA1Digest, _ schedule: UnsafeMutableBufferPointer<UInt32>) {
        for t in 16..<80 {
            schedule[t] = rotate(schedule[t - 3] ^ schedule[t - 8] ^ schedule[t - 14] ^ schedule[t - 16], 1)
        }
        var a = state.h0, b = state.h1, c = state.h2, d = state.h3, e = state.h4
        for t in 0..<80 {
            let f: UInt32, k: UInt32
            switch t {
            case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
            case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
            case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
            default: f = b ^ c ^ d; k = 0xCA62_C1D6
            }
            let temp = rotate(a, 5) &+ f &+ e &+ k &+ schedule[t]
            e = d
            d = c
            c = rotate(b, 30)
            b = a
            a = temp
        }
        state.h0 &+= a
        state.h1 &+= b
        state.h2 &+= c
        state.h3 &+= d
        state.h4 &+= e
    }

    private static func rotate(_ word: UInt32, _ count: UInt32) -> UInt32 {
        word << count | word >> (32 - count)
    }
}

/// A SHA-1 digest: 20 bytes, held as the five big-endian words of the hash
/// state (the bytes are each word's, most significant first). XOR of two
/// digests word by word is the XOR of their bytes, which is what debug.c's
/// xorDigest does.
struct SHA1Digest: Equatable, Hashable, Sendable {
    var h0: UInt32, h1: UInt32, h2: UInt32, h3: UInt32, h4: UInt32

    /// Twenty zero bytes: where Redis's digests start (`memset(digest,0,20)`).
    static let zero = SHA1Digest(h0: 0, h1: 0, h2: 0, h3: 0, h4: 0)

    /// H(0), the initial hash value (5.3.1).
    static let initial = SHA1Digest(h0: 0x6745_2301, h1: 0xEFCD_AB89, h2: 0x98BA_DCFE, h3: 0x1032_5476, h4: 0xC3D2_E1F0)

    static func ^= (lhs: inout SHA1Digest, rhs: SHA1Digest) {
        lhs.h0 ^= rhs.h0
        lhs.h1 ^= rhs.h1
        lhs.h2 ^= rhs.h2
        lhs.h3 ^= rhs.h3
        lhs.h4 ^= rhs.h4
    }

    /// The 20 bytes, in order.
    var bytes: Bytes {
        [h0, h1, h2, h3, h4].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
    }

    /// Forty lowercase hex digits, as debug.c prints digests (`%02x` per byte).
    var hex: String {
        [h0, h1, h2, h3, h4].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }.joined()
    }
}
