import Foundation
import Kafka
import MicroBatching
import Testing

@testable import ProcessingModule

@Suite("Parity check: stored results against windows recomputed from their input offsets")
struct ParityCheckTests {
    static func service(window: String = "{size: 10s, grace: 2s}", name: String = "stats") throws -> ServiceConfiguration {
        try ServiceConfiguration(
            yaml: """
                pipelines:
                  - {name: \(name), input: events, output: results, dead_letters: dead, function: function_b,
                     parameters: {min_records: 3, threshold: 2}, window: \(window), event_time_field: ts}
                """)
    }

    /// Two partitions of readings with outliers, some malformed and late records mixed in.
    static func inputs() -> [StoredRecord] {
        var records: [StoredRecord] = []
        var offsets: [Int32: Int64] = [:]
        for step in 0..<120 {
            for sensor in 0..<4 {
                let partition = Int32(sensor % 2)
                let value = step % 9 == 4 ? 90.0 : 20.0 + Double((step * 5 + sensor) % 7)
                let time = step % 17 == 3 ? Int64(step - 3) * 1_000 : Int64(step) * 1_000 + Int64(sensor)
                let text = step % 31 == 5 ? "not json" : #"{"ts":\#(time),"value":\#(value)}"#
                records.append(
                    StoredRecord(
                        partition: partition, offset: offsets[partition, default: 0], key: Array("s\(sensor)".utf8),
                        value: Array(text.utf8)))
                offsets[partition, default: 0] += 1
            }
        }
        return records
    }

    /// What the service produced for `inputs`: the replay's results as output-topic records.
    static func outputs(_ service: ServiceConfiguration, _ inputs: [StoredRecord]) -> [StoredRecord] {
        var replay = Replay(configuration: service.pipelines[0])
        for record in inputs {
            replay.feed(
                line: Array(
                    ExportLine.encode(
                        partition: record.partition, offset: record.offset, timestamp: record.timestamp, key: record.key,
                        value: record.value
                    ).utf8))
        }
        replay.finish()
        return replay.results.enumerated().map { index, result in
            StoredRecord(partition: 0, offset: Int64(index), key: result.key, value: result.value, headers: result.headers)
        }
    }

    @Test("results recomputed from their input offsets are identical, in key and global scope, tumbling, hopping, sessions and counts",
          arguments: [
              ("{size: 10s, grace: 2s}", "key"), ("{size: 10s, advance: 5s}", "key"), ("{size: 10s}", "global"),
              ("{session_gap: 3s, grace: 2s, max_duration: 10s}", "key"), ("{session_gap: 1500ms, max_duration: 5s}", "global"),
              ("{count: 7}", "key"), ("{count: 7, advance: 3}", "key"),
          ])
    func identical(window: String, scope: String) throws {
        let service = try ServiceConfiguration(
            yaml: """
                pipelines:
                  - {name: stats, input: events, output: results, dead_letters: dead, function: function_a,
                     window: \(window), scope: \(scope), event_time_field: ts}
                """)
        let inputs = Self.inputs()
        let outputs = Self.outputs(service, inputs)
        let check = try ParityCheck(configuration: service.pipelines[0])
        #expect(!check.inputRanges(of: outputs).isEmpty)
        let report = check.check(outputs: outputs, inputs: inputs.shuffled())
        #expect(outputs.count >= 12)
        #expect(report.differences.isEmpty, "\(report.differences)")
        #expect(report.unverifiable.isEmpty, "\(report.unverifiable)")
        #expect(report.matched == outputs.count)
    }

