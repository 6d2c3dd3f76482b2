/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest
/// common subsequence of two strings (Redis's `lcsCommand`).
extension StringCommands {
    static let lcsSpec = CommandSpec("lcs", arity: -3, flags: [.readonly], keys: (1, 2, 1), group: "string") { context throws(CommandError) in
        try longestCommonSubsequence(context)
    }

    /// The classic dynamic-programming table, walked back from the end as
    /// Redis does, so the string and the match ranges (last match first) are
    /// the ones Redis gives. The key types are checked before the options;
    /// a missing key is the empty string.
    private static func longestCommonSubsequence(_ context: CommandContext) throws(CommandError) -> Reply {
        let first = context.lookup(context.key(1))
        let second = context.lookup(context.key(2))
        let a = try lcsInput(first)
        let b = try lcsInput(second)

        var wantsLength = false, wantsIndexes = false, withMatchLength = false
        var minimumMatchLength: Int64 = 0
        var index = 3
        while index < context.argumentCount {
            let hasNext = index + 1 < context.argumentCount
            if context.argument(index, is: "idx") {
                wantsIndexes = true
            } else if context.argument(index, is: "len") {
                wantsLength = true
            } else if context.argument(index, is: "withmatchlen") {
                withMatchLength = true
            } else if context.argument(index, is: "minmatchlen") && hasNext {
                minimumMatchLength = max(0, try context.integer(index + 1))
                index += 1
            } else {
                throw .syntax
            }
            index += 1
        }
        if wantsLength && wantsIndexes {
            throw .err("If you want both the length and indexes, please just use IDX.")
        }
        if a.count >= Int(UInt32.max) - 1 || b.count >= Int(UInt32.max) - 1 { throw .err("String too long for LCS") }
        // The table is transient memory Redis bounds by proto-max-bulk-len.
        let width = b.count + 1
        let cells = (a.count + 1) * width
        if Int64(cells) * 4 > maxStringLengthBytes {
            throw .err("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
        }

        var table = [UInt32](repeating: 0, count: cells)
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                table[i * width + j] = a[i - 1] == b[j - 1]
                    ? table[(i - 1) * width + j - 1] + 1
                    : max(table[(i - 1) * width + j], table[i * width + j - 1])
            }
        }
        let length = Int(table[a.count * width + b.count])
        if wantsLength { return .integer(Int64(length)) }

        var common = Bytes(repeating: 0, count: length)
        var matches: [Reply] = []
        var remaining = length
        var i = a.count, j = b.count
        // The current range: (aStart...aEnd) in a, starting at bStart in b; aStart == a.count means none.
        var aStart = a.count, aEnd = 0, bStart = 0, bEnd = 0
        while i > 0 && j > 0 {
            var emitRange = false
            if a[i - 1] == b[j - 1] {
                common[remaining - 1] = a[i - 1]
                if aStart == a.count {
                    aStart = i - 1; aEnd = i - 1
                    bStart = j - 1; bEnd = j - 1
                } else if aStart == i && bStart == j {
                    aStart -= 1
                    bStart -= 1
                } else {
                    emitRange = true
                }
                if aStart == 0 || bStart == 0 { emitRange = true }
                remaining -= 1; i -= 1; j -= 1
            } else {
                if table[(i - 1) * width + j] > table[i * width + j - 1] { i -= 1 } else { j -= 1 }
                if aStart != a.count { emitRange = true }
            }
            if emitRange {
                let matchLength = aEnd - aStart + 1
                if wantsIndexes && (minimumMatchLength == 0 || Int64(matchLength) >= minimumMatchLength) {
                    var match: [Reply] = [
                        .array([.integer(Int64(aStart)), .integer(Int64(aEnd))]),
                        .array([.integer(Int64(bStart)), .integer(Int64(bEnd))]),
                    ]
                    if withMatchLength { match.append(.integer(Int64(matchLength))) }
                    matches.append(.array(match))
                }
                aStart = a.count
            }
        }
        if wantsIndexes {
            return .map([.bulk(text: "matches"), .array(matches), .bulk(text: "len"), .integer(Int64(length))])
        }
        return .bulk(common)
    }

    /// A key's bytes for LCS: "" when missing, an error naming both keys
    /// (not WRONGTYPE) for another type.
    private static func lcsInput(_ value: Value?) throws(CommandError) -> Bytes {
        switch value {
        case nil: return []
        case .string(let string): return string.bytes
        default: throw .err("The specified keys must contain string values")
        }
    }
}
