import Kafka
import MicroBatching
import SharedFunctions
import Testing

@testable import ProcessingModule

@Suite("Output headers")
struct OutputHeadersTests {
    static let provenance = Provenance(
        pipeline: "stats", function: "function_a", functionVersion: "1.0.0", inputTopic: "events",
        window: Window(start: 300_000, end: 600_000)!, key: "sensor-1", recordCount: 12, closeReason: .idleTimeout,
        inputOffsets: [OffsetRange(partition: 0, first: 4, last: 9), OffsetRange(partition: 3, first: 7, last: 7)])

    @Test("a result's provenance is written as the documented headers, in order, and read back unchanged")
    func resultRoundTrip() throws {
        let result = WindowResult(topic: "results", value: Array(#"{"count":12}"#.utf8), provenance: Self.provenance)
        #expect(
            result.headers.map { "\($0.name)=\($0.stringValue ?? "")" } == [
                "function=function_a", "function_version=1.0.0", "pipeline=stats", "input_topic=events",
                "window_start=300000", "window_end=600000", "record_count=12", "close_reason=idle-timeout",
                "input_offsets=0:4-9,3:7-7",
            ])
        #expect(result.outgoing.timestamp == 600_000 && result.outgoing.key == Array("sensor-1".utf8))
        let read = try OutputHeaders.decode(
            topic: "results", key: result.key, value: result.value, headers: result.headers, timestamp: 600_000)
        #expect(read == .result(result))
    }

    @Test("dead letters of every kind keep kind, message and source; late ones their window, failed batches their provenance")
    func deadLetterRoundTrip() throws {
        for kind in DeadLetterKind.allCases {
            var letter = DeadLetter(
                topic: "dead", kind: kind, message: "why: \(kind)", pipeline: "stats",
                source: SourceCoordinates(topic: "events", partition: 2, offset: 41),
                // A failed batch's record key is its batch key (key scope); other keys may be any bytes.
                key: kind == .functionFailed ? Array("sensor-1".utf8) : [0xFF], value: nil, timestamp: 17)
            if kind == .late { letter.missed = LateArrival(window: Window(start: 0, end: 10_000)!, lateness: 1_500) }
            if kind == .functionFailed { letter.provenance = Self.provenance }
            let read = try OutputHeaders.decode(
                topic: "dead", key: letter.key, value: letter.value, headers: letter.headers, timestamp: 17)
            #expect(read == .deadLetter(letter), "\(kind)")
            #expect(letter.header("error_kind") == kind.rawValue && letter.header("source_offset") == "41")
        }
    }

    @Test("bad provenance headers are refused with the header named")
    func badHeaders() {
        var headers = OutputHeaders.encode(Self.provenance)
        headers.removeAll { $0.name == "close_reason" }
        #expect(throws: ProvenanceError("the header 'close_reason' is missing")) {
            try OutputHeaders.provenance(headers, key: nil)
        }
        headers.append(KafkaHeader("close_reason", "tired"))
        #expect(throws: ProvenanceError.self) { try OutputHeaders.provenance(headers, key: nil) }
        #expect(throws: ProvenanceError("the key is not valid UTF-8")) {
            try OutputHeaders.provenance(OutputHeaders.encode(Self.provenance), key: [0xC3])
        }
    }
}
