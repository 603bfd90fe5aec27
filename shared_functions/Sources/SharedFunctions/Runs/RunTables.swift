import MicroBatching

/// A columnar ``WindowRun``'s results as typed tables, in engine order (what `run_windows` turns
/// into DataFrames without per-row Python work):
///
/// - `outputs`: one row per output: `window_start`, `window_end`, `key`, `close_reason`,
///   `record_count`, then the function's declared output fields in the order of the JSON path's
///   sorted keys (a field named like one of the first five gets the prefix `output_`);
/// - `windows`: one row per closed window: the first five, `outputs` (how many) and `error` (the
///   function's error message, missing when it succeeded);
/// - `late`: `row`, `window_start`, `window_end`, `lateness_ms`;
/// - `dead_letters`: `row`, `kind`, `message`.
///
/// Output values are read from the very JSON documents the module would produce, so the two
/// paths cannot drift: numbers keep their bits (shortest round-trip text reads back exactly).
public struct RunTables: Sendable {
    static let windowColumns: [(String, ColumnType)] = [
        ("window_start", .int64), ("window_end", .int64), ("key", .text), ("close_reason", .text), ("record_count", .int64),
    ]

    var counts = RunCounts()
    public private(set) var outputs: ResultTable
    public private(set) var windows: ResultTable
    public private(set) var late = ResultTable("late", [("row", .int64), ("window_start", .int64), ("window_end", .int64), ("lateness_ms", .int64)])
    public private(set) var deadLetters = ResultTable("dead_letters", [("row", .int64), ("kind", .text), ("message", .text)])
    /// The declared fields, sorted as the JSON documents sort them, with their JSON member names.
    private let fields: [OutputField]
    private let fieldNames: [[UInt8]]
    private var found: [Range<Int>?]
    /// The first output that did not match its declared types (reported once the run ends).
    private(set) var mismatch: RunError?

    init(outputFields: [OutputField]) {
        fields = outputFields.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        fieldNames = fields.map { Array($0.name.utf8) }
        found = Array(repeating: nil, count: fields.count)
        let base = Set(Self.windowColumns.map(\.0))
        outputs = ResultTable(
            "outputs",
            Self.windowColumns
                + fields.map { field in (base.contains(field.name) ? "output_\(field.name)" : field.name, Self.columnType(field.type)) })
        windows = ResultTable("windows", Self.windowColumns + [("outputs", .int64), ("error", .text)])
    }

    static func columnType(_ kind: ParameterKind) -> ColumnType {
        switch kind {
        case .number: .float64
        case .integer: .int64
        case .string: .text
        case .boolean: .bool
        }
    }

    /// The tables in the order the C ABI lists them.
    public var tables: [ResultTable] { [outputs, windows, late, deadLetters] }

    /// `{"records":…,"buffered":…,"late":…,"dead_letters":…,"windows":…,"outputs":…}`.
    public var countsJSON: String { counts.json }

    // MARK: Window columns

    private static func appendWindow(_ window: ClosedWindow, to table: inout ResultTable) {
        table[0].append(integer: window.window.start)
        table[1].append(integer: window.window.end)
        table[2].append(text: window.key)
        table[3].append(text: window.reason.rawValue)
        table[4].append(integer: Int64(window.recordCount))
    }

    /// Reads the declared fields of one output document into the output columns after the first five.
    private mutating func appendFields(of output: [UInt8]) {
        output.withUnsafeBytes { bytes in
            do {
                try found.withUnsafeMutableBufferPointer { found throws(JSONScanError) in
                    try JSONObjectScanner.members(fieldNames, in: bytes, into: found)
                }
            } catch {
                for index in found.indices { found[index] = nil }
                noteMismatch("an output is not a JSON object: \(error)")
            }
            for (index, field) in fields.enumerated() {
                let column = Self.windowColumns.count + index
                guard let range = found[index], let first = range.first.map({ bytes[$0] }), first != UInt8(ascii: "n") else {
                    outputs[column].appendMissing()
                    continue
                }
                let text = UnsafeRawBufferPointer(rebasing: bytes[range])
                switch field.type {
                case .number:
                    guard let value = parseNumber(text) else {
                        mismatch(field, column: column, text)
                        continue
                    }
                    outputs[column].append(double: value)
                case .integer:
                    guard let value = Int64(String(decoding: text, as: UTF8.self)) else {
                        mismatch(field, column: column, text)
                        continue
                    }
                    outputs[column].append(integer: value)
                case .string:
                    guard first == UInt8(ascii: "\""), let value = JSONMemberText.text(bytes, range) else {
                        mismatch(field, column: column, text)
                        continue
                    }
                    outputs[column].append(text: value)
                case .boolean:
                    guard first == UInt8(ascii: "t") || first == UInt8(ascii: "f") else {
                        mismatch(field, column: column, text)
                        continue
                    }
                    outputs[column].append(boolean: first == UInt8(ascii: "t"))
                }
            }
        }
    }

    private mutating func mismatch(_ field: OutputField, column: Int, _ text: UnsafeRawBufferPointer) {
        outputs[column].appendMissing()
        let shown = String(decoding: text.prefix(40), as: UTF8.self)
        noteMismatch("output field '\(field.name)' is declared \(field.type.rawValue) but holds \(shown)")
    }

    private mutating func noteMismatch(_ message: String) {
        guard mismatch == nil else { return }
        mismatch = RunError(
            kind: "invalid_output", "\(message); the function's declared output fields do not match what it produces")
    }
}

extension RunTables: RunRecorder {
    mutating func deadLetter(row: Int, _ refusal: RecordRefusal) {
        deadLetters[0].append(integer: Int64(row))
        deadLetters[1].append(text: refusal.kind.rawValue)
        deadLetters[2].append(text: refusal.message)
    }

    mutating func late(row: Int, _ late: LateArrival) {
        self.late[0].append(integer: Int64(row))
        self.late[1].append(integer: late.window.start)
        self.late[2].append(integer: late.window.end)
        self.late[3].append(integer: late.lateness)
    }

    mutating func window(_ window: ClosedWindow) {
        Self.appendWindow(window, to: &windows)
        switch window.outcome {
        case .success(let documents):
            windows[5].append(integer: Int64(documents.count))
            windows[6].append(text: nil)
            for document in documents {
                Self.appendWindow(window, to: &outputs)
                appendFields(of: document)
            }
        case .failure(let error):
            windows[5].append(integer: 0)
            windows[6].append(text: error.message)
        }
    }
}
