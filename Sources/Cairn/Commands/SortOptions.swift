#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parsed options of `SORT` / `SORT_RO` (sort.c `sortCommandGeneric`'s
/// SQL-like parsing loop).
///
/// Parsing follows Redis's order exactly: options are read left to right,
/// the first bad one decides the error (a LIMIT bound that is not an integer
/// answers "value is not an integer or out of range", anything unknown or
/// missing its arguments is a syntax error), and all of that happens before
/// the key is even looked up. Later LIMIT, BY and STORE options replace
/// earlier ones; GET patterns accumulate.
struct SortOptions {
    var descending = false
    var alpha = false
    var limitStart: Int64 = 0
    var limitCount: Int64 = -1
    /// The last BY pattern.
    var byPattern: Bytes?
    /// Set by any BY pattern without `*` and never cleared: as in Redis,
    /// `BY nosort BY w_*` still does not sort.
    var dontSort = false
    var getPatterns: [Bytes] = []
    /// The last STORE destination (never set for SORT_RO, where STORE is a
    /// syntax error like any unknown word).
    var storeKey: Bytes?

    init(_ argv: [Bytes], readonly: Bool) throws(CommandError) {
        var index = 2
        while index < argv.count {
            let argument = argv[index]
            let left = argv.count - index - 1
            if argument.equalsIgnoringCase("asc") {
                descending = false
            } else if argument.equalsIgnoringCase("desc") {
                descending = true
            } else if argument.equalsIgnoringCase("alpha") {
                alpha = true
            } else if argument.equalsIgnoringCase("limit"), left >= 2 {
                guard let start = Numbers.parseInteger(argv[index + 1]),
                      let count = Numbers.parseInteger(argv[index + 2]) else { throw .notInteger }
                limitStart = start
                limitCount = count
                index += 2
            } else if !readonly, argument.equalsIgnoringCase("store"), left >= 1 {
                storeKey = argv[index + 1]
                index += 1
            } else if argument.equalsIgnoringCase("by"), left >= 1 {
                byPattern = argv[index + 1]
                if SortPattern.star(in: argv[index + 1]) == nil { dontSort = true }
                index += 1
            } else if argument.equalsIgnoringCase("get"), left >= 1 {
                getPatterns.append(argv[index + 1])
                index += 1
            } else {
                throw .syntax
            }
            index += 1
        }
    }

    /// The output range `start...end` over `length` elements, clamped as
    /// Redis does (negative offsets count as 0, negative counts as "all",
    /// an offset past the end selects nothing). `end < start` means empty.
    func range(length: Int) -> (start: Int, end: Int) {
        let length64 = Int64(length)
        var start = min(max(limitStart, 0), length64)
        let count = min(max(limitCount, -1), length64)
        var end = count < 0 ? length64 - 1 : start + count - 1
        if start >= length64 {
            start = length64 - 1
            end = length64 - 2
        }
        if end >= length64 { end = length64 - 1 }
        return (Int(start), Int(end))
    }
}

/// The BY/GET pattern rules of sort.c `lookupKeyByPattern`.
///
/// Redis reads patterns as C strings in places (`strchr`, `strstr`), so a
/// NUL byte in a pattern ends the search for `*` and `->` while the lengths
/// still count the whole argument; this keeps that behaviour.
enum SortPattern {
    /// The position of the first `*` before any NUL byte.
    static func star(in pattern: Bytes) -> Int? {
        for (index, byte) in pattern.enumerated() {
            if byte == 0 { return nil }
            if byte == UInt8(ascii: "*") { return index }
        }
        return nil
    }

    /// `#` alone (as a C string): the element itself.
    static func isSelf(_ pattern: Bytes) -> Bool {
        pattern.first == UInt8(ascii: "#") && (pattern.count == 1 || pattern[1] == 0)
    }

    /// The value `pattern` names for `element`: the element itself for `#`;
    /// nil without a `*`; else the first `*` replaced by the element names a
    /// string key, or with `->field` (non-empty, after the `*`) a field of a
    /// hash key. Missing keys, missing fields and other types give nil.
    static func lookup(_ pattern: Bytes, element: ByteString, in context: CommandContext) -> ByteString? {
        if isSelf(pattern) { return element }
        guard let star = star(in: pattern) else { return nil }
        let cLength = pattern.firstIndex(of: 0) ?? pattern.count
        var field: Bytes?
        var index = star + 1
        while index + 1 < cLength {
            if pattern[index] == UInt8(ascii: "-"), pattern[index + 1] == UInt8(ascii: ">") {
                // strstr finds the first arrow; it names a field only when something follows it.
                if index + 2 < cLength { field = Array(pattern[(index + 2)...]) }
                break
            }
            index += 1
        }
        let postfixEnd = pattern.count - (field.map { $0.count + 2 } ?? 0)
        var name = Bytes(pattern[..<star])
        name += element.bytes
        name += pattern[(star + 1)..<postfixEnd]
        let value = context.lookup(ByteString(name))
        if let field {
            guard case .hash(let hash)? = value else { return nil }
            return hash.get(ByteString(field))
        }
        guard case .string(let string)? = value else { return nil }
        return string
    }

    /// The weight of a value for a numeric sort: bare `strtod` on the C
    /// string, as sort.c does. Leading blanks, hex and `inf` are accepted,
    /// an empty string is 0, text after a NUL is ignored; leftovers, NaN and
    /// out-of-range values (`errno == ERANGE`, which includes denormals) fail.
    static func weight(_ value: ByteString) -> Double? {
        var terminated = value.bytes
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer -> Double? in
            let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let result = strtod(start, &end)
            guard let end, end.pointee == 0, errno != ERANGE, !result.isNaN else { return nil }
            return result
        }
    }
}
