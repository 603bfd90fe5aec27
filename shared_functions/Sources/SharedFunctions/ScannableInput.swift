#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
/// A function input that can be read straight from a JSON value's bytes, without building the
/// document: the hot path for inputs that read a few fields. When a function's `Input` conforms,
/// the registry, the processing module and the notebooks all decode through ``scan(_:context:)``
/// (and never through `JSONDecoder`), so every entry point reads records the same way.
public protocol ScannableInput: SendableMetatype {
    /// Reads one record from the bytes of its JSON value. `context` is the function's
    /// ``WindowFunction/decodingContext(for:)``. Throws a message saying what was expected.
    static func scan(_ bytes: UnsafeRawBufferPointer, context: [CodingUserInfoKey: any Sendable]) throws(InputScanError) -> Self

    /// A reader prepared once for `context` (field names resolved), called for every record.
    static func scanner(context: [CodingUserInfoKey: any Sendable]) -> InputScanner<Self>
}

/// Reads one input from a JSON value's bytes; prepared once per function and parameters.
public typealias InputScanner<Input> = @Sendable (UnsafeRawBufferPointer) throws(InputScanError) -> Input

extension ScannableInput {
    public static func scanner(context: [CodingUserInfoKey: any Sendable]) -> InputScanner<Self> {
        { bytes throws(InputScanError) in try scan(bytes, context: context) }
    }
}

extension WindowFunction where Input: ScannableInput {
    public static func inputScanner(context: [CodingUserInfoKey: any Sendable]) -> InputScanner<Input>? {
        Input.scanner(context: context)
    }
}

/// Why a record's bytes do not scan into a function's input.
public struct InputScanError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A JSON number's text (already checked by the scanner) as a `Double`, without building a String:
/// copied to a NUL-terminated stack buffer for `strtod`. `nil` unless all of the text is consumed.
@usableFromInline
func parseNumber(_ text: UnsafeRawBufferPointer) -> Double? {
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

extension NumericField: ScannableInput {
    /// Reads the configured field: a JSON number (beyond `Double`'s range it reads as ±infinity,
    /// which the statistics count as invalid), or `null`; anything else is refused.
    public static func scan(_ bytes: UnsafeRawBufferPointer, context: [CodingUserInfoKey: any Sendable]) throws(InputScanError)
        -> NumericField
    {
        let name = context[fieldNameKey] as? String ?? defaultFieldName
        return try scan(bytes, name: name, nameBytes: [Array(name.utf8)])
    }

    public static func scanner(context: [CodingUserInfoKey: any Sendable]) -> InputScanner<NumericField> {
        let name = context[fieldNameKey] as? String ?? defaultFieldName
        let nameBytes = [Array(name.utf8)]
        return { bytes throws(InputScanError) in try scan(bytes, name: name, nameBytes: nameBytes) }
    }

    static func scan(_ bytes: UnsafeRawBufferPointer, name: String, nameBytes: [[UInt8]]) throws(InputScanError) -> NumericField {
        let found: Range<Int>?
        do {
            found = try JSONObjectScanner.members(nameBytes, in: bytes).first ?? nil
        } catch {
            throw InputScanError("the value is not a JSON object: \(error)")
        }
        guard let range = found, let first = range.first.map({ bytes[$0] }) else {
            throw InputScanError("field '\(name)' is missing")
        }
        if first == UInt8(ascii: "n") { return NumericField(nil) }
        let isNumber = first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        guard isNumber, let value = parseNumber(UnsafeRawBufferPointer(rebasing: bytes[range])) else {
            let kind: String =
                switch first {
                case UInt8(ascii: "\""): "a string"
                case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
                case UInt8(ascii: "{"): "an object"
                case UInt8(ascii: "["): "an array"
                default: "not a number"
                }
            throw InputScanError("field '\(name)' must be a number, found \(kind)")
        }
        return NumericField(value)
    }
}
