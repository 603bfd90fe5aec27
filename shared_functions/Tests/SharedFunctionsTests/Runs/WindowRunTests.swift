import Foundation
import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("WindowRun: the engine and a function over records, as notebooks call it")
struct WindowRunTests {
    func request(
        _ function: String = "function_a", size: Int64 = 1_000, advance: Int64? = nil, grace: Int64 = 0,
        key: String? = "k", scope: BatchScope = .key, parameters: [String: JSONValue] = [:]
    ) throws -> WindowRunRequest {
        WindowRunRequest(
            function: function, parameters: parameters,
            window: try WindowSpecification(size: size, advance: advance ?? size, grace: grace), timeField: "ts",
            keyField: key, scope: scope)
    }

    func run(_ request: WindowRunRequest, _ records: [String]) throws -> RunEnvelope.Windows {
        let lines = RunEnvelope.lines(records)
        let result = try lines.withUnsafeBytes { buffer in try WindowRun.run(request, records: buffer) }
        return try RunEnvelope.windows(result)
    }

    /// The values of `FunctionATests.knownValues`, spread over one window in shuffled arrival order.
    @Test("known function_a values come out of one window, whatever the arrival order")
    func knownValues() throws {
        let values = [2.5, -1.0, 7.25, 3.0, 3.0, 10.0, 0.5, 4.75, -2.0, 6.0]
        let records = values.enumerated().map { #"{"ts":\#($0.offset * 10),"k":"a","value":\#($0.element)}"# }
        let inOrder = try run(request(), records)
        let shuffled = try run(request(), [3, 7, 0, 9, 1, 5, 2, 8, 4, 6].map { records[$0] })
        #expect(inOrder.windows == shuffled.windows)
        let window = try #require(inOrder.windows.first)
        #expect(inOrder.windows.count == 1)
        #expect(window.windowStart == 0 && window.windowEnd == 1_000 && window.key == "a")
        #expect(window.closeReason == "end-of-input" && window.recordCount == 10)
        let output = try #require(window.outputs.first)
        #expect(output["sum"] == .number(34.0))
        #expect(output["mean"] == .number(3.4))
        #expect(output["p95"] == .number(8.762499999999998))
        #expect(output["p99"] == .number(9.752500000000001))
        #expect(output["first_event_time"] == .number(0) && output["last_event_time"] == .number(90))
    }

    @Test("windows close on stream time per key; late records and dead letters name their rows")
    func lateAndDeadLetters() throws {
        let result = try run(
            request(grace: 100),
            [
                #"{"ts":10,"k":"a","value":1}"#,  // 0
                #"{"ts":20,"k":"b","value":2}"#,  // 1
                "not json",  // 2
                #"{"k":"a","value":1}"#,  // 3: no event time
                #"{"ts":30,"k":"a","value":"x"}"#,  // 4: not a number
                #"{"ts":1200,"k":"a","value":3}"#,  // 5: closes [0, 1000) for every key
                #"{"ts":40,"k":"b","value":4}"#,  // 6: late by 100 ms
                "",  // 7: an empty line is a record too (only a final newline is not)
                #"{"ts":1300,"k":"a","value":5}"#,  // 8
            ])
        #expect(result.windows.map(\.key) == ["a", "b", "a"])
        #expect(result.windows.map(\.closeReason) == ["stream-time", "stream-time", "end-of-input"])
        #expect(result.late == [RunEnvelope.Late(row: 6, windowStart: 0, windowEnd: 1_000, latenessMs: 100)])
        #expect(result.deadLetters.map(\.row) == [2, 3, 4, 7])
        #expect(result.deadLetters.map(\.kind) == ["not_json", "no_event_time", "invalid_input", "not_json"])
        #expect(result.deadLetters[1].message.contains("'ts' is missing"))
        #expect(result.windows.map(\.recordCount) == [1, 1, 2])
        #expect(result.counts["records"] == 9 && result.counts["buffered"] == 4 && result.counts["late"] == 1)
        #expect(result.counts["dead_letters"] == 4)
    }

    @Test("keys come from string, escaped, numeric or absent fields; global scope ignores them")
    func keys() throws {
        let records = [
            #"{"ts":1,"k":"caf\u00e9 \ud83d\ude00","value":1}"#, #"{"ts":2,"k":7,"value":2}"#, #"{"ts":3,"value":3}"#,
            #"{"ts":4,"k":"x\"y","value":4}"#,
        ]
        let byKey = try run(request(), records)
        #expect(Set(byKey.windows.map(\.key)) == ["café 😀", "7", nil, "x\"y"])
        let global = try run(request(scope: .global), records)
        #expect(global.windows.count == 1 && global.windows[0].key == nil && global.windows[0].recordCount == 4)
        let noKey = try run(request(key: nil), records)
        #expect(noKey.windows.count == 1 && noKey.windows[0].key == nil)
    }

    @Test("hopping windows give each record to every window holding it")
    func hopping() throws {
        let result = try run(request(size: 1_000, advance: 500), [#"{"ts":700,"k":"a","value":1}"#])
        #expect(result.windows.map(\.windowStart) == [0, 500])
        #expect(result.windows.allSatisfy { $0.recordCount == 1 })
    }

    @Test("function parameters reach the function; function_b flags the outlier")
    func parameters() throws {
        let values = [10.0, 10.1, 9.9, 10.0, 10.2, 9.8, 10.0, 10.1, 50.0]
        let records = values.enumerated().map { #"{"ts":\#($0.offset),"k":"a","reading":\#($0.element)}"# }
        let result = try run(
            request("function_b", parameters: ["field": .string("reading"), "min_records": .number(5)]), records)
        let outputs = try #require(result.windows.first).outputs
        #expect(outputs.count == 1)
        #expect(outputs.first?["value"] == .number(50.0))
    }

    @Test("bad requests are errors naming what to fix, never traps")
    func badRequests() throws {
        #expect(throws: RunError.self) { try WindowRun(request("function_z")) }
        let numericField = try request(parameters: ["field": .number(3)])
        do {
            _ = try WindowRun(numericField)
            Issue.record("a numeric field name was accepted")
        } catch {
            #expect(error.kind == "invalid_parameter_type" && error.context["parameter"] == .string("field"))
        }
        for (json, kind, fragment) in [
            (#"{"function":"function_a","window":{"size_ms":0},"time_field":"ts"}"#, "invalid_window", "size"),
            (#"{"function":"function_a","window":{"size_ms":1000}}"#, "invalid_request", "time_field"),
            (#"{"function":"function_a","window":{"size_ms":1000},"time_field":"ts","scope":"all"}"#, "invalid_request", "scope"),
            ("[1,2", "invalid_request", "not valid"),
        ] {
            do {
                _ = try WindowRunRequest.decode(WindowRunRequest.self, from: Array(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.kind == kind, "\(json): \(error)")
                #expect(error.message.contains(fragment), "\(json): \(error.message)")
            }
        }
    }

    @Test("an error envelope is JSON with kind, message and context")
    func errorEnvelope() throws {
        let error = RunError.invalidRecord("the \"value\" is bad\n", row: 4)
        let failure = try RunEnvelope.failure(error.envelope)
        #expect(failure.kind == "invalid_record")
        #expect(failure.message == "row 4: the \"value\" is bad\n")
        #expect(failure.context == ["row": .number(4)])
    }
}

@Suite("WindowRun with a partition field: per-partition stream time, as on a topic")
struct WindowRunPartitionTests {
    @Test("a record late on one partition is on time on another; bad partitions are dead letters")
    func partitions() throws {
        let request = WindowRunRequest(
            function: "function_a", window: try .tumbling(size: 1_000), timeField: "ts", keyField: "k", partitionField: "p")
        let records = [
            #"{"p":0,"ts":10,"k":"a","value":1}"#,
            #"{"p":0,"ts":1500,"k":"a","value":2}"#,  // partition 0 passes 1000
            #"{"p":1,"ts":20,"k":"b","value":3}"#,  // partition 1 is still at 20: on time
            #"{"p":0,"ts":30,"k":"c","value":4}"#,  // late on partition 0
            #"{"p":-1,"ts":30,"k":"c","value":4}"#,
            #"{"ts":30,"k":"c","value":4}"#,
        ]
        let lines = RunEnvelope.lines(records)
        let result = try RunEnvelope.windows(lines.withUnsafeBytes { try WindowRun.run(request, records: $0) })
        #expect(result.windows.map(\.key).sorted { ($0 ?? "") < ($1 ?? "") } == ["a", "a", "b"])
        #expect(result.late.map(\.row) == [3])
        #expect(result.deadLetters.map(\.row) == [4, 5])
        #expect(result.deadLetters.allSatisfy { $0.message.contains("partition field 'p'") })
    }
}
