import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// `processing-module export`: a topic's records, with their coordinates, as JSON lines for `replay`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a topic (or an offset range) as JSON lines with partition, offset, timestamp, key and value.",
        discussion: "Reads up to each partition's high watermark at start, without joining a consumer group's rebalances.")

    @Option(name: .long, help: "Kafka bootstrap servers (or the environment variable KAFKA_BOOTSTRAP_SERVERS).")
    var bootstrapServers: String?

    @Option(help: "Topic to export.")
    var topic: String

    @Option(help: "First offset of every partition (default: the earliest).")
    var fromOffset: Int64?

    @Option(help: "Output file; '-' or absent: standard output.")
    var output = "-"

    func run() throws {
        let servers = try requireBootstrapServers(bootstrapServers)
        var logger = Logger(label: "export")
        logger.logLevel = .warning
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: servers, ["group.id": "export-\(UUID().uuidString)"]), logger: logger)
        defer { try? consumer.close() }
        let reader = TopicRangeReader(consumer: consumer, topic: topic)
        let ranges = try reader.watermarks().mapValues { _ in (fromOffset ?? 0)...Int64.max }
        let handle = output == "-" ? FileHandle.standardOutput : try FileHandle(forWritingTo: Self.create(output))
        var written = 0
        var buffer = ""
        try reader.read(ranges) { record in
            buffer += ExportLine.encode(
                partition: record.partition, offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value)
                + "\n"
            written += 1
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        handle.write(Data(buffer.utf8))
        FileHandle.standardError.write(Data("exported \(written) records of \(topic) (\(ranges.count) partitions)\n".utf8))
    }

    static func create(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ValidationError("--output: cannot create \(path)")
        }
        return url
    }
}
