import Foundation
import Kafka
import MicroBatching
import SharedFunctions
import Testing

@testable import ProcessingModule

/// A function that throws on windows holding a value of 13, to test dead-lettering whole batches.
enum UnluckyFunction: WindowFunction {
    struct Unlucky: Error, CustomStringConvertible { var description: String { "13 is unlucky" } }
    typealias Input = NumericField
    typealias Output = FunctionA.Output
    typealias Parameters = FunctionA.Parameters
    static let name = "function_unlucky"
    static let version = "0.1.0"
    static let summary = "function_a, except that it throws on windows holding 13"

    static func decodingContext(for parameters: Parameters) -> [CodingUserInfoKey: any Sendable] {
        FunctionA.decodingContext(for: parameters)
    }

    static func apply(_ batch: WindowBatch<NumericField>, parameters: Parameters) throws -> [Output] {
        if batch.records.contains(where: { $0.value.value == 13 }) { throw Unlucky() }
        return FunctionA.apply(batch, parameters: parameters)
    }
}

@Suite("Pipeline processor: dead letters and accounting")
struct PipelineProcessorTests {
    static func processor(function: String = "function_a", extra: String = "") throws -> PipelineProcessor {
        let registry = FunctionRegistry([FunctionA.self, UnluckyFunction.self])
        let service = try ServiceConfiguration(
            yaml: """
                pipelines:
                  - {name: p, input: in, output: out, dead_letters: dead, function: \(function), window: {size: 10s},
                     event_time_field: ts, max_clock_skew: 1m \(extra)}
                """, registry: registry)
        return PipelineProcessor(configuration: service.pipelines[0], clock: ManualClock(0))
    }

    static func feed(
        _ processor: inout PipelineProcessor, _ value: String?, key: [UInt8]? = Array("k".utf8), offset: Int64,
        timestamp: Int64? = 1_000
    ) -> PipelineOutput? {
        let valueBytes = value.map { Array($0.utf8) }
        return withOptionalBytes(key) { keyBuffer in
            withOptionalBytes(valueBytes) { valueBuffer in
                processor.ingest(partition: 0, offset: offset, key: keyBuffer, value: valueBuffer, kafkaTimestamp: timestamp)
            }
        }
    }

