import Foundation
import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("WindowRun over columns equals WindowRun over the JSON lines of the same rows")
struct ColumnarWindowRunTests {
    struct Row {
        var ts: Int64?
        var key: String?
        var partition: Int64?
        var value: Double?
    }

    /// Random rows with disorder, late rows, missing values, bad partitions and out-of-range times.
    static func rows(count: Int, seed: UInt64) -> [Row] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { index in
            var row = Row(
                ts: Int64(index * 200 + next(3_000)), key: "k\(next(5))", partition: Int64(next(3)),
                value: Double(next(10_000)) / 7)
            switch next(40) {
            case 0: row.ts = row.ts.map { $0 - 60_000 }  // late
            case 1: row.value = nil
            case 2: row.key = nil
            case 3: row.partition = next(2) == 0 ? nil : -1
            case 4: row.ts = next(2) == 0 ? nil : -(1 << 62)
            case 5: row.value = -0.0
            default: break
            }
            return row
        }
    }

    static func json(_ rows: [Row]) -> [UInt8] {
        let lines = rows.map { row in
            var members: [String] = []
            members.append("\"ts\":\(row.ts.map(String.init) ?? "null")")
            members.append("\"key\":\(row.key.map { "\"\($0)\"" } ?? "null")")
            members.append("\"partition\":\(row.partition.map(String.init) ?? "null")")
            members.append("\"value\":\(row.value.map(\.description) ?? "null")")
            return "{" + members.joined(separator: ",") + "}"
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    static func columns(_ rows: [Row]) throws -> TestColumns {
        let columns = TestColumns()
        try columns.int64("ts", rows.map(\.ts))
        try columns.text("key", rows.map(\.key))
        try columns.int64("partition", rows.map(\.partition))
        try columns.float64("value", rows.map(\.value))
        return columns
    }

    @Test(
        "windows, outputs (bit for bit), late rows and dead letters agree",
        arguments: [("function_a", BatchScope.key, Int64(1_000)), ("function_b", .key, 500), ("function_a", .global, 1_000)])
    func sameResults(function: String, scope: BatchScope, advance: Int64) throws {
        let rows = Self.rows(count: 30_000, seed: 42)
        let request = WindowRunRequest(
            function: function, parameters: function == "function_b" ? ["min_records": .number(3), "threshold": .number(1)] : [:],
            window: try WindowSpecification(size: 1_000, advance: advance, grace: 2_000), timeField: "ts", keyField: "key",
            partitionField: "partition", scope: scope)
        let expected = try RunEnvelope.windows(Self.json(rows).withUnsafeBytes { try WindowRun.run(request, records: $0) })
        let columns = try Self.columns(rows)
        let tables = try WindowRun.run(request, columns: try columns.table())
        #expect(expected.late.count > 0 && expected.deadLetters.count > 0 && expected.windows.count > 0)

        let windows = tables.windows
        #expect(windows.rows == expected.windows.count)
        for (row, window) in expected.windows.enumerated() {
            #expect(windows.column(named: "window_start")?.text(at: row) == String(window.windowStart))
            #expect(windows.column(named: "key")?.text(at: row) == window.key)
            #expect(windows.column(named: "record_count")?.text(at: row) == String(window.recordCount))
            #expect(windows.column(named: "outputs")?.text(at: row) == String(window.outputs.count))
        }
        let outputs = expected.windows.flatMap { window in window.outputs.map { (window, $0) } }
        #expect(tables.outputs.rows == outputs.count)
        for (row, (window, output)) in outputs.enumerated() {
            #expect(tables.outputs.column(named: "window_end")?.text(at: row) == String(window.windowEnd))
            guard case .object(let members) = output else { Issue.record("output \(row) is not an object"); continue }
            for (name, value) in members {
                let column = tables.outputs.column(named: ["key", "record_count"].contains(name) ? "output_\(name)" : name)
                #expect(column?.text(at: row) == Self.text(value, type: column?.type), "output \(row) field \(name)")
            }
        }
        #expect(tables.late.rows == expected.late.count)
        for (row, late) in expected.late.enumerated() {
            #expect(tables.late.column(named: "row")?.text(at: row) == String(late.row))
            #expect(tables.late.column(named: "lateness_ms")?.text(at: row) == String(late.latenessMs))
        }
        #expect(tables.deadLetters.rows == expected.deadLetters.count)
        for (row, dead) in expected.deadLetters.enumerated() {
            #expect(tables.deadLetters.column(named: "row")?.text(at: row) == String(dead.row))
            #expect(tables.deadLetters.column(named: "kind")?.text(at: row) == dead.kind)
            #expect(tables.deadLetters.column(named: "message")?.text(at: row) == dead.message)
        }
    }

    /// A JSON output value as the result column's text (numbers with the column's type).
    static func text(_ value: JSONValue, type: ColumnType?) -> String? {
        switch value {
        case .null: nil
        case .number(let number): type == .int64 ? String(Int64(number)) : number.description
        case .string(let string): string
        case .bool(let bool): bool ? "true" : "false"
        default: "\(value)"
        }
    }

    @Test("a missing time column is refused, naming it")
    func refusals() throws {
        let request = WindowRunRequest(function: "function_a", window: try WindowSpecification(size: 1_000, advance: 1_000, grace: 0), timeField: "when")
        let columns = try Self.columns(Self.rows(count: 10, seed: 1))
        let error = #expect(throws: RunError.self) { try WindowRun.run(request, columns: try columns.table()) }
        #expect(error?.kind == "invalid_column" && error?.context["column"] == .string("when"))
    }

    @Test("applying on several threads gives the sequential results in order")
    func concurrentApplication() {
        let values = Array(0..<5_000)
        let sequential = values.map { $0 * 3 + 1 }
        #expect(ConcurrentApplication.map(values, threads: 4, records: 100_000) { $0 * 3 + 1 } == sequential)
        #expect(ConcurrentApplication.map(values, threads: 4, records: 10) { $0 * 3 + 1 } == sequential)
        #expect(ConcurrentApplication.map([Int](), threads: 4, records: 100_000) { $0 } == [])
    }
}

