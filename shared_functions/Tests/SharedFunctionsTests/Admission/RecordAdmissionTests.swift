import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("Record admission")
struct RecordAdmissionTests {
    static func engine() throws -> MicroBatchEngine<[UInt8]> {
        let window = try WindowSpecification(size: 10_000, advance: 10_000, grace: 0)
        var engine = MicroBatchEngine<[UInt8]>(configuration: try EngineConfiguration(window: window), clock: ManualClock(0))
        engine.assign(0)
        return engine
    }

    /// Reads and admits one record of partition 0; names what became of it.
    static func offer(
        _ value: String?, key: [UInt8]? = Array("k".utf8), offset: Int64, into engine: inout MicroBatchEngine<[UInt8]>
    ) throws -> String {
        let admission = RecordAdmission(function: try FunctionRegistry.standard.prepare("function_a"), eventTimeField: "ts")
        let valueBytes = value.map { Array($0.utf8) }
        let outcome = withBytes(key) { key in
            withBytes(valueBytes) { value in
                var others: ArraySlice<Range<Int>?> = []
                switch admission.read(key: key, value: value, transportTimestamp: nil, others: &others) {
                case .failure(let refusal): return RecordAdmission.refuse(refusal, partition: 0, offset: offset, in: &engine)
                case .success(let record): return admission.admit(record, partition: 0, offset: offset, writtenAt: nil, into: &engine)
                }
            }
        }
        switch outcome {
        case .buffered: return "buffered"
        case .skipped: return "skipped"
        case .late: return "late"
        case .refused(let refusal): return refusal.kind.rawValue
        }
    }

    @Test(
        "each refusal has its dead-letter kind, in the order of the steps",
        arguments: [
            (nil as String?, [0xFF] as [UInt8]?, "key_not_utf8"), (nil, Array("k".utf8), "null_value"),
            ("not json", Array("k".utf8), "not_json"), (#"{"value": 1}"#, nil, "no_event_time"),
            (#"{"ts": 1000, "value": "x"}"#, nil, "invalid_input"),
            (#"{"ts": 9000000000000000000, "value": 1}"#, nil, "event_time_out_of_range"), (#"{"ts": 1000, "value": 1}"#, nil, "buffered"),
        ])
    func refusals(value: String?, key: [UInt8]?, expected: String) throws {
        var engine = try Self.engine()
        #expect(try Self.offer(value, key: key, offset: 0, into: &engine) == expected)
    }

    @Test("a record refused before a restore is skipped when replayed after it, not dead-lettered twice")
    func restoreAndRedelivery() throws {
        var engine = try Self.engine()
        #expect(try Self.offer(#"{"ts": 1000, "value": 1}"#, offset: 0, into: &engine) == "buffered")
        #expect(try Self.offer(#"{"ts": 25000, "value": 1}"#, offset: 1, into: &engine) == "buffered")
        #expect(try Self.offer("garbage", offset: 2, into: &engine) == "not_json")
        #expect(try Self.offer(#"{"ts": 2000, "value": 1}"#, offset: 3, into: &engine) == "late")
        #expect(try Self.offer(#"{"ts": 2000, "value": 1}"#, offset: 3, into: &engine) == "skipped", "a redelivery")
        _ = engine.closeWindows()
        let checkpoint = try #require(engine.checkpoint(of: 0))
        #expect(checkpoint.committedOffset == 1, "offset 1 is held by the open window [20 s, 30 s)")

        var restored = try Self.engine()
        _ = restored.assign(0, from: checkpoint)
        #expect(try Self.offer(#"{"ts": 25000, "value": 1}"#, offset: 1, into: &restored) == "buffered", "its window is rebuilt")
        #expect(try Self.offer("garbage", offset: 2, into: &restored) == "skipped", "dead-lettered before the restore")
        #expect(try Self.offer(#"{"ts": 2000, "value": 1}"#, offset: 3, into: &restored) == "skipped", "reported late before the restore")
        #expect(try Self.offer("garbage", offset: 4, into: &restored) == "not_json", "a fresh record is refused")
    }
}

/// `body` with a pointer to `bytes`, or `nil` for none.
private func withBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
