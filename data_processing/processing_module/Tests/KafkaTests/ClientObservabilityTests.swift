import Foundation
@testable import Kafka
import Logging
import TestSupport
import Testing

/// A swift-log handler that keeps what it is given, to check where librdkafka's logs go.
struct CapturingLogHandler: LogHandler {
    let messages: Box<[(Logger.Level, String, Logger.Metadata)]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        messages.update { $0.append((event.level, event.message.description, event.metadata ?? [:])) }
    }
}

@Suite("Statistics and logs")
struct ClientObservabilityTests {
    @Test("statistics arrive decoded, with consumer lag per partition")
    func statisticsAreDecoded() throws {
        let broker = try EmbeddedBroker(topics: ["stats": 2], logger: KafkaTestSupport.logger)
        let producer = try KafkaTestSupport.producer(broker)
        for index in 0..<100 { try producer.send(KafkaOutgoingMessage(topic: "stats", partition: Int32(index % 2), value: [1])) }
        try producer.flush()
        let consumer = try KafkaTestSupport.consumer(broker, group: "stats", ["statistics.interval.ms": "100"])
        let latest = Box<KafkaStatistics?>(nil)
        consumer.onStatistics { statistics in latest.value = statistics }
        try consumer.assign([CommittedOffset(TopicPartition("stats", 0), offset: 0), CommittedOffset(TopicPartition("stats", 1), offset: 40)])
        var received = 0
        KafkaTestSupport.poll([consumer], until: { received == 60 && (latest.value?.receivedMessages ?? 0) >= 60 && latest.value?.totalConsumerLag == 0 }) { _, _ in received += 1 }
        #expect(received == 60, "partition 1 starts at offset 40")
        let statistics = try #require(latest.value)
        #expect(statistics.type == "consumer")
        #expect(statistics.receivedMessages >= 60, "whole record batches are fetched, so more may be counted")
        #expect(statistics.topics["stats"]?.partitions["0"]?.highWatermark == 50)
        #expect(statistics.totalConsumerLag == 0)
    }

    @Test("librdkafka's logs go to swift-log with their facility")
    func logsAreRouted() throws {
        let messages = Box<[(Logger.Level, String, Logger.Metadata)]>([])
        let logger = Logger(label: "captured") { _ in CapturingLogHandler(messages: messages) }
        // Nothing listens on port 1: librdkafka logs the failed connection.
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1", ["group.id": "logs", "debug": "broker"]), logger: logger)
        try consumer.subscribe(["nowhere"])
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !messages.value.contains(where: { $0.2["librdkafka.facility"] != nil }) {
            consumer.poll(timeoutMilliseconds: 100) { _ in }
        }
        let routed = messages.value.filter { $0.2["librdkafka.facility"] != nil }
        #expect(!routed.isEmpty)
        #expect(routed.contains { $0.1.contains("127.0.0.1:1") })
    }
}

@Suite("The librdkafka this process runs")
struct KafkaLibraryTests {
    @Test("the pinned 2.8.0 runs; an older librdkafka is refused with how to get the pinned one")
    func versionIsChecked() throws {
        #expect(KafkaLibrary.version == "2.8.0")
        #expect(KafkaLibrary.encodedVersion >= KafkaLibrary.minimumVersion)
        try KafkaLibrary.requireSupportedVersion()
        do {
            try KafkaLibrary.requireSupported(encodedVersion: 0x0200_02ff, named: "2.0.2")
            Issue.record("librdkafka 2.0.2 must be refused")
        } catch {
            #expect(error.description.contains("librdkafka 2.0.2 is older than 2.8.0"), "\(error)")
            #expect(error.description.contains("scripts/build-librdkafka.sh"), "\(error)")
        }
        #expect(throws: Never.self) { try KafkaLibrary.requireSupported(encodedVersion: 0x0209_00ff, named: "2.9.0") }
    }
}
