/// A function input that can be read from the typed columns of a DataFrame, without JSON. When a
/// function's `Input` conforms, `run_windows` and `apply` on a DataFrame hand the columns its
/// ``ColumnReader`` names to the engine as typed buffers.
///
/// A conforming input must read a row exactly as its ``ScannableInput`` reader reads the JSON
/// text the JSON path would have written for that row (`tests/parity` checks it), so both paths
/// give the same results.
public protocol ColumnarInput: SendableMetatype {
    /// The reader for `context` (the function's ``WindowFunction/decodingContext(for:)``).
    static func columnReader(context: [CodingUserInfoKey: any Sendable]) -> ColumnReader<Self>
}

/// One column an input reads: its name and the types it accepts.
public struct InputColumn: Sendable, Hashable, Codable {
    public let name: String
    public let types: [String]

    public init(name: String, types: [ColumnType]) {
        self.name = name
        self.types = types.map(\.name)
    }
}

/// How to read one function input from columns: the columns it needs and how to build the input
/// from one row of them.
///
/// Guarantees: ``bind(_:function:)`` checks every column once (present, of an accepted type), so
/// reading a row cannot fail for a reason the table's shape explains; the same row gives the same
/// input or the same ``InputScanError``.
public struct ColumnReader<Input>: Sendable {
    /// The columns, in the order ``build`` receives them.
    public let columns: [(name: String, types: [ColumnType])]
    private let build: @Sendable (UnsafeBufferPointer<Column>, Int) throws(InputScanError) -> Input

    /// A reader of the columns `columns`; `build` receives them (in that order) and a row.
    public init(
        columns: [(name: String, types: [ColumnType])],
        build: @escaping @Sendable (UnsafeBufferPointer<Column>, Int) throws(InputScanError) -> Input
    ) {
        self.columns = columns
        self.build = build
    }

    /// The columns as function descriptions list them.
    public var descriptions: [InputColumn] { columns.map { InputColumn(name: $0.name, types: $0.types) } }

    /// Finds and checks the columns in `table`; the error names the column, `function` and the
    /// types it expected.
    public func bind(_ table: ColumnTable, function: String) throws(RunError) -> BoundColumnReader<Input> {
        var bound: [Column] = []
        for (name, types) in columns {
            guard let column = table.column(named: name) else {
                throw .invalidColumn(
                    name, "is missing: \(function) reads it as its input (\(types.map(\.name).joined(separator: " or ")))",
                    role: "input", function: function, expected: types)
            }
            guard types.contains(column.type) else {
                throw .invalidColumn(
                    name,
                    "is \(column.type.name), but \(function) reads it as \(types.map(\.name).joined(separator: " or "))",
                    role: "input", function: function, expected: types)
            }
            bound.append(column)
        }
        return BoundColumnReader(columns: bound, build: build)
    }
}

/// A ``ColumnReader`` bound to the columns of one table.
public struct BoundColumnReader<Input> {
    @usableFromInline
    let columns: [Column]
    @usableFromInline
    let build: @Sendable (UnsafeBufferPointer<Column>, Int) throws(InputScanError) -> Input

    /// The input of row `row`.
    @inlinable
    public func read(row: Int) throws(InputScanError) -> Input {
        try callBuild(row)
    }

    @usableFromInline
    func callBuild(_ row: Int) throws(InputScanError) -> Input {
        try columns.withUnsafeBufferPointer { columns throws(InputScanError) in try build(columns, row) }
    }
}

extension WindowFunction where Input: ColumnarInput {
    public static func columnReader(context: [CodingUserInfoKey: any Sendable]) -> ColumnReader<Input>? {
        Input.columnReader(context: context)
    }
}

extension NumericField: ColumnarInput {
    /// Reads the configured column as the JSON path reads the text it would have written: a
    /// float64 (NaN and infinities are written `null`, so they read as `nil`), an int64 (the
    /// nearest double, as a JSON integer reads), or a missing row (`nil`).
    public static func columnReader(context: [CodingUserInfoKey: any Sendable]) -> ColumnReader<NumericField> {
        let name = context[fieldNameKey] as? String ?? defaultFieldName
        return ColumnReader(columns: [(name, [.float64, .int64])]) { columns, row throws(InputScanError) in
            let column = columns[0]
            guard column.isPresent(row) else { return NumericField(nil) }
            if column.type == .int64 { return NumericField(Double(column.int64(row))) }
            let value = column.double(row)
            return NumericField(value.isFinite ? value : nil)
        }
    }
}
