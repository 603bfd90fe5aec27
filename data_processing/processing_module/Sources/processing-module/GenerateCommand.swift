import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// `processing-module generate`: the demo's sensor readings, to any broker.
struct GenerateCommand: ParsableCommand {
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

    func run() throws {
        let servers = try requireBootstrapServers(bootstrapServers)
        var logger = Logger(label: "generate")
        logger.logLevel = .warning
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(bootstrapServers: servers, ["linger.ms": "50", "batch.num.messages": "10000"]),
            logger: logger)
        let stop = StopSignal()
        installTerminationHandler(stop)
        let produced = try SensorGenerator(sensors: sensors).run(producer: producer, topic: topic, speed: speed, limit: count, stop: stop)
        let summary = try producer.flush(timeoutMilliseconds: 60_000)
        FileHandle.standardError.write(Data("produced \(produced) readings to \(topic): \(summary.delivered) acknowledged, \(summary.failures.count) failed\n".utf8))
        if !summary.failures.isEmpty { throw ExitCode.failure }
    }
}
