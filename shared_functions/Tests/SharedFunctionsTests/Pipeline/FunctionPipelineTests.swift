import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("Function pipeline: one scan per record, refusals in order")
struct FunctionPipelineTests {
    static func pipeline(layout: RecordLayout = RecordLayout(eventTimeField: "ts")) throws -> any FunctionPipeline {
        let window = try WindowSpecification(size: 10_000, advance: 10_000, grace: 0)
        var pipeline = try FunctionRegistry.standard.prepare("function_a").makePipeline(
            layout: layout, engine: try EngineConfiguration(window: window), clock: ManualClock(0))
        pipeline.assign(0, from: nil)
        return pipeline
    }

    /// Offers one record of partition 0; names what became of it.
    static func offer(
        _ value: String?, key: [UInt8]? = Array("k".utf8), offset: Int64, timestamp: Int64? = nil,
        into pipeline: inout any FunctionPipeline
    ) -> String {
        let valueBytes = value.map { Array($0.utf8) }
        let outcome = withBytes(key) { key in
            withBytes(valueBytes) { value in
                pipeline.offer(
                    key: key, value: value, transportTimestamp: timestamp, partition: 0, offset: offset, writtenAt: nil, now: 0)
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
        var pipeline = try Self.pipeline()
        #expect(Self.offer(value, key: key, offset: 0, into: &pipeline) == expected)
    }

    @Test("a record refused before a restore is skipped when replayed after it, not dead-lettered twice")
    func restoreAndRedelivery() throws {
        var pipeline = try Self.pipeline()
        #expect(Self.offer(#"{"ts": 1000, "value": 1}"#, offset: 0, into: &pipeline) == "buffered")
        #expect(Self.offer(#"{"ts": 25000, "value": 1}"#, offset: 1, into: &pipeline) == "buffered")
        #expect(Self.offer("garbage", offset: 2, into: &pipeline) == "not_json")
        #expect(Self.offer(#"{"ts": 2000, "value": 1}"#, offset: 3, into: &pipeline) == "late")
        #expect(Self.offer(#"{"ts": 2000, "value": 1}"#, offset: 3, into: &pipeline) == "skipped", "a redelivery")
        _ = pipeline.closeWindows(now: 0)
        let checkpoint = try #require(pipeline.checkpoint(of: 0))
        #expect(checkpoint.committedOffset == 1, "offset 1 is held by the open window [20 s, 30 s)")

        var restored = try Self.pipeline()
        restored.assign(0, from: checkpoint)
        #expect(Self.offer(#"{"ts": 25000, "value": 1}"#, offset: 1, into: &restored) == "buffered", "its window is rebuilt")
        #expect(Self.offer("garbage", offset: 2, into: &restored) == "skipped", "dead-lettered before the restore")
        #expect(Self.offer(#"{"ts": 2000, "value": 1}"#, offset: 3, into: &restored) == "skipped", "reported late before the restore")
        #expect(Self.offer("garbage", offset: 4, into: &restored) == "not_json", "a fresh record is refused")
    }

    @Test("without an event-time field the transport timestamp is the event time, and the value is still checked")
    func transportTimestamp() throws {
        var pipeline = try Self.pipeline(layout: RecordLayout(eventTimeField: nil))
        #expect(Self.offer(#"{"value": 1}"#, offset: 0, into: &pipeline) == "no_event_time")
        #expect(Self.offer(#"{"value": 1}"#, offset: 1, timestamp: 1_000, into: &pipeline) == "buffered")
        #expect(Self.offer(#"{"value": 1"#, offset: 2, timestamp: 1_000, into: &pipeline) == "not_json")
        let closed = pipeline.closeAllWindows()
        #expect(closed.map(\.window) == [Window(start: 0, end: 10_000)] && closed.map(\.recordCount) == [1])
    }

    @Test("the event-time field and the input field found by one scan, even when they are one member or repeated")
    func sharedMembers() throws {
        var pipeline = try Self.pipeline()
        #expect(Self.offer(#"{"value": 3, "ts": 500, "value": 99, "ts": 9999}"#, offset: 0, into: &pipeline) == "buffered")
        let closed = pipeline.closeAllWindows()
        let outputs = try #require(try closed.first?.outcome.get())
        let text = String(decoding: try #require(outputs.first), as: UTF8.self)
        #expect(closed.first?.window == Window(start: 0, end: 10_000), "the first ts (500) decides the window")
        #expect(text.contains(#""sum":3"#), "the first value is the input: \(text)")
    }

    @Test("a scanned record's other members are the ones named by the layout, in order")
    func otherMembers() throws {
        var pipeline = try Self.pipeline(layout: RecordLayout(eventTimeField: "ts", otherMembers: ["k", "p"]))
        let line = Array(#"{"p": 3, "ts": 1, "value": 2, "k": "a"}"#.utf8)
        var members: [Range<Int>?] = [nil, nil]
        let refusal = line.withUnsafeBytes { bytes in
            members.withUnsafeMutableBufferPointer { pipeline.scan(bytes, transportTimestamp: nil, recordIndex: 0, otherMembers: $0) }
        }
        #expect(refusal == nil)
        let key = try #require(members[0])
        let partition = try #require(members[1])
        #expect(String(decoding: line[key], as: UTF8.self) == #""a""# && String(decoding: line[partition], as: UTF8.self) == "3")
        #expect(String(describing: pipeline.admitScanned(key: "a", partition: 0, offset: 0, writtenAt: nil, now: 0)) == "buffered")
    }
}

/// `body` with a pointer to `bytes`, or `nil` for none.
private func withBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
