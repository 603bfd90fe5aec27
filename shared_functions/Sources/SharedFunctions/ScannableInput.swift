#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// A function input that can be read straight from a JSON value's bytes, without building the
/// document. When a function's `Input` conforms, the processing module and the notebooks read
/// records through its ``InputReader`` (never through `JSONDecoder`): the members it names are
/// found by the same scan that finds the event time, so each record is scanned once.
public protocol ScannableInput: SendableMetatype {
    /// The reader for `context` (the function's ``WindowFunction/decodingContext(for:)``),
    /// prepared once per function and parameters.
    static func reader(context: [CodingUserInfoKey: any Sendable]) -> InputReader<Self>
}

extension ScannableInput {
    /// Reads one input from the bytes of a JSON value (a scan of its own: for tests and one-off reads).
    public static func scan(_ bytes: UnsafeRawBufferPointer, context: [CodingUserInfoKey: any Sendable]) throws(InputScanError)
        -> Self
    {
        try reader(context: context).read(bytes)
    }
}

/// How to read one function input from a JSON object: the top-level members it needs, and how to
/// build the input from those members' values once a scan has found them.
///
/// Guarantees: ``read(_:members:)`` looks only at the members' byte ranges; the same bytes give
/// the same input or the same ``InputScanError``.
public struct InputReader<Input>: Sendable {
    /// The members to find, as UTF-8, in the order ``read(_:members:)`` receives their ranges.
    public let memberNames: [[UInt8]]
    private let build: @Sendable (UnsafeRawBufferPointer, UnsafeBufferPointer<Range<Int>?>) throws(InputScanError) -> Input

    /// A reader of the members `names`; `build` receives the whole value and each member's value
    /// range (`nil`: absent), in the order of `names`.
    public init(
        members names: [String],
        build: @escaping @Sendable (UnsafeRawBufferPointer, UnsafeBufferPointer<Range<Int>?>) throws(InputScanError) -> Input
    ) {
        memberNames = names.map { Array($0.utf8) }
        self.build = build
    }

    /// Builds the input from member ranges a scan of `bytes` found (in ``memberNames`` order).
    @inlinable
    public func read(_ bytes: UnsafeRawBufferPointer, members: UnsafeBufferPointer<Range<Int>?>) throws(InputScanError) -> Input {
        try callBuild(bytes, members)
    }

    @usableFromInline
    func callBuild(_ bytes: UnsafeRawBufferPointer, _ members: UnsafeBufferPointer<Range<Int>?>) throws(InputScanError) -> Input {
        try build(bytes, members)
    }

    /// Scans `bytes` for the members, then builds the input.
    public func read(_ bytes: UnsafeRawBufferPointer) throws(InputScanError) -> Input {
        var found = [Range<Int>?](repeating: nil, count: memberNames.count)
        do {
            try found.withUnsafeMutableBufferPointer { found throws(JSONScanError) in
                try JSONObjectScanner.members(memberNames, in: bytes, into: found)
            }
        } catch {
            throw InputScanError("the value is not a JSON object: \(error)")
        }
        return try found.withUnsafeBufferPointer { found throws(InputScanError) in try build(bytes, found) }
    }
}

extension InputReader where Input: Decodable & Sendable {
    /// The reader of inputs that are not ``ScannableInput``: `JSONDecoder` over the whole value
    /// (a second pass over the bytes, and about 200,000 small records per second per core).
    public static func decoding(context: [CodingUserInfoKey: any Sendable]) -> InputReader<Input> {
        InputReader(members: []) { bytes, _ throws(InputScanError) in
            let decoder = JSONDecoder()
            decoder.userInfo = context
            do {
                return try decoder.decode(Input.self, from: Data(bytes))
            } catch let error as DecodingError {
                throw InputScanError(error.explanation)
            } catch {
                throw InputScanError("\(error)")
            }
        }
    }
}

extension WindowFunction where Input: ScannableInput {
    public static func inputReader(context: [CodingUserInfoKey: any Sendable]) -> InputReader<Input>? {
        Input.reader(context: context)
    }
}

/// Why a record's bytes do not read as a function's input.
public struct InputScanError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension NumericField: ScannableInput {
    /// Reads the configured field: a JSON number (beyond `Double`'s range it reads as ±infinity,
    /// which the statistics count as invalid), or `null`; anything else is refused.
    public static func reader(context: [CodingUserInfoKey: any Sendable]) -> InputReader<NumericField> {
        let name = context[fieldNameKey] as? String ?? defaultFieldName
        return InputReader(members: [name]) { bytes, members throws(InputScanError) in
            try read(bytes, members[0], name: name)
        }
    }

    static func read(_ bytes: UnsafeRawBufferPointer, _ found: Range<Int>?, name: String) throws(InputScanError) -> NumericField {
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
