import Testing
@testable import Cairn

/// `Glob.matches` against Redis 7.0.15's `stringmatchlen` (util.c). The
/// table was recorded from a real redis-server 7.0.15 (x86-64) with `KEYS`:
/// every subject was a key, and each row lists the keys `KEYS pattern`
/// returned. Subjects are written one scalar per byte (`\u{FF}` is byte 0xFF).
@Suite struct GlobTests {
    /// The bytes of a test string, one byte per scalar (Latin-1).
    static func bytes(_ text: String) -> Bytes { text.unicodeScalars.map { UInt8($0.value) } }

    @Test func matchesRedisOnEveryRecordedPattern() {
        for row in GlobTests.table {
            let pattern = GlobTests.bytes(row.pattern)
            for subject in GlobTests.subjects {
                // KEYS short-circuits a lone `*` (so it lists the empty key);
                // stringmatchlen itself never matches an empty string with `*`.
                let expected = row.matches.contains(subject) && !(row.pattern == "*" && subject.isEmpty)
                let got = Glob.matches(pattern: pattern, GlobTests.bytes(subject))
                #expect(got == expected, "pattern \(Array(row.pattern.unicodeScalars)) on \(Array(subject.unicodeScalars))")
                let viaByteString = Glob.matches(pattern: pattern, ByteString(GlobTests.bytes(subject)))
                #expect(viaByteString == got)
            }
        }
    }

    @Test func emptyStringMatchesOnlyTheEmptyPattern() {
        #expect(Glob.matches(pattern: [], []))
        #expect(!Glob.matches(pattern: GlobTests.bytes("*"), []), "stringmatchlen needs a byte to enter its loop")
        #expect(!Glob.matches(pattern: GlobTests.bytes("?"), []))
        #expect(!Glob.matches(pattern: GlobTests.bytes("[a]"), []))
        #expect(!Glob.matches(pattern: [], GlobTests.bytes("a")))
    }

    @Test func starRunsAfterTheLastByteAreSkipped() {
        #expect(Glob.matches(pattern: GlobTests.bytes("a***"), GlobTests.bytes("a")))
        #expect(Glob.matches(pattern: GlobTests.bytes("a*b*"), GlobTests.bytes("ab")))
        #expect(!Glob.matches(pattern: GlobTests.bytes("a*?"), GlobTests.bytes("a")))
    }

    @Test func ignoringCaseFollowsTolower() {
        #expect(Glob.matches(pattern: GlobTests.bytes("HeLLo"), GlobTests.bytes("hello"), ignoringCase: true))
        #expect(!Glob.matches(pattern: GlobTests.bytes("HeLLo"), GlobTests.bytes("hello")))
        #expect(Glob.matches(pattern: GlobTests.bytes("[A-C]"), GlobTests.bytes("b"), ignoringCase: true))
        #expect(Glob.matches(pattern: GlobTests.bytes("[c-A]"), GlobTests.bytes("B"), ignoringCase: true))
        #expect(Glob.matches(pattern: GlobTests.bytes("[^X]"), GlobTests.bytes("y"), ignoringCase: true))
        #expect(!Glob.matches(pattern: GlobTests.bytes("[^X]"), GlobTests.bytes("x"), ignoringCase: true))
        // An escape outside a class folds case; inside a class Redis compares exactly.
        #expect(Glob.matches(pattern: GlobTests.bytes("\\A"), GlobTests.bytes("a"), ignoringCase: true))
        #expect(!Glob.matches(pattern: GlobTests.bytes("[\\A]"), GlobTests.bytes("a"), ignoringCase: true))
    }

    @Test func manyStarsFailFast() {
        // Without the skipLongerMatches cut-off this is exponential.
        let pattern = GlobTests.bytes(String(repeating: "a*", count: 30) + "b")
        let subject = Bytes(repeating: UInt8(ascii: "a"), count: 200)
        #expect(!Glob.matches(pattern: pattern, subject))
        #expect(Glob.matches(pattern: pattern, subject + [UInt8(ascii: "b")]))
    }

    // MARK: Recorded from redis-server 7.0.15

