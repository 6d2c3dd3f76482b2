/// sdscatrepr: double-quoted; `"` and `\` escaped, \n \r \t \a \b named,
/// other unprintable bytes as \xHH. How redis-cli and MONITOR show
/// arguments, how command-line options become config lines that
/// sdssplitargs reads back unchanged, and how `cairn-dump log` prints
/// commands.
public func sdsRepr(_ bytes: some Sequence<UInt8>) -> String {
    var out = "\""
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "\""): out += "\\" + String(UnicodeScalar(byte))
        case UInt8(ascii: "\n"): out += "\\n"
        case UInt8(ascii: "\r"): out += "\\r"
        case UInt8(ascii: "\t"): out += "\\t"
        case 7: out += "\\a"
        case 8: out += "\\b"
        case 0x20...0x7E: out += String(UnicodeScalar(byte))
        default:
            let hex = String(byte, radix: 16)
            out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
        }
    }
    return out + "\""
}
