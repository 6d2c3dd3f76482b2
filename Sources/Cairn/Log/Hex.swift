/// Hexadecimal text for the log's error messages: checksums and raw bytes, as
/// an operator would compare them with `xxd` output.
public enum Hex {
    /// `0x`-prefixed, eight lowercase digits: `0xe3069283`.
    public static func word(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Two lowercase digits per byte, no separators: `4341`.
    static func bytes(_ bytes: Bytes) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
