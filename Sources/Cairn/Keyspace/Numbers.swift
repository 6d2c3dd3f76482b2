#if canImport(Glibc)
import Glibc
#endif

/// Redis's number parsing and formatting (util.c), byte for byte: which
/// strings count as integers and floats, and how floats print.
public enum Numbers {
    /// `string2ll`: an optional `-`, no leading zeros, no spaces, no `+`,
    /// at most 20 characters, within `Int64`.
    public static func parseInteger<C: Collection>(_ text: C) -> Int64? where C.Element == UInt8 {
        let count = text.count
        guard count > 0, count < 21 else { return nil }
        var index = text.startIndex
        if count == 1 && text[index] == UInt8(ascii: "0") { return 0 }
        var negative = false
        if text[index] == UInt8(ascii: "-") {
            negative = true
            index = text.index(after: index)
            if index == text.endIndex { return nil }
        }
        let first = text[index]
        guard first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") else { return nil }
        var magnitude = UInt64(first - UInt8(ascii: "0"))
        index = text.index(after: index)
        while index != text.endIndex {
            let byte = text[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
            index = text.index(after: index)
        }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
    }

    /// `string2d`: all of `text` must be a `strtod` number; no leading space,
    /// no NaN, no overflow to infinity (but `inf` spelled out is accepted).
    static func parseDouble(_ text: Bytes) -> Double? {
        guard let value = parseWholly(text, strtod) else { return nil }
        return value.isNaN ? nil : value
    }

    /// `string2ld`: as `parseDouble`, in `long double` (x87 80-bit), which
    /// `INCRBYFLOAT` and `HINCRBYFLOAT` compute in.
    static func parseLongDouble(_ text: Bytes) -> Float80? {
        // MAX_LONG_DOUBLE_CHARS is 5 * 1024; string2ld also refuses EINVAL.
        guard text.count < 5 * 1024, let value = parseWholly(text, strtold), errno != EINVAL else { return nil }
        return value.isNaN ? nil : value
    }

    /// Runs a C `strto*` parser over `text`, which must be consumed whole,
    /// must not start with a space (`isspace`) and must not overflow
    /// (`ERANGE` to infinity or zero), as Redis's `string2d`/`string2ld` check.
    private static func parseWholly<F: BinaryFloatingPoint>(
        _ text: Bytes, _ parse: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> F
    ) -> F? {
        guard !text.isEmpty, !isSpace(text[0]), !text.contains(0) else { return nil }
        var terminated = text
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer -> F? in
            let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = parse(start, &end)
            guard let end, end - UnsafeMutablePointer(mutating: start) == text.count else { return nil }
            if errno == ERANGE && (value.isInfinite || value == 0) { return nil }
            return value
        }
    }

    /// `ld2string(LD_STR_HUMAN)`: `%.17Lf` without trailing zeros, as
    /// `INCRBYFLOAT` replies and stores.
    static func formatHuman(_ value: Float80) -> Bytes {
        if value.isInfinite { return Array((value > 0 ? "inf" : "-inf").utf8) }
        var text = cFormat("%.17Lf", value)
        if text.contains(UInt8(ascii: ".")) {
            while text.last == UInt8(ascii: "0") { text.removeLast() }
            if text.last == UInt8(ascii: ".") { text.removeLast() }
        }
        if text == Array("-0".utf8) { text = [UInt8(ascii: "0")] }
        return text
    }

    /// `ld2string(LD_STR_AUTO)`: `%.17Lg`.
    static func formatLongDoubleAuto(_ value: Float80) -> Bytes {
        if value.isInfinite { return Array((value > 0 ? "inf" : "-inf").utf8) }
        return cFormat("%.17Lg", value)
    }

    /// `%.17g` of a double, as Redis's `addReplyDouble` prints scores in RESP2.
    public static func formatDouble(_ value: Double) -> Bytes {
        if value.isInfinite { return Array((value > 0 ? "inf" : "-inf").utf8) }
        if value.isNaN { return Array("nan".utf8) }
        return cFormat("%.17g", value)
    }

    private static func cFormat(_ format: String, _ value: any CVarArg) -> Bytes {
        var buffer = [CChar](repeating: 0, count: 5200)
        let length = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return buffer[0..<Int(max(0, min(length, Int32(buffer.count - 1))))].map { UInt8(bitPattern: $0) }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}
