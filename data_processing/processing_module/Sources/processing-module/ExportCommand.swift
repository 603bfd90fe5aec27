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
        let partitions = try consumer.partitionCount(of: topic)
        var remaining: [Int32: Int64] = [:]
        var starts: [CommittedOffset] = []
        for partition in 0..<Int32(partitions) {
            let marks = try consumer.watermarks(of: TopicPartition(topic, partition))
            let first = max(fromOffset ?? marks.low, marks.low)
            if first < marks.high {
                remaining[partition] = marks.high
                starts.append(CommittedOffset(TopicPartition(topic, partition), offset: first))
            }
        }
        try consumer.assign(starts)
        let handle = output == "-" ? FileHandle.standardOutput : try FileHandle(forWritingTo: Self.create(output))
        var written = 0
        var buffer = ""
        while !remaining.isEmpty {
            consumer.poll(timeoutMilliseconds: 200) { message in
                guard let high = remaining[message.partition] else { return }
                buffer += ExportLine.encode(
                    partition: message.partition, offset: message.offset, timestamp: message.timestamp?.milliseconds,
                    key: message.key.map(Array.init), value: message.value.map(Array.init)) + "\n"
                written += 1
                if message.offset + 1 >= high { remaining[message.partition] = nil }
            }
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        handle.write(Data(buffer.utf8))
        try consumer.close()
        FileHandle.standardError.write(Data("exported \(written) records of \(topic) (\(partitions) partitions)\n".utf8))
    }

    static func create(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ValidationError("--output: cannot create \(path)")
        }
        return url
    }
}
