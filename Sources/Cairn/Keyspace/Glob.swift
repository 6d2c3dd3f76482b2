/// Redis's glob matching (`stringmatchlen` in util.c), the one matcher for
/// `KEYS`, `SCAN MATCH`, `HSCAN MATCH`, `CONFIG GET` and pub/sub patterns.
///
/// `*`, `?`, `[abc]`, `[^abc]`, `[a-z]` (reversed ranges allowed), `\x`
/// escapes; an unterminated `[` class matches as Redis's does. The
/// `skipLongerMatches` cut-off bounds the work on patterns like `a*a*a*b`.
public enum Glob {
    public static func matches(pattern: Bytes, _ string: Bytes, ignoringCase: Bool = false) -> Bool {
        pattern.withUnsafeBufferPointer { p in
            string.withUnsafeBufferPointer { s in
                var skipLongerMatches = false
                return match(p, 0, s, 0, ignoringCase, &skipLongerMatches)
            }
        }
    }

    public static func matches(pattern: Bytes, _ string: ByteString, ignoringCase: Bool = false) -> Bool {
        string.withUnsafeBytes { raw in
            pattern.withUnsafeBufferPointer { p in
                let s = raw.bindMemory(to: UInt8.self)
                var skipLongerMatches = false
                return match(p, 0, s, 0, ignoringCase, &skipLongerMatches)
            }
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    /// `tolower` on a signed `char` value (bytes 0x80-0xFF are negative and unchanged).
    private static func lower(_ value: Int) -> Int {
        value >= 65 && value <= 90 ? value + 32 : value
    }

    /// A byte as the signed `char` C reads it.
    private static func signed(_ byte: UInt8) -> Int { Int(Int8(bitPattern: byte)) }

    // A transcription of stringmatchlen_impl. Reading past the end of the
    // pattern yields 0, as reading the C string's terminating NUL does.
    private static func match(_ pattern: UnsafeBufferPointer<UInt8>, _ patternStart: Int,
                              _ string: UnsafeBufferPointer<UInt8>, _ stringStart: Int,
                              _ nocase: Bool, _ skipLongerMatches: inout Bool) -> Bool {
        var p = patternStart
        var s = stringStart
        func pat(_ index: Int) -> UInt8 { index < pattern.count ? pattern[index] : 0 }
        func str(_ index: Int) -> UInt8 { index < string.count ? string[index] : 0 }

        while p < pattern.count && s < string.count {
            switch pattern[p] {
            case UInt8(ascii: "*"):
                while p < pattern.count && pat(p + 1) == UInt8(ascii: "*") { p += 1 }
                if pattern.count - p == 1 { return true }
                while s < string.count {
                    if match(pattern, p + 1, string, s, nocase, &skipLongerMatches) { return true }
                    if skipLongerMatches { return false }
                    s += 1
                }
                skipLongerMatches = true
                return false
            case UInt8(ascii: "?"):
                s += 1
            case UInt8(ascii: "["):
                p += 1
                let negate = pat(p) == UInt8(ascii: "^")
                if negate { p += 1 }
                var matched = false
                while true {
                    let remaining = pattern.count - p
                    if pat(p) == UInt8(ascii: "\\") && remaining >= 2 {
                        p += 1
                        if pat(p) == str(s) { matched = true }
                    } else if pat(p) == UInt8(ascii: "]") && remaining > 0 {
                        break
                    } else if remaining <= 0 {
                        p -= 1
                        break
                    } else if remaining >= 3 && pat(p + 1) == UInt8(ascii: "-") {
                        // Redis compares range bounds as C `char`, which is
                        // signed on x86-64 (the reference build): `[a-\xff]`
                        // spans -1...97, i.e. 0x00-0x61 and 0xFF, not 0x61-0xFF.
                        var start = signed(pat(p)), end = signed(pat(p + 2)), c = signed(str(s))
                        if start > end { swap(&start, &end) }
                        if nocase {
                            start = lower(start)
                            end = lower(end)
                            c = lower(c)
                        }
                        p += 2
                        if c >= start && c <= end { matched = true }
                    } else if nocase ? lower(pat(p)) == lower(str(s)) : pat(p) == str(s) {
                        matched = true
                    }
                    p += 1
                }
                if negate { matched.toggle() }
                if !matched { return false }
                s += 1
            default:
                if pattern[p] == UInt8(ascii: "\\") && pattern.count - p >= 2 { p += 1 }
                let same = nocase ? lower(pattern[p]) == lower(string[s]) : pattern[p] == string[s]
                if !same { return false }
                s += 1
            }
            p += 1
            if s == string.count {
                while pat(p) == UInt8(ascii: "*") && p < pattern.count { p += 1 }
                break
            }
        }
        return p >= pattern.count && s == string.count
    }
}