    @Test(
        "an altered result, a missing one and a conflicting redelivery are reported; identical redeliveries are not",
        arguments: ["{size: 10s, grace: 2s}", "{session_gap: 3s, grace: 2s, max_duration: 10s}", "{count: 6, advance: 3}"])
    func differences(window: String) throws {
        let service = try Self.service(window: window)
        let inputs = Self.inputs()
        var outputs = Self.outputs(service, inputs)
        let check = try ParityCheck(configuration: service.pipelines[0])
        #expect(check.check(outputs: outputs, inputs: inputs).differences.isEmpty)
        #expect(outputs.count > 10, "function_b flags the outliers")

        let redelivered = outputs + outputs.prefix(5).map { record in
            var copy = record
            copy.offset += 1_000
            return copy
        }
        let again = check.check(outputs: redelivered, inputs: inputs)
        #expect(again.differences.isEmpty && again.redelivered > 0)

        outputs[3].value = Array(String(decoding: outputs[3].value!, as: UTF8.self).replacingOccurrences(of: "\"score\":", with: "\"score\":1").utf8)
        let altered = check.check(outputs: outputs, inputs: inputs)
        #expect(altered.differences.count == 1)
        let difference = try #require(altered.differences.first)
        #expect(difference.outputs.contains("0:3"))
        #expect(difference.description.contains("DIFFERENT") && difference.description.contains("recomputed"))

        var conflicting = Self.outputs(service, inputs)
        var copy = conflicting[0]
        copy.value = Array("{}".utf8)
        copy.offset = 9_999
        conflicting.append(copy)
        #expect(check.check(outputs: conflicting, inputs: inputs).differences.count == 1)
    }

    @Test("a wrong record count, or inputs missing from the topic, are differences")
    func countsAndMissingInputs() throws {
        let service = try Self.service()
        let inputs = Self.inputs()
        var outputs = Self.outputs(service, inputs)
        let check = try ParityCheck(configuration: service.pipelines[0])
        outputs[0].headers = outputs[0].headers.map { $0.name == "record_count" ? KafkaHeader("record_count", "999") : $0 }
        #expect(check.check(outputs: outputs, inputs: inputs).differences.count == 1)
        let fewer = check.check(outputs: Self.outputs(service, inputs), inputs: inputs.filter { $0.offset % 2 == 0 })
        #expect(!fewer.differences.isEmpty)
    }

    @Test("results it cannot check are listed with the reason; other pipelines' results are skipped")
    func unverifiable() throws {
        let service = try Self.service()
        let inputs = Self.inputs()
        var outputs = Self.outputs(service, inputs)
        outputs[0].headers.removeAll { $0.name == "input_offsets" }
        outputs[1].headers = outputs[1].headers.map { $0.name == "function_version" ? KafkaHeader("function_version", "0.9") : $0 }
        outputs[2].headers = outputs[2].headers.map { $0.name == "pipeline" ? KafkaHeader("pipeline", "other") : $0 }
        let check = try ParityCheck(configuration: service.pipelines[0])
        let report = check.check(outputs: outputs, inputs: inputs, available: [0: 0, 1: 0])
        #expect(report.unverifiable.map(\.output).prefix(2) == ["0:0", "0:1"])
        #expect(report.unverifiable[0].reason.contains("input_offsets"))
        #expect(report.unverifiable[1].reason.contains("0.9"))
        #expect(report.otherPipelines == 1)
        let deleted = check.check(outputs: Self.outputs(service, inputs), inputs: inputs, available: [0: 1_000, 1: 1_000])
        #expect(deleted.matched == 0 && deleted.unverifiable.allSatisfy { $0.reason.contains("retention") })
    }

    @Test("provenance offset ranges parse strictly")
    func offsetRanges() throws {
        #expect(try Provenance.offsetRanges("0:1-5,3:7-7") == [OffsetRange(partition: 0, first: 1, last: 5), OffsetRange(partition: 3, first: 7, last: 7)])
        for bad in ["", "0:5-1", "x:1-2", "0:1", "0:-1-2", "0:1-2,", ",0:1-2"] {
            #expect(throws: ProvenanceError.self, "\(bad)") { try Provenance.offsetRanges(bad) }
        }
    }

    @Test("processing-time pipelines cannot be checked: arrival times are not stored")
    func processingTime() throws {
        let service = try ServiceConfiguration(
            yaml: """
                pipelines:
                  - {name: p, input: events, output: results, dead_letters: dead, function: function_a, window: {size: 10s}, time: processing-time}
                """)
        #expect(throws: ParityCheckError.self) { try ParityCheck(configuration: service.pipelines[0]) }
    }
}
