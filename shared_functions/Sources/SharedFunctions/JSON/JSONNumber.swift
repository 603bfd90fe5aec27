#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A JSON number's text (already checked by the scanner) as a `Double`, without building a
/// String; `nil` unless all of the text is a number.
///
/// Numbers of at most 19 significant digits whose mantissa fits in 53 bits and whose decimal
/// exponent is within ±22 (nearly every reading) are computed as one multiplication or division
/// of two exactly representable doubles, which IEEE 754 rounds correctly: the same bits as
/// `strtod` (Clinger's fast path). Everything else goes to `strtod` through a NUL-terminated
/// stack copy.
@usableFromInline
func parseNumber(_ text: UnsafeRawBufferPointer) -> Double? {
    if let value = exactlyRepresentedNumber(text) { return value }
    guard !text.isEmpty else { return nil }
    guard text.count < 512 else { return Double(String(decoding: text, as: UTF8.self)) }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Double? in
        guard let base = buffer.baseAddress else { return nil }
        for index in 0..<text.count { buffer[index] = CChar(bitPattern: text[index]) }
        buffer[text.count] = 0
        var end: UnsafeMutablePointer<CChar>?
        let value = strtod(base, &end)
        return end == base + text.count ? value : nil
    }
}

/// 10^0 ... 10^22: every one is exactly a `Double`.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
]

/// The fast path of ``parseNumber(_:)``, or `nil` when the text is outside it.
func exactlyRepresentedNumber(_ text: UnsafeRawBufferPointer) -> Double? {
    let zero = UInt8(ascii: "0")
    var index = 0
    let negative = index < text.count && text[index] == UInt8(ascii: "-")
    if negative { index += 1 }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var integerDigits = 0
    while index < text.count, text[index] &- zero < 10 {
        mantissa = mantissa &* 10 &+ UInt64(text[index] &- zero)
        digits += mantissa == 0 ? 0 : 1
        integerDigits += 1
        index += 1
    }
    guard integerDigits > 0 else { return nil }
    if index < text.count, text[index] == UInt8(ascii: ".") {
        index += 1
        let fractionStart = index
        while index < text.count, text[index] &- zero < 10 {
            mantissa = mantissa &* 10 &+ UInt64(text[index] &- zero)
            digits += mantissa == 0 ? 0 : 1
            exponent -= 1
            index += 1
        }
        guard index > fractionStart else { return nil }
    }
    guard digits <= 19 else { return nil }  // the mantissa may have wrapped
    if index < text.count, text[index] | 0x20 == UInt8(ascii: "e") {
        index += 1
        var exponentNegative = false
        if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            exponentNegative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        var written = 0
        let exponentStart = index
        while index < text.count, text[index] &- zero < 10 {
            guard written < 1_000 else { return nil }
            written = written * 10 + Int(text[index] &- zero)
            index += 1
        }
        guard index > exponentStart else { return nil }
        exponent += exponentNegative ? -written : written
    }
    guard index == text.count, mantissa <= 1 << 53, (-22...22).contains(exponent) else { return nil }
    let powers = exactPowersOfTen
    let magnitude = exponent >= 0 ? Double(mantissa) * powers[exponent] : Double(mantissa) / powers[-exponent]
    return negative ? -magnitude : magnitude
}
