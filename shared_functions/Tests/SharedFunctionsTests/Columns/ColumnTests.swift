import Testing

@testable import SharedFunctions

@Suite("Columns over borrowed buffers: checked once, errors naming the column")
struct ColumnTests {
    @Test("an unknown type code, a negative length or a missing buffer is refused")
    func malformedColumns() throws {
        #expect(throws: RunError.self) { try Column(name: "x", type: 9, count: 0, values: nil, validity: nil) }
        #expect(throws: RunError.self) { try Column(name: "x", type: 1, count: -1, values: nil, validity: nil) }
        let error = #expect(throws: RunError.self) { try Column(name: "x", type: 1, count: 3, values: nil, validity: nil) }
        #expect(error?.kind == "invalid_column" && error?.context["column"] == .string("x"))
    }

    @Test("text codes outside the dictionary and unordered offsets are refused")
    func textDictionaries() {
        let codes: [Int32] = [0, 2]
        let data = Array("ab".utf8)
        func column(offsets: [Int64]) -> RunError? {
            codes.withUnsafeBytes { codes in
                offsets.withUnsafeBufferPointer { offsets in
                    data.withUnsafeBufferPointer { data in
                        #expect(throws: RunError.self) {
                            try Column(
                                name: "key", type: 4, count: 2, values: codes.baseAddress, validity: nil, dictionaryCount: 2,
                                dictionaryOffsets: offsets.baseAddress, dictionaryData: data.baseAddress)
                        }
                    }
                }
            }
        }
        #expect(column(offsets: [0, 1, 2])?.message.contains("row 1 has code 2") == true)
        #expect(column(offsets: [0, 2, 1])?.message.contains("not ascending") == true)
    }

    @Test("a table refuses columns of different lengths and repeated names")
    func tables() throws {
        let columns = TestColumns()
        try columns.float64("value", [1, 2])
        try columns.int64("ts", [1])
        #expect(throws: RunError.self) { try columns.table() }
        let twice = TestColumns()
        try twice.float64("value", [1])
        try twice.float64("value", [2])
        #expect(throws: RunError.self) { try twice.table() }
    }

    @Test("binding names the missing or mistyped column, the function and the types it reads")
    func binding() throws {
        let reader = NumericField.columnReader(context: [NumericField.fieldNameKey: "temperature"])
        let missing = TestColumns()
        try missing.float64("value", [1])
        let absent = #expect(throws: RunError.self) { try reader.bind(missing.table(), function: "function_a") }
        #expect(absent?.context["column"] == .string("temperature"))
        #expect(absent?.message.contains("function_a reads it as its input (float64 or int64)") == true)
        let text = TestColumns()
        try text.text("temperature", ["warm"])
        let mistyped = #expect(throws: RunError.self) { try reader.bind(text.table(), function: "function_a") }
        #expect(mistyped?.context["expected"] == .array([.string("float64"), .string("int64")]))
    }

    @Test("numeric inputs read as their JSON text reads: non-finite and missing are null, int64 the nearest double")
    func numericInputs() throws {
        let columns = TestColumns()
        try columns.float64("value", [1.5, .nan, .infinity, -0.0, nil])
        try columns.int64("count", [9_007_199_254_740_993, nil, 3, 0, -7])
        let table = try columns.table()
        let floats = try NumericField.columnReader(context: [:]).bind(table, function: "f")
        #expect(try (0..<5).map { try floats.read(row: $0).value?.bitPattern } == [1.5, nil, nil, -0.0, nil].map { $0?.bitPattern })
        let integers = try NumericField.columnReader(context: [NumericField.fieldNameKey: "count"]).bind(table, function: "f")
        #expect(try (0..<5).map { try integers.read(row: $0).value } == [9_007_199_254_740_992, nil, 3, 0, -7])
    }

    @Test("a result column stores each distinct string once and marks missing rows")
    func builders() {
        var column = ColumnBuilder("key", .text)
        for value in ["a", nil, "b", "a"] { column.append(text: value) }
        #expect(column.dictionaryStrings == ["a", "b"])
        #expect((0..<4).map(column.text(at:)) == ["a", nil, "b", "a"])
        column.withBuffers { values, validity, offsets, data in
            #expect(Array(values.bindMemory(to: Int32.self)) == [0, -1, 1, 0])
            #expect(validity.map(Array.init) == [1, 0, 1, 1])
            #expect(Array(offsets) == [0, 1, 2] && data.count == 2)
        }
    }
}
