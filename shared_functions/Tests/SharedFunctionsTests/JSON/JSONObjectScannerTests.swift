import Foundation
import Testing

@testable import SharedFunctions

@Suite("Reading members of a JSON object from its bytes")
struct JSONObjectScannerTests {
    func members(_ text: String, _ names: [String]) throws -> [String?] {
        let bytes = Array(text.utf8)
        let result: Result<[Range<Int>?], JSONScanError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONScanError) in try JSONObjectScanner.members(names.map { Array($0.utf8) }, in: buffer) }
        }
        return try result.get().map { range in range.map { String(decoding: bytes[$0], as: UTF8.self) } }
    }

    @Test("finds top-level members whatever their position, type and nesting around them")
    func findsMembers() throws {
        let text = #" { "nested": {"ts": 1, "value": [1, {"x": "}"}]}, "value": -1.5e3, "ts" : "2023-11-14T22:13:20Z", "s": "a\"b\\u00e9" } "#
        #expect(try members(text, ["ts", "value", "missing", "s"]) == ["\"2023-11-14T22:13:20Z\"", "-1.5e3", nil, #""a\"b\\u00e9""#])
        #expect(try members("{}", ["ts"]) == [nil])
        #expect(try members(#"{"ts": 1, "ts": 2}"#, ["ts"]) == ["1"], "the first occurrence wins")
    }

    @Test(
        "malformed documents are refused with a position",
        arguments: [
            "", "not json", "[1, 2]", #"{"a": 1"#, #"{"a": }"#, #"{"a" 1}"#, #"{"a": 1,}"#, #"{"a": tru}"#, #"{"a": 01}"#,
            #"{"a": 1.}"#, #"{"a": "x}"#, #"{"a": "\q"}"#, #"{"a": 1} extra"#, "{\"a\": \"\u{1}\"}", #"{"a": [1, 2}"#,
            #"{"a": NaN}"#, #"{"a": -}"#,
        ])
    func malformedDocuments(text: String) {
        #expect(throws: JSONScanError.self) { try members(text, ["a"]) }
    }

    @Test("deep nesting is refused instead of overflowing the stack")
    func deepNesting() {
        let deep = "{\"a\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: JSONScanError.self) { try members(deep, ["a"]) }
    }

    @Test("agrees with JSONSerialization on which documents are valid objects")
    func agreesWithFoundation() throws {
        let samples = [
            #"{"a": [true, false, null, 1e-3, "x"]}"#, #"{"a": {"b": {"c": []}}}"#, #"{"a": "\ud83d\ude00"}"#,
            #"{"a": 1}}"#, #"{"a": [}"#, #"{"a": 1e}"#, #"{"a":-0.0}"#,
        ]
        for sample in samples {
            let foundation = (try? JSONSerialization.jsonObject(with: Data(sample.utf8))) as? [String: Any] != nil
            let scanner = (try? members(sample, ["a"])) != nil
            #expect(scanner == foundation, "\(sample)")
        }
    }
}

@Suite("Event time values")
struct EventTimeValueTests {
    func parse(_ raw: String) -> Result<Int64, EventTimeError> {
        let bytes = Array(raw.utf8)
        return bytes.withUnsafeBytes { EventTimeValue.parse($0, 0..<bytes.count) }
    }

    /// References: Python 3.11, datetime.fromisoformat(text) minus the epoch, in milliseconds.
    @Test(
        "numbers are epoch milliseconds; ISO-8601 strings with a zone are converted",
        arguments: [
            ("1700000000000", Int64(1_700_000_000_000)),
            ("-5", -5),
            ("1700000000000.9", 1_700_000_000_000),
            ("1.7e12", 1_700_000_000_000),
            (#""2023-11-14T22:13:20Z""#, 1_700_000_000_000),
            (#""2023-11-14T22:13:20.5+01:00""#, 1_699_996_400_500),
            (#""1969-12-31T23:59:59.999Z""#, -1),
            (#""2000-02-29T00:00:00-0530""#, 951_802_200_000),
            (#""2024-12-31T23:59:59.123456Z""#, 1_735_689_599_123),
            (#""2023-11-14 22:13:20z""#, 1_700_000_000_000),
        ])
    func validTimes(raw: String, expected: Int64) {
        #expect((try? parse(raw).get()) == expected)
    }

    @Test(
        "unusable event times are refused with the reason",
        arguments: [
            (#""2023-11-14T22:13:20""#, "zone is missing"),
            (#""2023-02-29T00:00:00Z""#, "out of range"),
            (#""2023-11-14""#, "expected a time"),
            (#""yesterday""#, "expected YYYY-MM-DD"),
            (#""2023-11-14T22:13:20Z trailing""#, "after the zone"),
            ("true", "epoch milliseconds or an ISO-8601"),
            ("null", "epoch milliseconds or an ISO-8601"),
            ("1e300", "in range"),
        ])
    func invalidTimes(raw: String, reason: String) {
        guard case .failure(let error) = parse(raw) else {
            Issue.record("\(raw) must be refused")
            return
        }
        #expect(error.message.contains(reason), "\(error.message)")
    }
}
