import Foundation
import Kafka
import MicroBatching
import SharedFunctions
import Testing

@testable import ProcessingModule

/// A function that throws on some windows: those batches go to the dead-letter topic whole (each
/// record with the window's provenance), every other window's result flows.
@Suite("Reliability: a function that throws")
struct FunctionFailureTests {
    @Test("windows the function throws on are dead-lettered whole; the rest flow")
    func throwingFunction() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let registry = FunctionRegistry([FunctionA.self, UnluckyFunction.self])
        let service = try ServiceConfiguration(
            yaml: """
                kafka: {bootstrap.servers: "\(broker.bootstrapServers)"}
                group_id: unlucky
                pipelines:
                  - {name: unlucky, input: events, output: results, dead_letters: dead, function: function_unlucky,
                     window: {size: 30s}, event_time_field: ts, idle_timeout: off, max_clock_skew: off, commit_interval: 200ms}
                """, registry: registry)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: EndToEndTests.quiet)
        var produced = 0
        for step in 0..<240 {
            for sensor in 0..<8 {
                // sensor-3 reads 13 once in each of 4 windows (12 steps of 2.5 s per window): the function throws on them.
                let value = sensor == 3 && step % 12 == 5 && step < 48 ? 13.0 : 20.0 + Double((step + sensor) % 5)
                try producer.send(
                    KafkaOutgoingMessage(
                        topic: "events", partition: Int32(sensor % 4), key: Array("sensor-\(sensor)".utf8),
                        value: Array(#"{"ts":\#(1_700_000_000_000 + Int64(step) * 2_500),"value":\#(value)}"#.utf8)))
                produced += 1
            }
        }
        #expect(try producer.flush().delivered == produced)

        var replay = Replay(configuration: service.pipelines[0])
        for line in try EndToEndTests.export(broker, topic: "events", partitions: 4, expected: produced) {
            replay.feed(line: Array(line.utf8))
        }
        replay.finish()
        let expectedResults = Set(
            replay.results.filter { $0.header("close_reason") == "stream-time" }.map {
                EndToEndTests.identity($0.key.map { String(decoding: $0, as: UTF8.self) }, $0.headers, $0.value)
            })
        let replayFailed = replay.deadLetters.filter { $0.header("error_kind") == "function_failed" }
        let expectedFailed = replayFailed.count
        // The engine buffers decoded inputs, not bytes: replay keeps the records of its open windows,
        // the service reads a failed batch back from the input topic. Both give the original bytes.
        let replayLetters = Set(
            replayFailed.map { "\($0.source.partition)@\($0.source.offset) \(String(decoding: $0.value ?? [], as: UTF8.self))" })
        #expect(replayFailed.allSatisfy { $0.value?.starts(with: Array(#"{"ts":"#.utf8)) == true && $0.key != nil })

        let (runner, stop) = try EndToEndTests.start(service)
        let results = try EndToEndTests.read(broker, topic: "results", expected: expectedResults.count, seconds: 120)
        let deadLetters = try EndToEndTests.read(broker, topic: "dead", expected: expectedFailed, seconds: 120)
        #expect(stop() == nil)
        let seen = Set(results.map { EndToEndTests.identity($0.0, $0.1, $0.2) })
        let failedWindows = Set(
            deadLetters.compactMap { letter in letter.1.first { $0.name == "window_start" }?.stringValue.map { "\(letter.0 ?? "")@\($0)" } })
        #expect(expectedFailed > 0)
        #expect(seen == expectedResults, "every other window's result flows")
        #expect(deadLetters.count == expectedFailed, "the failed windows' records, all of them")
        #expect(deadLetters.allSatisfy { $0.1.first { $0.name == "error_kind" }?.stringValue == "function_failed" })
        #expect(failedWindows.count == 4 && failedWindows.allSatisfy { $0.hasPrefix("sensor-3@") })
        let runLetters = Set(
            deadLetters.map { letter in
                let header = { (name: String) in letter.1.first { $0.name == name }?.stringValue ?? "?" }
                return "\(header("source_partition"))@\(header("source_offset")) \(String(decoding: letter.2, as: UTF8.self))"
            })
        #expect(runLetters == replayLetters, "every dead letter carries its record's original bytes")
        #expect(runner.counters.functionFailures == 4)
        Reliability.report(
            .init(
                scenario: "Function throws", injected: "a function that throws on windows holding 13", times: 4,
                recordsIn: produced, windowsOut: seen.count, lost: expectedResults.subtracting(seen).count, duplicated: 0,
                deadLettered: deadLetters.count, note: "4 windows dead-lettered whole (\(deadLetters.count) records)"))
    }
}
