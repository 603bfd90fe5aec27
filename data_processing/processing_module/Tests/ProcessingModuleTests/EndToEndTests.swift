import Foundation
import Kafka
import Logging
import MicroBatching
import TestSupport
import Testing

@testable import ProcessingModule

/// The service on the embedded broker against `replay` of the same records: same windows, keys,
/// functions, versions and byte-identical values.
@Suite("Pipelines end to end on the embedded broker")
struct EndToEndTests {
    static var quiet: Logger { Logger(label: "end-to-end") { _ in SwiftLogNoOpLogHandler() } }

    /// Sensor readings over `minutes` of event time on 4 partitions (a key stays on its partition),
    /// with a few malformed and late records mixed in.
    static func produceDataset(_ broker: EmbeddedBroker, topic: String, minutes: Int, from firstMinute: Int = 0) throws -> Int {
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: quiet)
        var count = 0
        let start: Int64 = 1_700_000_000_000
        for step in (firstMinute * 6)..<((firstMinute + minutes) * 6) {
            for sensor in 0..<8 {
                let time = start + Int64(step) * 10_000 + Int64(sensor) * 100
                let value = 20.0 + Double((step * 7 + sensor * 3) % 11) + (step % 40 == 17 ? 30 : 0)
                try producer.send(
                    KafkaOutgoingMessage(
                        topic: topic, partition: Int32(sensor % 4), key: Array("sensor-\(sensor)".utf8),
                        value: Array(#"{"ts":\#(time),"value":\#(value)}"#.utf8)))
                count += 1
            }
            if step == 40 {
                for bad in [#"{"ts": 1700000000000, "value": "#, "not json", #"{"value": 1}"#, #"{"ts": "2023-11-14T22:13:20", "value": 1}"#] {
                    try producer.send(KafkaOutgoingMessage(topic: topic, partition: 1, key: Array("sensor-1".utf8), value: Array(bad.utf8)))
                    count += 1
                }
                try producer.send(
                    KafkaOutgoingMessage(
                        topic: topic, partition: 2, key: Array("sensor-2".utf8), value: Array(#"{"ts":\#(start),"value":1}"#.utf8)))
                count += 1
            }
        }
        let summary = try producer.flush()
        #expect(summary.delivered == count)
        return count
    }

    /// Every record of `topic`, in the export format.
    static func export(_ broker: EmbeddedBroker, topic: String, partitions: Int32, expected: Int) throws -> [String] {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers, ["group.id": "export-\(topic)"]), logger: quiet)
        try consumer.assign((0..<partitions).map { CommittedOffset(TopicPartition(topic, $0), offset: 0) })
        var lines: [String] = []
        let deadline = Date().addingTimeInterval(120)
        while lines.count < expected, Date() < deadline {
            consumer.poll(timeoutMilliseconds: 100) { message in
                lines.append(
                    ExportLine.encode(
                        partition: message.partition, offset: message.offset, timestamp: message.timestamp?.milliseconds,
                        key: message.key.map(Array.init), value: message.value.map(Array.init)))
            }
        }
        try consumer.close()
        return lines
    }

    /// Records of `topic` as (key, headers, value), read until `expected` arrived or `seconds` passed.
    static func read(_ broker: EmbeddedBroker, topic: String, expected: Int, seconds: Double) throws -> [(String?, [KafkaHeader], [UInt8])] {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers, ["group.id": "read-\(topic)-\(UUID())"]),
            logger: quiet)
        try consumer.assign([CommittedOffset(TopicPartition(topic, 0), offset: 0)])
        var records: [(String?, [KafkaHeader], [UInt8])] = []
        let deadline = Date().addingTimeInterval(seconds)
        while records.count < expected, Date() < deadline {
            consumer.poll(timeoutMilliseconds: 100) { message in
                records.append((message.keyString, message.headers, message.value.map(Array.init) ?? []))
            }
        }
        try consumer.close()
        return records
    }

    static func configuration(
        bootstrap: String, window: String, idleTimeout: String = "1s", guarantee: String = "at-least-once",
        kafka: String = ""
    ) throws -> ServiceConfiguration {
        try ServiceConfiguration(
            yaml: """
                kafka: {bootstrap.servers: "\(bootstrap)"\(kafka.isEmpty ? "" : ", " + kafka)}
                group_id: e2e
                pipelines:
                  - name: stats
                    input: events
                    output: results
                    dead_letters: dead
                    function: function_a
                    window: \(window)
                    event_time_field: ts
                    idle_timeout: \(idleTimeout)
                    max_clock_skew: off
                    commit_interval: 200ms
                    guarantee: \(guarantee)
                """)
    }

    @Test(
        "run on the embedded broker gives exactly what replay gives for the exported records",
        // Short windows: after the input ends, the idle rule advances stream time with the wall clock,
        // so the last window of each partition closes one window length (plus grace) later.
        // Sessions: a reading every 10 s per sensor, so a 15 s gap makes one session per sensor,
        // cut every minute by the maximum duration. Count windows: 4 readings, a new one every 2.
        arguments: ["{size: 30s, grace: 5s}", "{size: 20s, advance: 10s}", "{session_gap: 15s, grace: 5s, max_duration: 1m}", "{count: 4, advance: 2}"])
    func runMatchesReplay(window: String) throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: Self.quiet)
        let produced = try Self.produceDataset(broker, topic: "events", minutes: 12)
        let service = try Self.configuration(bootstrap: broker.bootstrapServers, window: window)

