#if canImport(Glibc)
import Glibc
#endif

/// The arguments every SCAN-family command takes (Redis's
/// `parseScanCursorOrReply` and `scanGenericCommand`): a cursor, then
/// `COUNT n`, `MATCH pattern` and, for `SCAN` only, `TYPE name`.
struct ScanArguments {
    var cursor: UInt64
    var count = 10
    /// nil when there is no pattern or it is exactly `*` (matches everything).
    var pattern: Bytes?
    var typeName: Bytes?

    /// Parses `argv[cursorIndex...]`. `allowsType` is true for `SCAN` only.
    init(_ context: CommandContext, cursorIndex: Int, allowsType: Bool) throws(CommandError) {
        cursor = try ScanArguments.parseCursor(context.argv[cursorIndex])
        var index = cursorIndex + 1
        while index < context.argumentCount {
            let remaining = context.argumentCount - index
            if context.argument(index, is: "count") && remaining >= 2 {
                let value = try context.integer(index + 1)
                guard value >= 1 else { throw .syntax }
                count = Int(clamping: value)
            } else if context.argument(index, is: "match") && remaining >= 2 {
                let pattern = context.argv[index + 1]
                self.pattern = pattern == [UInt8(ascii: "*")] ? nil : pattern
            } else if allowsType && context.argument(index, is: "type") && remaining >= 2 {
                typeName = context.argv[index + 1]
            } else {
                throw .syntax
            }
            index += 2
        }
    }

    /// `strtoul` in base 10: the whole argument, no leading space, no overflow
    /// (a leading `-` wraps, as C's `strtoul` does).
    static func parseCursor(_ text: Bytes) throws(CommandError) -> UInt64 {
        let invalid = CommandError.err("invalid cursor")
        if let first = text.first, first == 0x20 || (first >= 0x09 && first <= 0x0D) { throw invalid }
        if text.contains(0) { throw invalid }
        var terminated = text
        terminated.append(0)
        let parsed: UInt64? = terminated.withUnsafeBufferPointer { buffer in
            let start = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = strtoul(start, &end, 10)
            guard let end, end.pointee == 0, errno != ERANGE else { return nil }
            return UInt64(value)
        }
        guard let parsed else { throw invalid }
        return parsed
    }

    /// Whether `element` passes the `MATCH` filter.
    func matches(_ element: ByteString) -> Bool {
        guard let pattern else { return true }
        return Glob.matches(pattern: pattern, element)
    }

    /// Runs `step` (one table bucket per call, returning the next cursor)
    /// until `count` elements were collected, the scan ended, or ten times
    /// `count` buckets were visited (Redis's `maxiterations`).
    /// `elementsPerItem` is 2 for hashes and sorted sets, whose COUNT Redis
    /// doubles because each item is a field and a value.
    ///
    /// A huge COUNT (`SCAN 0 COUNT 9223372036854775807`) overflows Redis's
    /// `count*10` into a negative `maxiterations` that `maxiterations--`
    /// never brings to zero: Redis then walks the whole table in one call.
    /// Saturating does the same without the overflow; the page holds what
    /// the table holds, nothing is allocated for COUNT itself.
    func iterate(elementsPerItem: Int = 1, collected: () -> Int, _ step: (UInt64) -> UInt64) -> UInt64 {
        let target = ScanArguments.saturatingProduct(count, elementsPerItem)
        var maxIterations = ScanArguments.saturatingProduct(target, 10)
        var next = cursor
        repeat {
            next = step(next)
            maxIterations -= 1
        } while next != 0 && maxIterations >= 0 && collected() < target
        return next
    }

    private static func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
}

extension Reply {
    /// The two-element reply of every SCAN-family command: the next cursor
    /// as a bulk string, then the elements.
    static func scanPage(cursor: UInt64, _ elements: [Reply]) -> Reply {
        .array([.bulk(Array(String(cursor).utf8)), .array(elements)])
    }
}
