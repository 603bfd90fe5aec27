import Foundation
import Kafka
import TestSupport
import Testing

@testable import ProcessingModule

/// The reader `verify` and `export` share, on what an exactly-once run wrote.
@Suite("Reading back an exactly-once run")
struct ExactlyOnceReadBackTests {
    @Test("an exactly-once run's output topic is read to its end and verify finds every window identical")
    func exactlyOnceOutputVerifies() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let service = try EndToEndTests.configuration(
            bootstrap: broker.bootstrapServers, window: "{size: 30s, grace: 5s}", idleTimeout: "off", guarantee: "exactly-once")
        let produced = try EndToEndTests.produceDataset(broker, topic: "events", minutes: 6)
        let expected = try EndToEndTests.expectedByStreamTime(broker, service, produced: produced)
        let (_, stop) = try EndToEndTests.start(service)
        let seen = try EndToEndTests.waitForWindows(broker, Set(expected), seconds: 120)
        #expect(stop() == nil)
        #expect(Set(seen) == Set(expected))

        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers, ["group.id": "read-back-\(UUID())"]),
            logger: EndToEndTests.quiet)
        defer { try? consumer.close() }
        let outputs = try TopicRangeReader(consumer: consumer, topic: "results").records([0: 0...Int64.max])
        #expect(outputs.count == seen.count, "every result written is read, and the read ends")
        let check = try ParityCheck(configuration: service.pipelines[0])
        let inputs = try TopicRangeReader(consumer: consumer, topic: "events").records(check.inputRanges(of: outputs))
        let report = check.check(outputs: outputs, inputs: inputs)
        #expect(report.differences.isEmpty, "\(report.differences)")
        #expect(report.unverifiable.isEmpty, "\(report.unverifiable)")
        #expect(report.matched == Set(expected).count)
    }
}
