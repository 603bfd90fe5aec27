import Foundation
import Kafka
import Logging

/// Helpers shared by the Kafka tests: a quiet logger, a producer and a consumer on a broker, and
/// polling until a condition holds (bounded in time, so a broken test fails instead of hanging).
enum KafkaTestSupport {
    /// Discards everything: several tests provoke librdkafka errors on purpose.
    static var logger: Logger {
        Logger(label: "kafka-tests") { _ in SwiftLogNoOpLogHandler() }
    }

    static func producer(_ broker: EmbeddedBroker, _ properties: [String: String] = [:]) throws -> KafkaProducer {
        try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers, properties), logger: logger)
    }

    static func consumer(
        _ broker: EmbeddedBroker, group: String, rebalance: RebalanceHandler = RebalanceHandler(),
        _ properties: [String: String] = [:]
    ) throws -> KafkaConsumer {
        try consumer(bootstrap: broker.bootstrapServers, group: group, rebalance: rebalance, properties)
    }

    static func consumer(
        bootstrap: String, group: String, rebalance: RebalanceHandler = RebalanceHandler(),
        _ properties: [String: String] = [:]
    ) throws -> KafkaConsumer {
        var merged = properties
        merged["group.id"] = group
        merged["session.timeout.ms"] = merged["session.timeout.ms"] ?? "6000"
        merged["heartbeat.interval.ms"] = merged["heartbeat.interval.ms"] ?? "500"
        return try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, merged), rebalance: rebalance,
            logger: logger)
    }

    /// Polls `consumers` in turn until `done` says so or `seconds` pass; returns whether `done` held.
    @discardableResult
    static func poll(
        _ consumers: [KafkaConsumer], seconds: Double = 30, until done: () -> Bool,
        _ body: (Int, KafkaMessageView) -> Void = { _, _ in }
    ) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            for (index, consumer) in consumers.enumerated() {
                consumer.poll(maxMessages: 1_000, timeoutMilliseconds: 50) { body(index, $0) }
            }
            if done() { return true }
        }
        return done()
    }
}
