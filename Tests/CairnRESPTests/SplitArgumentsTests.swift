import Testing
import CairnRESP

/// `splitArguments` against Redis's sdssplitargs (sds.c, and the cases its
/// own test in sds.c and redis-cli's behaviour show).
@Suite struct SplitArgumentsTests {
    private func split(_ line: String) -> [String]? {
        splitArguments(Array(line.utf8)).map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    @Test func blanksSeparateArguments() {
        #expect(split("  set   key\tvalue \r\n") == ["set", "key", "value"])
        #expect(split("") == [])
        #expect(split("   \t ") == [])
    }

    @Test func doubleQuotesUnderstandEscapes() {
        #expect(split(#"set "a b" "x\ny\t\"z\"""#) == ["set", "a b", "x\ny\t\"z\""])
        #expect(splitArguments(Array(#""\x41\x0a\xZZ""#.utf8)) == [[0x41, 0x0A] + Array("xZZ".utf8)])
        #expect(split(#""""#) == [""])
    }

    @Test func singleQuotesUnderstandOnlyEscapedQuote() {
        #expect(split(#"'it\'s' '\n'"#) == ["it's", "\\n"])
    }

    @Test func quotesMustCloseAndBeFollowedByABlank() {
        #expect(split(#""unterminated"#) == nil)
        #expect(split("'unterminated") == nil)
        #expect(split(#""a"b"#) == nil)
        #expect(split("'a'b") == nil)
        #expect(split(#"a"b c" d"#) == ["ab c", "d"])
    }

    @Test func lineEndsAtNul() {
        #expect(splitArguments([0x61, 0x20, 0x62, 0x00, 0x63]) == [[0x61], [0x62]])
    }
}
