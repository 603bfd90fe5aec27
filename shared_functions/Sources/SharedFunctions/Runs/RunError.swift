import MicroBatching

/// Why a notebook run (``WindowRun`` or ``BatchApply``) could not start or finish: a stable kind,
/// a sentence saying what is wrong and what to do, and the context (function, parameter, row).
///
/// Crosses the C ABI as `{"error":{"kind":…,"message":…,"context":{…}}}`; bad input never traps.
public struct RunError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A ``FunctionError/Code`` raw value, or `invalid_request`, `invalid_window`, `invalid_record`,
    /// `invalid_column`, `columns_unsupported`.
    public let kind: String
    public let message: String
    /// Names and values locating the problem (`function`, `parameter`, `row`, `field`).
    public let context: [String: JSONValue]

    public init(kind: String, _ message: String, context: [String: JSONValue] = [:]) {
        self.kind = kind
        self.message = message
        self.context = context
    }

    public static func invalidRequest(_ message: String, field: String? = nil) -> RunError {
        RunError(kind: "invalid_request", message, context: field.map { ["field": .string($0)] } ?? [:])
    }

    public static func invalidRecord(_ message: String, row: Int) -> RunError {
        RunError(kind: "invalid_record", "row \(row): \(message)", context: ["row": .number(Double(row))])
    }

    /// A column of a columnar call that is missing, mistyped or malformed: `column` and what is
    /// wrong with it (a sentence fragment after the column's name), with the function and the
    /// expected types when known.
    public static func invalidColumn(
        _ column: String, _ problem: String, role: String? = nil, function: String? = nil, expected: [ColumnType] = []
    ) -> RunError {
        var context: [String: JSONValue] = ["column": .string(column)]
        if let role { context["role"] = .string(role) }
        if let function { context["function"] = .string(function) }
        if !expected.isEmpty { context["expected"] = .array(expected.map { .string($0.name) }) }
        return RunError(kind: "invalid_column", "column '\(column)' \(problem)", context: context)
    }

    /// The function's input has no columnar reader (``ColumnarInput``): the JSON path it is.
    static func columnsUnsupported(function: String) -> RunError {
        RunError(
            kind: "columns_unsupported",
            "\(function)'s input has no columnar reader; pass the records as a list of dicts (the JSON path)",
            context: ["function": .string(function)])
    }

    init(_ error: FunctionError, row: Int? = nil) {
        var context: [String: JSONValue] = [:]
        if let function = error.function { context["function"] = .string(function) }
        if let parameter = error.parameter { context["parameter"] = .string(parameter) }
        if let row = row ?? error.recordIndex { context["row"] = .number(Double(row)) }
        self.init(kind: error.code.rawValue, error.message, context: context)
    }

    init(_ error: WindowSpecificationError) {
        self.init(kind: "invalid_window", "\(error)")
    }

    public var description: String { "\(kind): \(message)" }

    /// The error as a JSON object: `{"kind":…,"message":…,"context":{…}}`.
    public var json: [UInt8] {
        var writer = JSONWriter()
        writer.value(.object(["kind": .string(kind), "message": .string(message), "context": .object(context)]))
        return writer.bytes
    }

    /// The error as the C ABI's envelope: `{"error":{…}}`.
    public var envelope: [UInt8] {
        Array("{\"error\":".utf8) + json + [UInt8(ascii: "}")]
    }
}

extension FunctionRegistry {
    /// ``prepare(_:parameters:)`` for the notebook entry points: every problem as a ``RunError``.
    public func prepareForRun(_ name: String, parameters: [String: JSONValue]) throws(RunError) -> PreparedFunction {
        do {
            return try prepare(name, parameters: parameters)
        } catch {
            throw RunError(error)
        }
    }
}
