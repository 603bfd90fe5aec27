import Foundation
import Testing

@testable import SharedFunctions

@Suite("Reading a numeric field straight from the bytes")
struct NumericFieldScanTests {
    func scan(_ json: String, field: String = "value") throws -> Double? {
        let bytes = Array(json.utf8)
        let result: Result<NumericField, InputScanError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(InputScanError) in try NumericField.scan(buffer, context: [NumericField.fieldNameKey: field]) }
        }
        return try result.get().value
    }

    @Test("numbers, null and the chosen field are read as JSONDecoder would")
    func agreesWithJSONDecoder() throws {
        for json in [#"{"value": 1.5}"#, #"{"value": -0.0}"#, #"{"value": 1e-300}"#, #"{"other": {"value": 9}, "value": 2}"#, #"{"value": null}"#] {
            let decoder = JSONDecoder()
            decoder.userInfo = [NumericField.fieldNameKey: "value"]
            let reference = try decoder.decode(NumericField.self, from: Data(json.utf8)).value
            #expect(try scan(json) == reference, "\(json)")
        }
        #expect(try scan(#"{"t": 21.5, "value": 1}"#, field: "t") == 21.5)
    }

    @Test("numbers beyond Double's range read as infinities, which the statistics count as invalid")
    func hugeNumbers() throws {
        #expect(try scan(#"{"value": 1e400}"#) == .infinity)
        #expect(try scan(#"{"value": -1e400}"#) == -.infinity)
    }

    @Test(
        "wrong shapes are refused with what was expected",
        arguments: [
            (#"{"other": 1}"#, "field 'value' is missing"), (#"{"value": "1"}"#, "found a string"),
            (#"{"value": true}"#, "found a boolean"), (#"{"value": [1]}"#, "found an array"), (#"{"value": {}}"#, "found an object"),
            ("[1]", "not a JSON object"), (#"{"value": 1"#, "not a JSON object"),
        ])
    func refusals(json: String, message: String) {
        do {
            _ = try scan(json)
            Issue.record("\(json) must be refused")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test("functions whose input is scannable use its reader through the protocol")
    func scannerIsWitnessed() {
        func hasScanner<Function: WindowFunction>(_: Function.Type) -> Bool {
            Function.inputReader(context: [:]) != nil
        }
        #expect(hasScanner(FunctionA.self) && hasScanner(FunctionB.self))
        #expect(!hasScanner(FailingFunction.self), "a JSONValue input decodes with JSONDecoder")
    }
}
