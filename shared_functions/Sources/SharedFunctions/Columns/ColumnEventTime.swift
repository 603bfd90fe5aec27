/// Reads event times from a DataFrame's time column exactly as the JSON path reads the text it
/// would have written for each row: int64 values as they are; float64 values as their shortest
/// text (NaN and infinities as `null`); text as ISO-8601 date-times with a zone, each distinct
/// string parsed once; a missing row as `null`. Same rows, same times, same refusal messages.
struct ColumnEventTime {
    static let types: [ColumnType] = [.int64, .float64, .text]

    let column: Column
    /// The parse of each dictionary string of a text column, filled on first use.
    private var texts: [Result<Int64, EventTimeError>?]

    init(_ column: Column) {
        self.column = column
        texts = Array(repeating: nil, count: column.dictionaryCount)
    }

    mutating func read(_ row: Int) -> Result<Int64, EventTimeError> {
        guard column.isPresent(row) else { return Self.parse(text: "null") }
        switch column.type {
        case .int64:
            return .success(column.int64(row))
        case .float64:
            let value = column.double(row)
            guard value.isFinite else { return Self.parse(text: "null") }
            // Whole values within 2^53 read back as themselves; the rest as their text would.
            if value.rounded(.towardZero) == value, abs(value) < 9_007_199_254_740_992 { return .success(Int64(value)) }
            return Self.parse(text: value.description)
        case .text:
            let code = column.code(row)
            if let parsed = texts[code] { return parsed }
            let bytes = column.textBytes(code: code)
            let parsed = EventTimeValue.parseISO8601(bytes, 0..<bytes.count)
            texts[code] = parsed
            return parsed
        case .bool:
            return .failure(EventTimeError("the event time must be epoch milliseconds or an ISO-8601 string, found a boolean"))
        }
    }

    private static func parse(text: String) -> Result<Int64, EventTimeError> {
        var text = text
        return text.withUTF8 { bytes in EventTimeValue.parse(UnsafeRawBufferPointer(bytes), 0..<bytes.count) }
    }
}
