import MicroBatching

/// A user function: a pure computation over the records of one closed window.
///
/// A function declares a stable ``name`` (`function_a`), a ``version`` (bump it whenever the
/// output for the same input can change), a one-line ``summary``, typed ``Parameters`` with
/// defaults, and `Codable` ``Input`` and ``Output`` types. ``apply(_:parameters:)`` must be
/// deterministic: the same batch and parameters give the same outputs, with no clock, randomness
/// or I/O. It may throw; the processing module then dead-letters the whole batch.
///
/// Adding a function takes one file conforming to this protocol and one line in
/// ``FunctionRegistry/standard``.
public protocol WindowFunction: SendableMetatype {
    /// One record's value, decoded from its JSON message value.
    associatedtype Input: Codable & Sendable
    /// One result; every output becomes one output record.
    associatedtype Output: Codable & Sendable
    /// The function's typed parameters.
    associatedtype Parameters: FunctionParameters

    /// Stable identifier used in configuration, headers and notebooks, e.g. `function_a`.
    static var name: String { get }
    /// Version of the function's behaviour, e.g. `1.0.0`; part of every output's provenance.
    static var version: String { get }
    /// One line describing what the function computes.
    static var summary: String { get }
    /// The fields of ``Output``, for listings and typed notebook columns; empty when undeclared.
    static var outputFields: [OutputField] { get }

    /// Extra context handed to ``Input``'s decoder (for inputs whose field names are parameters).
    static func decodingContext(for parameters: Parameters) -> [CodingUserInfoKey: any Sendable]

    /// Computes the outputs of one batch. Records are sorted by (event time, partition, offset).
    static func apply(_ batch: WindowBatch<Input>, parameters: Parameters) throws -> [Output]

    /// A reader of ``Input`` straight from JSON bytes, or `nil` to decode with `JSONDecoder`.
    /// Provided automatically when `Input` conforms to ``ScannableInput``.
    static func inputReader(context: [CodingUserInfoKey: any Sendable]) -> InputReader<Input>?

    /// A reader of ``Input`` from typed columns (a DataFrame's), or `nil` when the input has no
    /// columnar form (notebooks then take the JSON path). Provided automatically when `Input`
    /// conforms to ``ColumnarInput``.
    static func columnReader(context: [CodingUserInfoKey: any Sendable]) -> ColumnReader<Input>?
}

extension WindowFunction {
    public static var outputFields: [OutputField] { [] }

    public static func decodingContext(for parameters: Parameters) -> [CodingUserInfoKey: any Sendable] { [:] }

    public static func inputReader(context: [CodingUserInfoKey: any Sendable]) -> InputReader<Input>? { nil }

    public static func columnReader(context: [CodingUserInfoKey: any Sendable]) -> ColumnReader<Input>? { nil }
}