    @Test(
        "each kind of bad record lands in the dead-letter topic with its kind and source coordinates",
        arguments: [
            (#"not json"#, DeadLetterKind.notJSON),
            (#"{"ts": 1000, "value": "#, .notJSON),
            ("", .notJSON),
            (#"{"value": 1}"#, .noEventTime),
            (#"{"ts": "2023-11-14T22:13:20", "value": 1}"#, .noEventTime),
            (#"{"ts": true, "value": 1}"#, .noEventTime),
            (#"{"ts": 1000, "value": "12"}"#, .invalidInput),
            (#"{"ts": 1000}"#, .invalidInput),
            (#"{"ts": 9000000000000000000, "value": 1}"#, .eventTimeOutOfRange),
            (#"{"ts": 999999999, "value": 1}"#, .eventTimeAheadOfClock),
        ])
    func badRecords(value: String, kind: DeadLetterKind) throws {
        var processor = try Self.processor()
        let letter = try #require(Self.feed(&processor, value, offset: 7))
        #expect(letter.topic == "dead")
        #expect(letter.header("error_kind") == kind.rawValue)
        #expect(letter.header("source_topic") == "in" && letter.header("source_partition") == "0" && letter.header("source_offset") == "7")
        #expect(letter.value == Array(value.utf8), "the original bytes are kept")
        #expect(!(letter.header("error_message") ?? "").isEmpty)
    }

    @Test("null values and keys that are not UTF-8 are dead-lettered too")
    func nullValueAndBadKey() throws {
        var processor = try Self.processor()
        #expect(Self.feed(&processor, nil, offset: 0)?.header("error_kind") == "null_value")
        #expect(Self.feed(&processor, #"{"ts": 1, "value": 1}"#, key: [0xFF, 0xFE], offset: 1)?.header("error_kind") == "key_not_utf8")
        #expect(Self.feed(&processor, #"{"ts": 1, "value": 1}"#, key: [], offset: 2) == nil, "an empty key is a key")
    }

    @Test("late records are dead-lettered with window and lateness, or dropped, and counted either way")
    func lateRecords() throws {
        for policy in ["dead-letter", "drop"] {
            var processor = try Self.processor(extra: ", late_records: \(policy)")
            _ = Self.feed(&processor, #"{"ts": 1000, "value": 1}"#, offset: 0)
            _ = Self.feed(&processor, #"{"ts": 25000, "value": 1}"#, offset: 1)
            let letter = Self.feed(&processor, #"{"ts": 2000, "value": 1}"#, offset: 2)
            if policy == "drop" {
                #expect(letter == nil)
            } else {
                #expect(letter?.header("error_kind") == "late")
                #expect(letter?.header("window_start") == "0" && letter?.header("window_end") == "10000")
                #expect(letter?.header("lateness_ms") == "15000")
            }
            #expect(processor.counters.late == 1)
        }
    }

    @Test("a function that throws sends its whole batch to the dead-letter topic; the other windows flow")
    func throwingFunction() throws {
        var processor = try Self.processor(function: "function_unlucky")
        for (offset, (time, value)) in [(1_000, 1), (2_000, 13), (3_000, 2), (12_000, 5), (25_000, 6)].enumerated() {
            _ = Self.feed(&processor, #"{"ts": \#(time), "value": \#(value)}"#, offset: Int64(offset))
        }
        let produced = processor.closeWindows() + processor.closeAllWindows()
        let letters = produced.filter { $0.topic == "dead" }
        #expect(letters.count == 3, "the three records of [0, 10 s)")
        #expect(letters.allSatisfy { $0.header("error_kind") == "function_failed" && ($0.header("error_message") ?? "").contains("unlucky") })
        #expect(letters.compactMap { $0.header("source_offset") } == ["0", "1", "2"])
        #expect(produced.filter { $0.topic == "out" }.count == 2, "windows [10 s, 20 s) and [20 s, 30 s) still produce")
        #expect(processor.counters.functionFailures == 1)
    }

    @Test("every input record is accounted for: buffered + late + dead-lettered")
    func accounting() throws {
        var processor = try Self.processor()
        let values = [#"{"ts": 1000, "value": 1}"#, "garbage", #"{"ts": 30000, "value": 2}"#, #"{"ts": 500, "value": 3}"#, #"{"value": 4}"#]
        for (offset, value) in values.enumerated() { _ = Self.feed(&processor, value, offset: Int64(offset)) }
        let counters = processor.counters
        #expect(counters.recordsIn == 5)
        #expect(counters.buffered + counters.late + counters.deadLettered == counters.recordsIn)
        #expect(counters.buffered == 2 && counters.late == 1 && counters.deadLettered == 2)
    }

    @Test("the counters' identity holds with refused, late, skipped and failed-batch records; dead letters count all but late")
    func countersIdentity() throws {
        var processor = try Self.processor(function: "function_unlucky")
        let values = [
            #"{"ts": 1000, "value": 13}"#, "garbage", #"{"ts": 2000, "value": 1}"#, #"{"ts": 30000, "value": 2}"#,
            #"{"ts": 500, "value": 3}"#, #"{"value": 4}"#,
        ]
        for (offset, value) in values.enumerated() { _ = Self.feed(&processor, value, offset: Int64(offset)) }
        _ = Self.feed(&processor, #"{"ts": 2500, "value": 5}"#, offset: 2)  // redelivered: skipped
        let produced = processor.closeAllWindows()
        let counters = processor.counters
        #expect(counters.recordsIn == 7)
        #expect(counters.buffered + counters.late + counters.refused + counters.skipped == counters.recordsIn)
        #expect(counters.refused == 2 && counters.late == 1 && counters.skipped == 1 && counters.buffered == 3)
        #expect(counters.failedBatchRecords == 2, "the batch of [0, 10 s) holding 13 failed whole")
        #expect(counters.deadLettered == counters.refused + counters.failedBatchRecords)
        #expect(produced.filter { $0.topic == "dead" }.count == counters.failedBatchRecords)
    }

    @Test("a count-window checkpoint Kafka would not keep whole is refused at the commit, naming the partition and the way out")
    func countWindowStartsBeyondTheMetadataLimit() throws {
        let service = try ServiceConfiguration(
            yaml: """
                pipelines:
                  - {name: p, input: in, output: out, dead_letters: dead, function: function_a, window: {count: 10},
                     event_time_field: ts}
                """)
        var processor = PipelineProcessor(configuration: service.pipelines[0], clock: ManualClock(0))
        var keys = 0
        // One reading per key: every key holds an open window, and each adds its start.
        while (try? processor.offsetsToCommit()) != nil {
            let key = Array("sensor-\(keys)".utf8)
            #expect(Self.feed(&processor, #"{"ts": 1000, "value": 1}"#, key: key, offset: Int64(keys)) == nil)
            keys += 1
        }
        #expect(keys > 1_000 && keys < 3_000, "about two bytes per key (a difference of 1 and a comma): \(keys)")
        #expect(processor.commitOffsets()[0].metadata.utf8.count > PipelineProcessor.commitMetadataLimit)
        let error = #expect(throws: KafkaError.self) { try processor.offsetsToCommit() }
        let message = error?.message ?? ""
        #expect(message.contains("partition 0") && message.contains("\(keys) keys have open count windows"))
        #expect(message.contains("more partitions") && error?.topic == "in")
        _ = processor.closeAllWindows()
        #expect(try processor.offsetsToCommit().count == 1, "once the windows close, the checkpoint fits again")
    }
}
