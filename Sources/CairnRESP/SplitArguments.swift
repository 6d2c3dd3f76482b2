/// Splits a line into arguments exactly as Redis's `sdssplitargs` does: the
/// parser behind inline commands and every line of a config file.
///
/// Blanks separate arguments; `"double quotes"` understand `\n \r \t \b \a`,
/// `\xHH` and `\<any>`; `'single quotes'` understand only `\'`. A closing
/// quote must be followed by a blank or the end of the line. As in C, the
/// line ends at its first NUL byte.
///
/// Returns nil for unbalanced quotes (Redis: "unbalanced quotes").
public func splitArguments<Line: Collection<UInt8>>(_ line: Line) -> [[UInt8]]? {
    // The C code reads a NUL-terminated string; reading past the end gives 0.
    var bytes = Array(line.prefix { $0 != 0 })
    bytes.append(0)
    var position = 0
    var arguments: [[UInt8]] = []

    func isBlank(_ byte: UInt8) -> Bool {
        // C's isspace in the "C" locale.
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    while true {
        while bytes[position] != 0 && isBlank(bytes[position]) { position += 1 }
        if bytes[position] == 0 { return arguments }

        var current: [UInt8] = []
        var inDoubleQuotes = false
        var inSingleQuotes = false
        var done = false
        while !done {
            let byte = bytes[position]
            if inDoubleQuotes {
                if byte == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "x"),
                   let high = hexValue(bytes[position + 2]), let low = hexValue(bytes[position + 3]) {
                    current.append(high << 4 | low)
                    position += 3
                } else if byte == UInt8(ascii: "\\"), bytes[position + 1] != 0 {
                    position += 1
                    current.append(unescaped(bytes[position]))
                } else if byte == UInt8(ascii: "\"") {
                    let next = bytes[position + 1]
                    if next != 0 && !isBlank(next) { return nil }
                    done = true
                } else if byte == 0 {
                    return nil
                } else {
                    current.append(byte)
                }
            } else if inSingleQuotes {
                if byte == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "'") {
                    position += 1
                    current.append(UInt8(ascii: "'"))
                } else if byte == UInt8(ascii: "'") {
                    let next = bytes[position + 1]
                    if next != 0 && !isBlank(next) { return nil }
                    done = true
                } else if byte == 0 {
                    return nil
                } else {
                    current.append(byte)
                }
            } else {
                switch byte {
                case 0x20, 0x0A, 0x0D, 0x09, 0x00: done = true
                case UInt8(ascii: "\""): inDoubleQuotes = true
                case UInt8(ascii: "'"): inSingleQuotes = true
                default: current.append(byte)
                }
            }
            if bytes[position] != 0 { position += 1 }
        }
        arguments.append(current)
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

private func unescaped(_ byte: UInt8) -> UInt8 {
    switch byte {
    case UInt8(ascii: "n"): 0x0A
    case UInt8(ascii: "r"): 0x0D
    case UInt8(ascii: "t"): 0x09
    case UInt8(ascii: "b"): 0x08
    case UInt8(ascii: "a"): 0x07
    default: byte
    }
}
