/// The decompressor of liblzf, as Redis ships it (src/lzf_d.c), for strings
/// stored with `RDB_ENC_LZF` (Redis compresses strings longer than 20 bytes
/// when `rdbcompression` is on, which is the default, so a `DUMP` of a long
/// string from redis-server usually holds one).
///
/// The input is a sequence of runs: a control byte below 32 is a literal run
/// of `ctrl + 1` bytes; otherwise the top three bits are a length (7 means
/// "plus the next byte") and the rest, with the next byte, the distance back
/// into the output of a copy of `length + 2` bytes (which may overlap).
enum LZF {
    /// Inflates `input` to exactly `expectedCount` bytes, or nil when the
    /// input is malformed (a run past either end, a reference before the
    /// start) or inflates to a different size.
    static func decompress(_ input: ArraySlice<UInt8>, expectedCount: Int) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(expectedCount)
        var index = input.startIndex
        let end = input.endIndex
        while index < end {
            let control = Int(input[index])
            index += 1
            if control < 32 {
                let run = control + 1
                guard output.count + run <= expectedCount, index + run <= end else { return nil }
                output.append(contentsOf: input[index..<(index + run)])
                index += run
            } else {
                var length = control >> 5
                guard index < end else { return nil }
                if length == 7 {
                    length += Int(input[index])
                    index += 1
                    guard index < end else { return nil }
                }
                let distance = ((control & 0x1F) << 8) + Int(input[index]) + 1
                index += 1
                let copyCount = length + 2
                guard output.count + copyCount <= expectedCount, distance <= output.count else { return nil }
                var from = output.count - distance
                for _ in 0..<copyCount {
                    output.append(output[from])
                    from += 1
                }
            }
        }
        return output.count == expectedCount ? output : nil
    }
}
