import Testing

@testable import SharedFunctions

@Suite("ColumnEventTime: a time column reads as the JSON text the JSON path writes for it")
struct ColumnEventTimeTests {
    /// What the JSON path reads for `text` (the member's raw JSON value).
    func viaJSON(_ text: String) -> Result<Int64, EventTimeError> {
        var text = text
        return text.withUTF8 { EventTimeValue.parse(UnsafeRawBufferPointer($0), 0..<$0.count) }
    }

    @Test("float64 times: whole, fractional, huge, non-finite and missing")
    func floats() throws {
        let values: [Double?] = [
            1_700_000_000_000, 1_700_000_000_000.75, -0.5, -1_700_000_000_000.25, 9_007_199_254_740_994, 1e20, -1e20, 9.3e18,
            .nan, .infinity, -.infinity, 0.001, -0.0, nil,
        ]
        let columns = TestColumns()
        try columns.float64("ts", values)
        var reader = ColumnEventTime(try columns.table().columns[0])
        for (row, value) in values.enumerated() {
            let text = value.map { $0.isFinite ? $0.description : "null" } ?? "null"
            #expect(reader.read(row) == viaJSON(text), "row \(row): \(text)")
        }
    }

    @Test("int64 times and missing ones")
    func integers() throws {
        let values: [Int64?] = [0, -1, Int64.max, Int64.min, 1_700_000_000_123, nil]
        let columns = TestColumns()
        try columns.int64("ts", values)
        var reader = ColumnEventTime(try columns.table().columns[0])
        for (row, value) in values.enumerated() {
            #expect(reader.read(row) == viaJSON(value.map(String.init) ?? "null"), "row \(row)")
        }
    }

    @Test("text times parse as ISO-8601 strings, each distinct string once")
    func texts() throws {
        let values: [String?] = [
            "2023-11-14T22:13:20.5Z", "2023-11-14T22:13:20+01:00", "2023-11-14 22:13:20", "1700000000000", "", nil,
            "2023-11-14T22:13:20.5Z",
        ]
        let columns = TestColumns()
        try columns.text("ts", values)
        var reader = ColumnEventTime(try columns.table().columns[0])
        for (row, value) in values.enumerated() {
            #expect(reader.read(row) == viaJSON(value.map { "\"\($0)\"" } ?? "null"), "row \(row)")
        }
    }
}
