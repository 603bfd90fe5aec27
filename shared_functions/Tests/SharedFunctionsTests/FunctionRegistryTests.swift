import Foundation
import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("Function registry")
struct FunctionRegistryTests {
    let registry = FunctionRegistry.standard
    let window = TestBatches.window

    func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    func expectError(
        _ code: FunctionError.Code, mentioning fragments: [String], parameter: String? = nil, recordIndex: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as FunctionError {
            #expect(error.code == code, sourceLocation: sourceLocation)
            #expect(error.parameter == parameter, sourceLocation: sourceLocation)
            #expect(error.recordIndex == recordIndex, sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected FunctionError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("lists every function with version, description and documented parameters")
    func listsFunctions() throws {
        #expect(registry.names == ["function_a", "function_b"])
        let b = try registry.description(of: "function_b")
        #expect(b.version == "1.0.0" && !b.description.isEmpty)
        #expect(b.parameters.map(\.name) == ["field", "threshold", "min_records"])
        #expect(b.parameters.map(\.defaultValue) == [.string("value"), .number(3.5), .number(8)])
        #expect(b.parameters.map(\.type) == [.string, .number, .integer])
        #expect(b.parameters.allSatisfy { !$0.description.isEmpty })
        let listing = String(decoding: try JSONEncoder().encode(registry.descriptions), as: UTF8.self)
        #expect(listing.contains(#""default":3.5"#))
    }

    @Test("records in as JSON, outputs out as JSON, parameters from a JSON object")
    func jsonRoundTrip() throws {
        let records = json(
            #"""
            [{"event_time": 3000, "key": "s", "value": {"reading": 4}},
             {"event_time": 1000, "key": "s", "value": {"reading": 2, "unit": "C"}},
             {"event_time": 2000, "key": "s", "partition": 1, "offset": 17, "value": {"reading": null}}]
            """#)
        let outputs = try registry.run(
            "function_a", window: window, key: "s", recordsJSON: records, parametersJSON: json(#"{"field": "reading"}"#))
        #expect(outputs.count == 1)
        let text = String(decoding: try #require(outputs.first), as: UTF8.self)
        #expect(
            text
                == #"{"count":2,"first_event_time":1000,"invalid":1,"last_event_time":3000,"max":4,"mean":3,"min":2,"p50":3,"p95":3.9,"p99":3.98,"stddev":1.4142135623730951,"sum":6}"#
        )
        let decoded = try JSONDecoder().decode(FunctionA.Output.self, from: Data(text.utf8))
        #expect(decoded.count == 2 && decoded.p95 == 3.9)
    }

    @Test("outputs are byte-identical for the same input")
    func outputsAreDeterministic() throws {
        let records = json(
            "[" + (0..<100).map { #"{"event_time": \#($0 * 37 % 100), "value": {"value": \#(Double($0) * 1.1)}}"# }
                .joined(separator: ",") + "]")
        let first = try registry.run("function_b", window: window, recordsJSON: records)
        for _ in 0..<3 {
            #expect(try registry.run("function_b", window: window, recordsJSON: records) == first)
        }
    }

    @Test("an unknown function is named with the registered ones")
    func unknownFunction() {
        expectError(.unknownFunction, mentioning: ["function_z", "function_a, function_b"]) {
            _ = try registry.prepare("function_z")
        }
    }

    @Test("an unknown parameter is named with the function's parameters")
    func unknownParameter() {
        expectError(.unknownParameter, mentioning: ["function_b", "treshold", "field, threshold, min_records"], parameter: "treshold") {
            _ = try registry.prepare("function_b", parameters: ["treshold": .number(2)])
        }
    }

    @Test(
        "a parameter of the wrong JSON type names the expected type",
        arguments: [
            ("threshold", JSONValue.string("3"), "a finite number"),
            ("min_records", .number(2.5), "an integer"),
            ("min_records", .string("8"), "an integer"),
            ("field", .number(1), "a string"),
            ("threshold", .null, "a finite number"),
        ])
    func wrongParameterType(name: String, value: JSONValue, expectation: String) {
        expectError(.invalidParameterType, mentioning: [name, expectation, "function_b"], parameter: name) {
            _ = try registry.prepare("function_b", parameters: [name: value])
        }
    }

    @Test(
        "a parameter outside its allowed values names the rule",
        arguments: [
            ("threshold", JSONValue.number(0), "> 0"),
            ("threshold", .number(-1), "> 0"),
            ("min_records", .number(0), "between 1 and"),
            ("field", .string(""), "not empty"),
        ])
    func disallowedParameterValue(name: String, value: JSONValue, rule: String) {
        expectError(.invalidParameterValue, mentioning: [name, rule], parameter: name) {
            _ = try registry.prepare("function_b", parameters: [name: value])
        }
    }

    @Test("parameters that are not a JSON object are refused")
    func parametersNotAnObject() {
        expectError(.invalidJSON, mentioning: ["JSON object"]) {
            _ = try registry.prepare("function_a", parametersJSON: json("[1, 2]"))
        }
    }

    @Test(
        "a record that does not decode into the input names its index and the expectation",
        arguments: [
            (#"{"other": 1}"#, "field 'value' is missing"),
            (#"{"value": "12"}"#, "field 'value' must be a number"),
            (#"[1]"#, "record 1"),
            (#"{"value": true}"#, "must be a number"),
        ])
    func recordDoesNotDecode(value: String, fragment: String) {
        let records = json(#"[{"event_time": 1, "value": {"value": 1}}, {"event_time": 2, "value": \#(value)}]"#)
        expectError(.invalidRecord, mentioning: ["function_a", "record 1", fragment], recordIndex: 1) {
            _ = try registry.run("function_a", window: window, recordsJSON: records)
        }
    }

    @Test("records that are not the documented JSON shape are refused, never trapped on")
    func malformedRecordsDocument() {
        expectError(.invalidJSON, mentioning: ["JSON array"]) {
            _ = try registry.run("function_a", window: window, recordsJSON: json("{not json"))
        }
        expectError(.invalidJSON, mentioning: ["event_time"], recordIndex: 0) {
            _ = try registry.run("function_a", window: window, recordsJSON: json(#"[{"value": {"value": 1}}]"#))
        }
    }

    @Test("a function that throws is reported as function_failed with its window")
    func throwingFunctionIsReported() throws {
        let registry = FunctionRegistry([FailingFunction.self])
        let function = try registry.prepare("always_fails")
        let batch = WindowBatch(window: window, key: nil, records: [BatchRecord(eventTime: 1, offset: 0, value: json("{}"))])
        expectError(.functionFailed, mentioning: ["always_fails", "[0, 300000)", "deliberate"]) {
            _ = try function.run(batch)
        }
    }

    @Test("a third function needs only its own type and a registry entry")
    func registeringAThirdFunction() throws {
        let registry = FunctionRegistry([FunctionA.self, FunctionB.self, RangeFunction.self])
        #expect(registry.names == ["function_a", "function_b", "function_range"])
        let outputs = try registry.run(
            "function_range", window: window,
            recordsJSON: json(#"[{"event_time": 1, "value": {"value": 4}}, {"event_time": 2, "value": {"value": -1}}]"#))
        #expect(outputs.map { String(decoding: $0, as: UTF8.self) } == [#"{"range":5}"#])
    }
}

/// A function defined outside the library, as a user would add one.
enum RangeFunction: WindowFunction {
    typealias Input = NumericField
    struct Output: Codable, Sendable { var range: Double }
    static let name = "function_range"
    static let version = "0.1.0"
    static let summary = "Largest minus smallest value"
    typealias Parameters = NoParameters

    static func apply(_ batch: WindowBatch<NumericField>, parameters: NoParameters) -> [Output] {
        let values = batch.records.compactMap(\.value.value)
        guard let low = values.min(), let high = values.max() else { return [] }
        return [Output(range: high - low)]
    }
}

/// A function that always throws, to test error reporting.
enum FailingFunction: WindowFunction {
    struct Failure: Error, CustomStringConvertible { var description: String { "deliberate failure" } }
    typealias Input = JSONValue
    typealias Output = JSONValue
    typealias Parameters = NoParameters
    static let name = "always_fails"
    static let version = "0.0.1"
    static let summary = "Throws on every batch"

    static func apply(_ batch: WindowBatch<JSONValue>, parameters: NoParameters) throws -> [JSONValue] {
        throw Failure()
    }
}
