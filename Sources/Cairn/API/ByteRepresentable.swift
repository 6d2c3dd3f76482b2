/// Anything the typed API accepts as a key, field or value: byte arrays, and
/// text (stored as its UTF-8 bytes).
public protocol ByteRepresentable {
    var cairnBytes: Bytes { get }
}

extension Array: ByteRepresentable where Element == UInt8 {
    public var cairnBytes: Bytes { self }
}

extension String: ByteRepresentable {
    public var cairnBytes: Bytes { Array(utf8) }
}

extension Substring: ByteRepresentable {
    public var cairnBytes: Bytes { Array(utf8) }
}

extension Int: ByteRepresentable {
    public var cairnBytes: Bytes { Array(String(self).utf8) }
}

extension Double: ByteRepresentable {
    /// Shortest text that reads back as the same double.
    public var cairnBytes: Bytes { Array("\(self)".utf8) }
}