    static let subjects: [String] = [
        "", "a", "b", "c", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "[", "]", "-", "^", "\\", "hello", "hallo",
        "hxllo", "heeeello", "hllo", "A", "Z", "z", "_", "\u{00}", "a\u{00}b", "\u{FF}", "\u{C0}", "\r\n", "key:1",
        "key:10", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa",
    ]
    static let table: [(pattern: String, matches: [String])] = [
        ("*", ["", "a", "b", "c", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "[", "]", "-", "^", "\\", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Z", "z", "_", "\u{00}", "a\u{00}b", "\u{FF}", "\u{C0}", "\r\n", "key:1", "key:10", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa"]),
        ("", [""]),
        ("?", ["a", "b", "c", "[", "]", "-", "^", "\\", "A", "Z", "z", "_", "\u{00}", "\u{FF}", "\u{C0}"]),
        ("??", ["ab", "ac", "\r\n"]),
        ("a*", ["a", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "a\u{00}b", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa"]),
        ("*c", ["c", "abc", "aXc", "a*c", "a?c", "a\\c", "ac"]),
        ("a*c", ["abc", "aXc", "a*c", "a?c", "a\\c", "ac"]),
        ("a?c", ["abc", "aXc", "a*c", "a?c", "a\\c"]),
        ("a\\*c", ["a*c"]),
        ("a\\?c", ["a?c"]),
        ("\\", ["\\"]),
        ("a\\", []),
        ("*\\", ["\\"]),
        ("\\\\", ["\\"]),
        ("\\a", ["a"]),
        ("[abc]", ["a", "b", "c"]),
        ("[^a]", ["b", "c", "[", "]", "-", "^", "\\", "A", "Z", "z", "_", "\u{00}", "\u{FF}", "\u{C0}"]),
        ("[^abc]", ["[", "]", "-", "^", "\\", "A", "Z", "z", "_", "\u{00}", "\u{FF}", "\u{C0}"]),
        ("[a-c]", ["a", "b", "c"]),
        ("[c-a]", ["a", "b", "c"]),
        ("[z-a]", ["a", "b", "c", "z"]),
        ("[abc", ["a", "b", "c"]),
        ("[a-", ["a", "-"]),
        ("[a-]", ["a", "]", "^", "_"]),
        ("[^", ["a", "b", "c", "[", "]", "-", "^", "\\", "A", "Z", "z", "_", "\u{00}", "\u{FF}", "\u{C0}"]),
        ("[", []),
        ("[]", []),
        ("[]]", []),
        ("[\\]]", ["]"]),
        ("[\\", ["\\"]),
        ("[\\\\]", ["\\"]),
        ("h[ae]llo", ["hello", "hallo"]),
        ("h[^e]llo", ["hallo", "hxllo"]),
        ("h*llo", ["hello", "hallo", "hxllo", "heeeello", "hllo"]),
        ("h?llo", ["hello", "hallo", "hxllo"]),
        ("**", ["a", "b", "c", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "[", "]", "-", "^", "\\", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Z", "z", "_", "\u{00}", "a\u{00}b", "\u{FF}", "\u{C0}", "\r\n", "key:1", "key:10", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa"]),
        ("***c", ["c", "abc", "aXc", "a*c", "a?c", "a\\c", "ac"]),
        ("a**", ["a", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "a\u{00}b", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa"]),
        ("*a*", ["a", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "hallo", "a\u{00}b", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa"]),
        ("*?", ["a", "b", "c", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "[", "]", "-", "^", "\\", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Z", "z", "_", "\u{00}", "a\u{00}b", "\u{FF}", "\u{C0}", "\r\n", "key:1", "key:10", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa"]),
        ("?*", ["a", "b", "c", "ab", "abc", "aXc", "a*c", "a?c", "a\\c", "ac", "[", "]", "-", "^", "\\", "hello", "hallo", "hxllo", "heeeello", "hllo", "A", "Z", "z", "_", "\u{00}", "a\u{00}b", "\u{FF}", "\u{C0}", "\r\n", "key:1", "key:10", "aaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaa"]),
        ("\u{00}", ["\u{00}"]),
        ("a\u{00}b", ["a\u{00}b"]),
        ("a?b", ["a\u{00}b"]),
        ("[\u{00}]", ["\u{00}"]),
        ("[a-\u{FF}]", ["a", "[", "]", "-", "^", "\\", "A", "Z", "_", "\u{00}", "\u{FF}"]),
        ("[\u{FF}-a]", ["a", "[", "]", "-", "^", "\\", "A", "Z", "_", "\u{00}", "\u{FF}"]),
        ("[\u{00}-\u{7F}]", ["a", "b", "c", "[", "]", "-", "^", "\\", "A", "Z", "z", "_", "\u{00}"]),
        ("[\u{80}-\u{FF}]", ["\u{FF}", "\u{C0}"]),
        ("\r\n", ["\r\n"]),
        ("key:?", ["key:1"]),
        ("key:*", ["key:1", "key:10"]),
        ("key:[0-9]", ["key:1"]),
        ("key:[0-9][0-9]", ["key:10"]),
        ("a*a*a*a*b", ["aaaaaaaaaaaaaaaaaaab"]),
        ("a*a*a*a*a", ["aaaaaaaaaaaaaaaaaaaa"]),
        ("*-*", ["-"]),
        ("[-]", ["-"]),
        ("[a\\-c]", ["a", "c", "-"]),
        ("[\\-]", ["-"]),
        ("A", ["A"]),
        ("[A-Z]", ["A", "Z"]),
        ("[a-Z]", ["a", "[", "]", "^", "\\", "Z", "_"]),
        ("[^]", ["a", "b", "c", "[", "]", "-", "^", "\\", "A", "Z", "z", "_", "\u{00}", "\u{FF}", "\u{C0}"]),
        ("a[", []),
        ("ab[", []),
        ("[ab", ["a", "b"]),
        ("*[", []),
        ("[*]", []),
        ("[?]", []),
        ("?\\", []),
        ("h*l*o", ["hello", "hallo", "hxllo", "heeeello", "hllo"]),
        ("*\u{FF}", ["\u{FF}"]),
    ]
}