@Suite("OverlappedRecorder: the function runs beside the next rows, the report keeps sequential order")
struct OverlappedRecorderTests {
    static func failed(_ offsets: [Int64]) throws -> ClosedWindow {
        ClosedWindow(
            window: try #require(Window(start: 0, end: 10)), key: "k", reason: .streamTime, offsetRanges: [], recordCount: offsets.count,
            outcome: .failure(FunctionError(.functionFailed, "boom", function: "f")),
            failedRecords: offsets.map { RecordCoordinates(partition: 0, offset: $0, eventTime: 1, key: "k") },
            functionDuration: .zero)
    }

    @Test("dead letters of a failed window come between the rows before and after its close")
    func order() throws {
        let late = Admission.late(LateArrival(window: try #require(Window(start: 0, end: 10)), lateness: 5))
        let refused = Admission.refused(RecordRefusal(.invalidInput, "bad"))
        let first = try Self.failed([0, 1])
        let second = try Self.failed([3])
        let row = { (_: Int32, offset: Int64) in Int(offset) }

        var sequential = RunOutput()
        sequential.record(row: 0, .buffered)
        sequential.record(row: 1, refused)
        sequential.record([first], row: row)
        sequential.record(row: 2, late)
        sequential.record(row: 3, refused)
        sequential.record(row: 4, .buffered)
        sequential.record([second], row: row)
        sequential.record(row: 5, refused)

        var overlapped = OverlappedRecorder(RunOutput())
        overlapped.record(row: 0, .buffered)
        overlapped.record(row: 1, refused)
        overlapped.close(PendingWindows(records: 2) { _ in [first] }, row: row)
        overlapped.record(row: 2, late)
        overlapped.record(row: 3, refused)
        overlapped.record(row: 4, .buffered)
        overlapped.close(PendingWindows(records: 1) { _ in [second] }, row: row)
        overlapped.record(row: 5, refused)
        overlapped.finish(row: row)
        #expect(overlapped.output.envelope() == sequential.envelope())
    }
}
