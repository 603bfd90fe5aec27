import Foundation
import Kafka
import MicroBatching
import SharedFunctions
import Testing

@testable import ProcessingModule

/// The hostile input corpus (`Tests/Corpus/hostile-input.jsonl`) through the running pipeline:
/// each bad record lands in the dead-letter topic with the right kind, the valid records around
/// it are counted, and inputs = records in windows + dead letters (late ones included).
@Suite("Reliability: hostile input")
struct HostileInputTests {
    struct Entry {
        let name: String
        let expect: String
        let key: [UInt8]?
        let value: [UInt8]?
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/hostile-input.jsonl")

    static func entries() throws -> [Entry] {
        let text = try String(contentsOf: corpus, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { index, line in
            let bytes = Array(line.utf8)
            let record = ReplayLine(bytes, index: index)
            let members = try bytes.withUnsafeBytes { buffer in
                try JSONObjectScanner.members([Array("name".utf8), Array("expect".utf8)], in: buffer).map { range in
                    range.flatMap { JSONMemberText.text(buffer, $0) } ?? ""
                }
            }
            return Entry(name: members[0], expect: members[1], key: record.key, value: record.value)
        }
    }

    @Test("every hostile record is dead-lettered with its kind or counted; inputs = windowed + dead letters")
    func hostileCorpus() throws {
        let entries = try Self.entries()
        #expect(entries.count >= 30)
        let broker = try EmbeddedBroker(topics: ["events": 1, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let service = try ServiceConfiguration(
            yaml: """
                kafka: {bootstrap.servers: "\(broker.bootstrapServers)"}
                group_id: hostile
                pipelines:
                  - {name: stats, input: events, output: results, dead_letters: dead, function: function_a,
                     window: {size: 10m}, event_time_field: ts, idle_timeout: off, max_clock_skew: 1h,
                     late_records: dead-letter, commit_interval: 200ms}
                """)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers, ["message.max.bytes": "4000000"]),
            logger: EndToEndTests.quiet)
        var offset: Int64 = 0
        var expectedKinds: [Int64: (name: String, kind: String)] = [:]
        var valid = 0
        func send(_ key: [UInt8]?, _ value: [UInt8]?, timestamp: Int64? = nil) throws {
            try producer.send(KafkaOutgoingMessage(topic: "events", partition: 0, key: key, value: value, timestamp: timestamp))
            offset += 1
        }
        func filler(_ index: Int) throws {
            try send(Array("sensor-1".utf8), Array(#"{"ts":\#(1_700_000_000_000 + Int64(index) * 100),"value":\#(index % 7)}"#.utf8))
            valid += 1
        }
        for (index, entry) in entries.enumerated() {
            try filler(index)
            if entry.expect == "valid" { valid += 1 } else { expectedKinds[offset] = (entry.name, entry.expect) }
            try send(entry.key, entry.value)
        }
        // A producer that forges its Kafka timestamp to agree with a far-future event time.
        expectedKinds[offset] = ("far future with a forged Kafka timestamp", "event_time_ahead_of_clock")
        try send(Array("sensor-h".utf8), Array(#"{"ts":4102444800000,"value":1}"#.utf8), timestamp: 4_102_444_800_000)
        let padding = String(repeating: "x", count: 1 << 20)
        try send(Array("sensor-1".utf8), Array(#"{"ts":1700000031000,"value":1.5,"padding":"\#(padding)"}"#.utf8))
        valid += 1
        try filler(entries.count)
        // Closes the 10-minute window by stream time and stays open itself.
        try send(Array("sensor-1".utf8), Array(#"{"ts":1700003600000,"value":0}"#.utf8))
        let produced = Int(offset)
        #expect(try producer.flush().delivered == produced)

        let (runner, stop) = try EndToEndTests.start(service)
        let deadLetters = try EndToEndTests.read(broker, topic: "dead", expected: expectedKinds.count, seconds: 120)
        let results = try EndToEndTests.read(broker, topic: "results", expected: 3, seconds: 120)
        #expect(stop() == nil)

        var kindsByOffset: [Int64: String] = [:]
        for (_, headers, _) in deadLetters {
            let header = { (name: String) in headers.first { $0.name == name }?.stringValue }
            if let offset = header("source_offset").flatMap(Int64.init) { kindsByOffset[offset] = header("error_kind") }
        }
        for (offset, expected) in expectedKinds.sorted(by: { $0.key < $1.key }) {
            #expect(kindsByOffset[offset] == expected.kind, "\(expected.name) (offset \(offset))")
        }
        #expect(deadLetters.count == expectedKinds.count, "nothing else is dead-lettered")
        let windowed = results.compactMap { $0.1.first { $0.name == "record_count" }?.stringValue.flatMap(Int.init) }.reduce(0, +)
        #expect(Set(results.map { $0.0 ?? "<none>" }) == ["sensor-1", "sensor-h", "", "<none>"])
        #expect(windowed == valid, "every valid record is counted into its window")
        #expect(produced == windowed + 1 + deadLetters.count, "inputs = windowed + still open + dead letters")
        let counters = runner.counters
        #expect(counters.recordsIn == counters.buffered + counters.late + counters.deadLettered + counters.skipped)
        Reliability.report(
            .init(
                scenario: "Hostile input", injected: "\(entries.count) corpus records, a forged timestamp and a 1 MB value, between valid readings",
                times: entries.count + 2, recordsIn: produced, windowsOut: results.count, lost: valid - windowed,
                duplicated: 0, deadLettered: deadLetters.count,
                note: "every kind as expected: \(expectedKinds.allSatisfy { kindsByOffset[$0.key] == $0.value.kind })"))
    }
}
