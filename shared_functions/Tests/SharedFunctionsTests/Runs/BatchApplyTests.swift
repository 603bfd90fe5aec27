import Foundation
import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("BatchApply: one function on one hand-made batch")
struct BatchApplyTests {
    func apply(_ request: String, _ records: [String]) throws(RunError) -> [UInt8] {
        let parsed = try WindowRunRequest.decode(BatchApply.Request.self, from: Array(request.utf8))
        let lines = RunEnvelope.lines(records)
        let result = lines.withUnsafeBytes { buffer in
            Result { () throws(RunError) in try BatchApply.run(parsed, records: buffer) }
        }
        return try result.get()
    }

    @Test("records are sorted by event time before the function sees them")
    func sorted() throws {
        let outputs = try RunEnvelope.outputs(
            apply(#"{"function":"function_a","time_field":"ts"}"#, [#"{"ts":5,"value":2}"#, #"{"ts":1,"value":4}"#]))
        #expect(outputs.count == 1)
        #expect(outputs[0]["first_event_time"] == .number(1) && outputs[0]["last_event_time"] == .number(5))
        #expect(outputs[0]["mean"] == .number(3))
    }

    @Test("an empty batch has no function_a output")
    func empty() throws {
        #expect(try RunEnvelope.outputs(apply(#"{"function":"function_a","time_field":"ts"}"#, [])).isEmpty)
    }

    @Test("a bad record, or one outside the window, is an error naming its row")
    func badRecords() throws {
        let cases: [(String, [String], String)] = [
            (#"{"function":"function_a","time_field":"ts"}"#, [#"{"ts":1,"value":1}"#, #"{"ts":2,"value":"x"}"#], "invalid_record"),
            (#"{"function":"function_a","time_field":"ts"}"#, [#"{"ts":1,"value":1}"#, #"{"value":1}"#], "invalid_record"),
            (
                #"{"function":"function_a","time_field":"ts","window":{"start_ms":0,"end_ms":10}}"#,
                [#"{"ts":1,"value":1}"#, #"{"ts":10,"value":1}"#], "invalid_record"
            ),
        ]
        for (request, records, kind) in cases {
            do {
                _ = try apply(request, records)
                Issue.record("accepted \(records)")
            } catch {
                #expect(error.kind == kind)
                #expect(error.context["row"] == .number(1), "\(error)")
            }
        }
    }

    @Test("an empty window is refused")
    func emptyWindow() {
        #expect(throws: RunError(kind: "invalid_window", "the window must end after it starts (start 5 ms, end 5 ms)")) {
            try apply(#"{"function":"function_a","time_field":"ts","window":{"start_ms":5,"end_ms":5}}"#, [])
        }
    }
}

@Suite("Declared output fields")
struct OutputFieldTests {
    @Test("every declared field is exactly a key of the encoded output, and the reverse")
    func declaredFieldsMatchOutputs() throws {
        let records = (0..<20).map { #"{"ts":\#($0),"value":\#($0 == 7 ? 500 : $0 % 3)}"# }
        for function in ["function_a", "function_b"] {
            let request = try WindowRunRequest.decode(
                BatchApply.Request.self, from: Array(#"{"function":"\#(function)","time_field":"ts"}"#.utf8))
            let outputs = try RunEnvelope.lines(records).withUnsafeBytes { try RunEnvelope.outputs(BatchApply.run(request, records: $0)) }
            let declared = try FunctionRegistry.standard.description(of: function).outputs.map(\.name)
            let output = try #require(outputs.first, "\(function) has an output")
            guard case .object(let members) = output else { Issue.record("not an object"); continue }
            #expect(Set(members.keys) == Set(declared), "\(function)")
        }
    }
}
