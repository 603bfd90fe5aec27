import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule
import ServiceLifecycle
import Synchronization

/// `processing-module generate`: the demo's sensor readings, to any broker.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Produce realistic sensor readings with injected anomalies to a Kafka topic.",
        discussion: """
            Values are JSON objects {"sensor", "ts" (epoch ms), "value"}, keyed by sensor, with the event
            time as Kafka timestamp. Event time starts at 2026-01-01T00:00:00Z and runs --speed times
            faster than the wall clock (0: as fast as possible).
            """)

    @Option(name: .long, help: "Kafka bootstrap servers (or the environment variable KAFKA_BOOTSTRAP_SERVERS).")
    var bootstrapServers: String?

    @Option(help: "Topic to produce to.")
    var topic = "readings"

    @Option(help: "Number of sensors.")
    var sensors = 8

    @Option(help: "How many times faster than the wall clock event time runs (0: as fast as possible).")
    var speed: Double = 100

    @Option(help: "Stop after this many readings (default: until Ctrl-C).")
    var count: Int?

    func validate() throws {
        guard (1...100_000).contains(sensors) else { throw ValidationError("--sensors must be between 1 and 100000 (got \(sensors))") }
        guard speed >= 0 else { throw ValidationError("--speed must be 0 or more (got \(speed))") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1 (got \(count))") }
    }

    func run() async throws {
        let servers = try requireBootstrapServers(bootstrapServers)
        var logger = Logger(label: "generate")
        logger.logLevel = .warning
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: servers, ["linger.ms": "50", "batch.num.messages": "10000"]),
            logger: logger)
        let stop = StopSignal()
        let produced = ProducedCount()
        let generator = SensorGenerator(sensors: sensors)
        let generating = ThreadedService(
            name: "generator", stop: stop, logger: logger, abandonment: { CancellationError() },
            body: { [topic, speed, count] in
                let count = try generator.run(producer: producer, topic: topic, speed: speed, limit: count, stop: stop)
                produced.value.store(count, ordering: .relaxed)
            })
        // SIGINT or SIGTERM, or the last reading, ends the generator.
        let configuration = ServiceGroupConfiguration(
            services: [.init(service: generating, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigint, .sigterm], logger: logger)
        try await ServiceGroup(configuration: configuration).run()
        let summary = try producer.flush(timeoutMilliseconds: 60_000)
        FileHandle.standardError.write(Data("produced \(produced.value.load(ordering: .relaxed)) readings to \(topic): \(summary.delivered) acknowledged, \(summary.failures.count) failed\n".utf8))
        if !summary.failures.isEmpty { throw ExitCode.failure }
    }
}

/// The readings the generator thread produced, read once it ended.
private final class ProducedCount: Sendable {
    let value = Atomic(0)
}
