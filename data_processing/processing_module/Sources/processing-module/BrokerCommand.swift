import ArgumentParser
import Dispatch
import Foundation
import Kafka
import Logging
import UnixSignals

/// `processing-module broker`: an embedded Kafka broker in the foreground, for development.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run an embedded Kafka broker (librdkafka's mock cluster) on loopback until interrupted.",
        discussion: """
            Prints the bootstrap servers on the first line of standard output, so that
            `kcat -b <servers> -L` and any Kafka client can use it. Limits (librdkafka 2.8.0's mock
            cluster): the last 5 MB or 100,000 record batches kept per partition; transactional offset
            commits are not stored, aborted transactions are not hidden and no transaction markers are
            written; a new consumer group waits 3 s before its first assignment, a member joining a
            running group waits session.timeout.ms less a second; data is in memory.
            """
    )

    @Option(help: "Number of brokers in the cluster (1-16).")
    var brokers = 1

    @Option(help: "Partitions of each topic created at start.")
    var partitions = 6

    @Option(help: "Comma-separated topics to create at start.")
    var topics = "events,results"

    func validate() throws {
        guard (1...16).contains(brokers) else { throw ValidationError("--brokers must be between 1 and 16 (got \(brokers))") }
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1 (got \(partitions))") }
    }

    func run() async throws {
        var logger = Logger(label: "embedded-broker")
        logger.logLevel = .warning
        let names = topics.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let broker = try EmbeddedBroker(
            brokers: brokers, topics: Dictionary(uniqueKeysWithValues: names.map { ($0, partitions) }), logger: logger)
        FileHandle.standardOutput.write(Data((broker.bootstrapServers + "\n").utf8))
        FileHandle.standardError.write(
            Data("embedded broker: \(brokers) broker(s), topics \(names.joined(separator: ", ")) with \(partitions) partitions; Ctrl-C stops it\n".utf8))
        FileHandle.standardOutput.synchronizeFile()
        for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { break }
        withExtendedLifetime(broker) {}
    }
}
