import Cairn
import CairnTestSupport

/// The fuzzer's bytes read as a sequence of choices; past the end every
/// read gives zeros (an empty remainder), so a target never runs out.
public struct FuzzInput {
    public let bytes: [UInt8]
    public private(set) var index = 0

    public init(_ start: UnsafeRawPointer, _ count: Int) {
        bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    public var isAtEnd: Bool { index >= bytes.count }

    public mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    /// A number in `0..<bound` (bound ≤ 65536) from one or two bytes.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0 && bound <= 1 << 16)
        if bound <= 256 { return Int(byte()) % bound }
        return (Int(byte()) << 8 | Int(byte())) % bound
    }

    /// The next `count` bytes (fewer at the end).
    public mutating func take(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, index + max(0, count))
        defer { index = end }
        return Array(bytes[min(index, end)..<end])
    }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] { take(bytes.count - index) }
}

/// Fails the run (libFuzzer reports it as a crash, with the input).
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant: \(message())") }
}

/// A data directory in a fresh simulated file system holding `files`.
public func simulatedDirectory(_ files: [(name: String, bytes: [UInt8])]) -> (SimulatedFileSystem, String) {
    let fileSystem = SimulatedFileSystem(seed: 1)
    let directory = "/data"
    do {
        try fileSystem.makeDirectory(directory)
        for (name, bytes) in files {
            let handle = try fileSystem.open(directory + "/" + name, .readWrite, options: .exclusiveCreate)
            try fileSystem.writeAll(handle, bytes, at: 0)
            try fileSystem.close(handle)
        }
    } catch {
        fatalError("the simulated file system refused a fixture: \(error)")
    }
    return (fileSystem, directory)
}

/// The text of a MANIFEST listing `segments` after `snapshot`, with its checksum.
public func manifestText(snapshot: String?, durableThrough: UInt64, segments: [String]) -> [UInt8] {
    var text = "cairn-manifest 2\nsnapshot \(snapshot ?? "-")\ndurable-through \(durableThrough)\n"
    for segment in segments { text += "segment \(segment)\n" }
    var bytes = Array(text.utf8)
    bytes += Array("crc32c \(Hex.word(CRC32C.mask(CRC32C.checksum(bytes))))\n".utf8)
    return bytes
}