        var replay = Replay(configuration: service.pipelines[0])
        for line in try Self.export(broker, topic: "events", partitions: 4, expected: produced) {
            replay.feed(line: Array(line.utf8))
        }
        replay.finish()
        // Count windows take every record: the late one is only late for windows of time.
        let counts = window.contains("count")
        #expect(replay.processor.counters.recordsIn == produced)
        #expect(replay.deadLetters.count == (counts ? 4 : 5), "four malformed records and one late record")

        let runner = try PipelineRunner(configuration: service.pipelines[0], kafka: service.kafka, groupID: service.groupID, logger: Self.quiet)
        let stop = runner.stop
        let finished = DispatchSemaphore(value: 0)
        let failure = Box<(any Error)?>(nil)
        Thread.detachNewThread {
            do { try runner.run() } catch { failure.value = error }
            finished.signal()
        }
        let results = try Self.read(broker, topic: "results", expected: replay.results.count, seconds: 120)
        let deadLetters = try Self.read(broker, topic: "dead", expected: counts ? 4 : 5, seconds: 10)
        stop.request()
        #expect(finished.wait(timeout: .now() + 30) == .success, "the runner stops when asked")
        #expect(failure.value == nil, "\(String(describing: failure.value))")

        func identity(_ key: String?, _ headers: [KafkaHeader], _ value: [UInt8]) -> String {
            let names = ["function", "function_version", "pipeline", "window_start", "window_end", "record_count"]
            let values = names.map { name in headers.first { $0.name == name }?.stringValue ?? "-" }
            return "\(key ?? "-")|\(values.joined(separator: "|"))|\(String(decoding: value, as: UTF8.self))"
        }
        let fromRun = results.map { identity($0.0, $0.1, $0.2) }.sorted()
        let fromReplay = replay.results.map { identity($0.key.map { String(decoding: $0, as: UTF8.self) }, $0.headers, $0.value) }.sorted()
        #expect(fromRun.count == fromReplay.count)
        #expect(fromRun == fromReplay)
        let kinds = deadLetters.map { $0.1.first { $0.name == "error_kind" }?.stringValue ?? "-" }.sorted()
        #expect(kinds == (counts ? [] : ["late"]) + ["no_event_time", "no_event_time", "not_json", "not_json"])
        let reasons = Set(results.compactMap { $0.1.first { $0.name == "close_reason" }?.stringValue })
        // Sessions here never pause for a gap: each closes where the maximum duration cuts it.
        let closedByStreamTime = window.contains("session_gap") ? "maximum-duration" : counts ? "count-reached" : "stream-time"
        #expect(reasons.isSuperset(of: [closedByStreamTime, "idle-timeout"]), "the last windows close on the idle timeout")
    }

    /// Runs a pipeline on a thread until `stop`; returns a function that stops it and waits.
    static func start(_ service: ServiceConfiguration) throws -> (PipelineRunner, () -> (any Error)?) {
        let runner = try PipelineRunner(configuration: service.pipelines[0], kafka: service.kafka, groupID: service.groupID, logger: quiet)
        let finished = DispatchSemaphore(value: 0)
        let failure = Box<(any Error)?>(nil)
        Thread.detachNewThread {
            do { try runner.run() } catch { failure.value = error }
            finished.signal()
        }
        return (runner, {
            runner.stop.request()
            // Generous: under a loaded machine a final commit after injected faults can take a while.
            guard finished.wait(timeout: .now() + 90) == .success else { return ConfigurationError(key: "-", "did not stop within 90 s") }
            return failure.value
        })
    }

    /// What `replay` of everything in `events` gives for windows closed by stream time, as
    /// identities: the reference a run without idle closing must reproduce.
    static func expectedByStreamTime(_ broker: EmbeddedBroker, _ service: ServiceConfiguration, produced: Int) throws -> [String] {
        var replay = Replay(configuration: service.pipelines[0])
        replay.feed(contentsOf: Array(try export(broker, topic: "events", partitions: 4, expected: produced).joined(separator: "\n").utf8))
        replay.finish()
        // Closed by stream time: sessions cut at their maximum duration are too, and full count windows.
        return replay.results.filter { ["stream-time", "maximum-duration", "count-reached"].contains($0.header("close_reason")) }
            .map { identity($0.key.map { String(decoding: $0, as: UTF8.self) }, $0.headers, $0.value) }.sorted()
    }

    /// The identities read from `results` once every expected one arrived, or when `seconds` passed.
    static func waitForWindows(_ broker: EmbeddedBroker, _ expected: Set<String>, seconds: Double) throws -> [String] {
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        while !expected.isSubset(of: Set(seen)), Date() < deadline {
            seen = try read(broker, topic: "results", expected: Int.max, seconds: 2).map { identity($0.0, $0.1, $0.2) }
        }
        return seen
    }

    /// How many records `topic` holds (read for 2 s).
    static func count(_ broker: EmbeddedBroker, topic: String) throws -> Int {
        try read(broker, topic: topic, expected: Int.max, seconds: 2).count
    }

    /// Whether every repeated window (same key and window) carries the same bytes.
    static func repeatsAreIdentical(_ identities: [String]) -> Bool {
        var valuesByWindow: [String: Set<String>] = [:]
        for identity in identities {
            valuesByWindow[identity.split(separator: "|").prefix(6).joined(separator: "|"), default: []].insert(identity)
        }
        return valuesByWindow.values.allSatisfy { $0.count == 1 }
    }

    static func identity(_ key: String?, _ headers: [KafkaHeader], _ value: [UInt8]) -> String {
        let names = ["function", "function_version", "pipeline", "window_start", "window_end", "record_count"]
        let values = names.map { name in headers.first { $0.name == name }?.stringValue ?? "-" }
        return "\(key ?? "-")|\(values.joined(separator: "|"))|\(String(decoding: value, as: UTF8.self))"
    }

    /// The embedded broker neither stores transactional offset commits nor hides aborted
    /// transactions, so this shows the transactional flow and the rewind after an abort (every window
    /// present, repeats byte-identical); isolation itself is checked on real Kafka (docs/RELIABILITY.md).
    @Test("exactly-once: results commit in transactions; an aborted transaction is rewound and redone")
    func exactlyOnceFlow() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: Self.quiet)
        let service = try Self.configuration(
            bootstrap: broker.bootstrapServers, window: "{size: 30s, grace: 5s}", idleTimeout: "off", guarantee: "exactly-once")
        let produced = try Self.produceDataset(broker, topic: "events", minutes: 6)
        let (runner, stop) = try Self.start(service)
        let deadline = Date().addingTimeInterval(120)
        while runner.metrics.commits < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        broker.injectErrors([.unknownProducerId], on: .endTxn)
        let more = try Self.produceDataset(broker, topic: "events", minutes: 6, from: 6)
        let expected = Set(try Self.expectedByStreamTime(broker, service, produced: produced + more))
        var seen: [String] = []
        let readDeadline = Date().addingTimeInterval(60)
        while Set(seen) != expected || runner.metrics.aborts == 0, Date() < readDeadline {
            seen = try Self.read(broker, topic: "results", expected: Int.max, seconds: 2).map { Self.identity($0.0, $0.1, $0.2) }
        }
        #expect(stop() == nil)
        #expect(runner.metrics.aborts >= 1, "the injected error aborted a transaction")
        #expect(Set(seen) == expected)
        #expect(Self.repeatsAreIdentical(seen), "redone windows repeat identical bytes")
    }

    @Test(
        "two instances in one group share the partitions and together produce what one produces",
        // One case at a time: four instances at once on two cores starve the group protocol.
        .serialized,
        arguments: ["{size: 30s, grace: 5s}", "{session_gap: 15s, grace: 5s, max_duration: 1m}", "{count: 5, advance: 2}"])
    func twoInstancesShareTheWork(window: String) throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: Self.quiet)
        // A short session: a member that joins after the group formed waits for a rebalance that
        // the embedded broker starts one session timeout (less a second) later.
        let service = try Self.configuration(
            bootstrap: broker.bootstrapServers, window: window, idleTimeout: "off",
            kafka: "session.timeout.ms: 6000, heartbeat.interval.ms: 1000")
        let (first, stopFirst) = try Self.start(service)
        let (second, stopSecond) = try Self.start(service)
        // The work is produced only once both hold partitions, so that each must do a part of it.
        #expect(
            ModuleInstance.wait {
                first.metrics.assignedPartitions > 0 && second.metrics.assignedPartitions > 0
                    && first.metrics.assignedPartitions + second.metrics.assignedPartitions == 4
            }, "both instances hold partitions")
        let produced = try Self.produceDataset(broker, topic: "events", minutes: 12)
        let expected = try Self.expectedByStreamTime(broker, service, produced: produced)
        let results = try Self.read(broker, topic: "results", expected: expected.count, seconds: 120)
        #expect(stopFirst() == nil)
        #expect(stopSecond() == nil)
        #expect(first.counters.recordsIn > 0 && second.counters.recordsIn > 0, "both instances did part of the work")
        #expect(first.metrics.commits > 0 && second.metrics.commits > 0)
        let fromRun = results.map { Self.identity($0.0, $0.1, $0.2) }
        #expect(Set(fromRun) == Set(expected))
        #expect(Self.repeatsAreIdentical(fromRun), "a window handed over in a rebalance repeats only identical bytes")
    }

    @Test(
        "a stopped pipeline resumes from its committed checkpoints: nothing lost, nothing repeated",
        // One case at a time: four instances at once on two cores starve the group protocol.
        .serialized,
        arguments: ["{size: 30s, grace: 5s}", "{session_gap: 15s, grace: 5s, max_duration: 1m}", "{count: 5, advance: 2}"])
    func stopAndResume(window: String) throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: Self.quiet)
        // Without idle closing, so that the stop cannot close a window the second half still feeds.
        let service = try Self.configuration(bootstrap: broker.bootstrapServers, window: window, idleTimeout: "off")
        var produced = try Self.produceDataset(broker, topic: "events", minutes: 4)

        let (first, stopFirst) = try Self.start(service)
        let deadline = Date().addingTimeInterval(120)
        while first.counters.recordsIn < produced, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(stopFirst() == nil)
        let firstResults = first.counters.recordsOut
        #expect(firstResults > 0)

        produced += try Self.produceDataset(broker, topic: "events", minutes: 8, from: 4)
        let expected = try Self.expectedByStreamTime(broker, service, produced: produced)

        let (second, stopSecond) = try Self.start(service)
        let results = try Self.read(broker, topic: "results", expected: expected.count, seconds: 120)
        #expect(stopSecond() == nil)
        #expect(second.counters.recordsIn < produced, "the second run resumed instead of starting over")
        let fromRun = results.map { Self.identity($0.0, $0.1, $0.2) }.sorted()
        #expect(fromRun.count == expected.count, "no window lost or repeated across the restart")
        #expect(fromRun == expected)
    }
}
