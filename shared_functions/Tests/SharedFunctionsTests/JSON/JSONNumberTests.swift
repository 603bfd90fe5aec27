#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif
import Testing

@testable import SharedFunctions

@Suite("JSON numbers read with the same bits as strtod")
struct JSONNumberTests {
    static func parsed(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBytes { parseNumber($0) }
    }

    static func reference(_ text: String) -> Double { strtod(text, nil) }

    @Test("the fast path and the fallback agree with strtod bit for bit, on edges and on random numbers")
    func sameBitsAsStrtod() throws {
        var texts = [
            "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.3", "123.456", "9007199254740992", "9007199254740993",
            "9007199254740993.0", "1e22", "1e23", "1e-22", "1e-23", "2.2250738585072014e-308", "4.9e-324", "1e-400", "1e400",
            "-1e400", "1.7976931348623157e308", "12345678901234567890", "1234567890123456789", "0.000000000000000000001",
            "00012", "1E5", "1e+5", "123456789012345678901234567890e-10", "3.141592653589793238462643383279",
        ]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let integer = String(UInt64.random(in: 0...UInt64.max, using: &random) % [10, 1_000, 1_000_000, 10_000_000_000_000_000][Int.random(in: 0..<4)])
            let fraction = Bool.random() ? "" : "." + String(UInt64.random(in: 0...999_999_999_999, using: &random))
            let exponent = Bool.random() ? "" : "e" + String(Int.random(in: -30...30))
            texts.append((Bool.random() ? "-" : "") + integer + fraction + exponent)
        }
        for text in texts {
            let value = try #require(Self.parsed(text), "\(text)")
            #expect(value.bitPattern == Self.reference(text).bitPattern, "\(text): \(value) != \(Self.reference(text))")
        }
    }

    @Test("text that is not all one number reads as nothing (the scanner has checked JSON's grammar before)")
    func notNumbers() {
        for text in ["", "-", "1e", "1e+", "1.5x", "--1", "1..2", "1e5e5"] {
            #expect(Self.parsed(text) == nil, "\(text)")
        }
    }
}
