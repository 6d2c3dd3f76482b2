import Testing
@testable import Cairn

/// Redis's util.c number rules, which decide what INCR, EXPIRE, SETRANGE,
/// INCRBYFLOAT and friends accept.
@Suite struct NumbersTests {
    private func int(_ text: String) -> Int64? { Numbers.parseInteger(Array(text.utf8)) }
    private func double(_ text: String) -> Double? { Numbers.parseDouble(Array(text.utf8)) }
    private func longDouble(_ text: String) -> Float80? { Numbers.parseLongDouble(Array(text.utf8)) }
    private func human(_ value: Float80) -> String { String(decoding: Numbers.formatHuman(value), as: UTF8.self) }

    @Test func integersAsString2ll() {
        #expect(int("0") == 0)
        #expect(int("-1") == -1)
        #expect(int("9223372036854775807") == .max)
        #expect(int("-9223372036854775808") == .min)
        for invalid in ["", "-", "-0", "+1", " 1", "1 ", "01", "00", "9223372036854775808",
                        "-9223372036854775809", "1.0", "1e3", "0x10", "123456789012345678901", "1\0"] {
            #expect(int(invalid) == nil, "\(invalid.debugDescription) must not parse")
        }
    }

    @Test func doublesAsString2d() {
        #expect(double("1.5") == 1.5)
        #expect(double("-1e3") == -1000)
        #expect(double("inf") == .infinity)
        #expect(double("-inf") == -.infinity)
        #expect(double(".5") == 0.5)
        for invalid in ["", " 1", "1 ", "nan", "1e400", "-1e400", "abc", "1.5x", "1\01"] {
            #expect(double(invalid) == nil, "\(invalid.debugDescription) must not parse")
        }
    }

    @Test func longDoublesAsString2ld() {
        #expect(longDouble("10.5") == 10.5)
        #expect(longDouble("1e400") != nil, "long double reaches further than double")
        #expect(longDouble("nan") == nil)
        #expect(longDouble(" 1") == nil)
        #expect(longDouble(String(repeating: "1", count: 5 * 1024)) == nil)
    }

    @Test func humanFormatAsLd2string() {
        #expect(human(10.5) == "10.5")
        #expect(human(3) == "3")
        #expect(human(-0.0) == "0")
        #expect(human(5.0e3) == "5000")
        #expect(human(Float80(10.5) + Float80(0.1)) == "10.6")
        #expect(human(.infinity) == "inf")
        #expect(String(decoding: Numbers.formatDouble(1.5), as: UTF8.self) == "1.5")
        #expect(String(decoding: Numbers.formatDouble(0.1), as: UTF8.self) == "0.10000000000000001")
    }
}
