import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// `processing-module verify`: recomputes the windows named by a pipeline's results and reports
/// every one whose stored result differs from what the input records give.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a pipeline's results against its input: recompute each window from the input offsets in its provenance headers.",
        discussion: """
            Reads the output topic (or an offset range of it), groups the results by window and key, reads the input
            records their `input_offsets` headers name, recomputes each window through the same processor as `run`,
            and compares byte for byte. Redelivered copies (at-least-once) must be identical. Prints one line per
            difference or unverifiable result, then a summary. Exit status: 0 when nothing differs, 1 otherwise.
            """)

    @Option(name: .long, help: "The pipelines file (YAML).")
    var config: String

    @Option(name: .long, help: "The pipeline whose results to verify (default: the first).")
    var pipeline: String?

    @Option(name: .long, help: "Kafka bootstrap servers (default: the pipelines file, or KAFKA_BOOTSTRAP_SERVERS).")
    var bootstrapServers: String?

    @Option(name: .long, help: "The topic holding the results (default: the pipeline's output topic).")
    var outputTopic: String?

    @Option(name: .long, help: "First offset of every output partition to check (default: the earliest).")
    var fromOffset: Int64 = 0

    @Option(name: .long, help: "Last offset of every output partition to check, inclusive (default: the latest).")
    var toOffset: Int64 = .max

    func validate() throws {
        guard fromOffset >= 0, toOffset >= fromOffset else {
            throw ValidationError("--from-offset must be 0 or more and at most --to-offset (got \(fromOffset) and \(toOffset))")
        }
    }

    func run() throws {
        var service = try ServiceConfiguration(contentsOf: config)
        if let servers = bootstrapServers ?? ProcessInfo.processInfo.environment[bootstrapServersVariable] {
            service.kafka["bootstrap.servers"] = servers
        }
        guard service.kafka["bootstrap.servers"]?.isEmpty == false else {
            throw ValidationError("--bootstrap-servers (or kafka.bootstrap.servers in \(config)) is required")
        }
        guard let configuration = pipeline.map({ name in service.pipelines.first { $0.name == name } }) ?? service.pipelines.first
        else {
            throw ValidationError(
                "--pipeline: no pipeline named \(pipeline ?? "") in \(config); pipelines: \(service.pipelines.map(\.name).joined(separator: ", "))")
        }
        let check = try ParityCheck(configuration: configuration)
        var logger = Logger(label: "verify")
        logger.logLevel = .warning
        var kafka = service.kafka
        kafka["group.id"] = "verify-\(UUID().uuidString)"
        kafka["enable.auto.commit"] = "false"
        let consumer = try KafkaConsumer(configuration: kafka, logger: logger)
        defer { try? consumer.close() }
        let outputTopic = outputTopic ?? configuration.outputTopic
        let outputReader = TopicRangeReader(consumer: consumer, topic: outputTopic)
        let outputRanges = try outputReader.watermarks().mapValues { _ in fromOffset...toOffset }
        let outputs = try outputReader.records(outputRanges) { note("read \($0) output records") }
        note("read \(outputs.count) records of \(outputTopic)")
        let inputReader = TopicRangeReader(consumer: consumer, topic: configuration.inputTopic)
        let needed = check.inputRanges(of: outputs)
        let inputs = try inputReader.records(needed) { note("read \($0) input records") }
        note("read \(inputs.count) records of \(configuration.inputTopic) (\(needed.count) partitions)")
        let available = try inputReader.watermarks().mapValues(\.low)
        let report = check.check(outputs: outputs, inputs: inputs, available: available)
        for difference in report.differences { print(difference) }
        for unverifiable in report.unverifiable { print(unverifiable) }
        print(report.summary)
        if !report.differences.isEmpty || !report.unverifiable.isEmpty { throw ExitCode(1) }
    }

    private func note(_ text: String) {
        FileHandle.standardError.write(Data("verify: \(text)\n".utf8))
    }
}
