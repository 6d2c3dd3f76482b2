/// Case-insensitive lookup of command names straight from a request's bytes,
/// without lowercasing them into a new array or hashing them with SipHash:
/// it runs once or twice per command, so it is on every request's path.
///
/// Open addressing over a power-of-two slot array at most a quarter full;
/// the hash is FNV-1a over the ASCII-lowercased bytes.
public struct CommandNameIndex<Value: Sendable>: Sendable {
    private let names: [Bytes]
    private let values: [Value]
    private let slots: [Int32]
    private let mask: Int

    /// `entries`: names (any case, unique ignoring case) and their values.
    public init(_ entries: [(name: String, value: Value)]) {
        names = entries.map { Array($0.name.utf8).asciiLowercased }
        values = entries.map(\.value)
        var capacity = 8
        while capacity < names.count * 4 { capacity *= 2 }
        mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, name) in names.enumerated() {
            var slot = CommandNameIndex.hash(name) & mask
            while slots[slot] >= 0 {
                precondition(names[Int(slots[slot])] != name, "\(name) is in the index twice")
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(index)
        }
        self.slots = slots
    }

    /// The value for `name`, any letter case.
    public func lookup(_ name: Bytes) -> Value? {
        var slot = CommandNameIndex.hash(name) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if names[index].equalsIgnoringCase(name) { return values[index] }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ bytes: Bytes) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte >= 65 && byte <= 90 ? byte + 32 : byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}

extension Array where Element == UInt8 {
    /// The bytes with ASCII letters lowercased, as Redis's case-insensitive
    /// command and option names.
    public var asciiLowercased: Bytes {
        map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    /// strcasecmp-equality with an ASCII word.
    public func equalsIgnoringCase(_ word: StaticString) -> Bool {
        word.withUTF8Buffer { equalsIgnoringCase($0) }
    }

    /// strcasecmp-equality with other bytes (ASCII letters only fold).
    public func equalsIgnoringCase(_ other: some Collection<UInt8>) -> Bool {
        guard count == other.count else { return false }
        var index = 0
        for b in other {
            let a = self[index]
            index += 1
            if a == b { continue }
            let lowerA = a >= 65 && a <= 90 ? a + 32 : a
            let lowerB = b >= 65 && b <= 90 ? b + 32 : b
            if lowerA != lowerB { return false }
        }
        return true
    }
}
