import ArgumentParser
import Dispatch
import Foundation
import Kafka
import Logging

/// `processing-module kafka-benchmark`: produce and consume throughput of the Kafka layer against
/// kcat with a deep prefetch queue, on the embedded broker, in one run.
struct KafkaBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-benchmark",
        abstract: "Measure produce and consume throughput of the Kafka layer against kcat on the embedded broker."
    )

    @Option(help: "Messages to produce and consume.")
    var messages = 1_000_000

    @Option(help: "Partitions of the benchmark topic.")
    var partitions = 8

    func run() throws {
        var logger = Logger(label: "kafka-benchmark")
        logger.logLevel = .error
        let topic = "benchmark"
        let broker = try EmbeddedBroker(topics: [topic: partitions, "benchmark-kcat": partitions], logger: logger)
        print("kafka benchmark: \(messages) messages of ~60 bytes on \(partitions) partitions, embedded broker \(broker.bootstrapServers)")

        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(
                bootstrapServers: broker.bootstrapServers,
                ["linger.ms": "50", "batch.num.messages": "10000", "compression.type": "lz4", "queue.buffering.max.messages": "1000000"]),
            logger: logger)
        // Messages are made before the clock starts, as kcat reads them ready-made from a file.
        let keys = (0..<100).map { Array("sensor-\($0)".utf8) }
        let values = (0..<messages).map { index in
            Array(#"{"sensor":"sensor-\#(index % 100)","ts":\#(1_700_000_000_000 + index),"value":\#(index % 997)}"#.utf8)
        }
        let produceStart = DispatchTime.now().uptimeNanoseconds
        for index in 0..<messages {
            try producer.send(KafkaOutgoingMessage(topic: topic, key: keys[index % 100], value: values[index]))
        }
        let summary = try producer.flush(timeoutMilliseconds: 120_000)
        let produceSeconds = Double(DispatchTime.now().uptimeNanoseconds - produceStart) / 1e9
        guard summary.failures.isEmpty, summary.delivered == messages else {
            throw ValidationError("produce failed: \(summary.delivered) delivered, \(summary.failures.count) failed")
        }
        print("| client | operation | messages/s |")
        print("|---|---|---:|")
        print("| this Kafka layer | produce | \(Int(Double(messages) / produceSeconds)) |")

        if let kcatProduceRate = try measureKcatProduce(bootstrap: broker.bootstrapServers) {
            print("| kcat -P (lz4, linger.ms 50, batch.num.messages 10000) | produce | \(Int(kcatProduceRate)) |")
        }
        let kcatRate = try Self.kcatConsumeRate(bootstrap: broker.bootstrapServers, topic: topic, messages: messages)
        let rate = try measureConsumer(bootstrap: broker.bootstrapServers, topic: topic, logger: logger)
        print("| this Kafka layer | consume | \(Int(rate)) |")
        if let kcatRate {
            print("| kcat -X queued.min.messages=1000000 | consume | \(Int(kcatRate)) |")
            print("")
            print("consume ratio to kcat: \(String(format: "%.2f", rate / kcatRate)) (goal: at least 0.8)")
        } else {
            print("kcat not found: install Debian's kcat to compare")
        }
        withExtendedLifetime((broker, producer)) {}
    }

    /// Consume rate of the Kafka layer over the whole topic, timed like kcat: from assignment (no
    /// group join) to the last message, touching every value.
    private func measureConsumer(bootstrap: String, topic: String, logger: Logger) throws -> Double {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(bootstrapServers: bootstrap, ["group.id": "benchmark"]), logger: logger)
        let start = DispatchTime.now().uptimeNanoseconds
        try consumer.assign((0..<Int32(partitions)).map { CommittedOffset(TopicPartition(topic, $0), offset: 0) })
        var received = 0
        var bytes = 0
        while received < messages {
            consumer.poll(maxMessages: 10_000, timeoutMilliseconds: 100) { message in
                received += 1
                bytes += message.value?.count ?? 0
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try consumer.close()
        return bytes > 0 ? Double(messages) / seconds : 0
    }

    /// kcat's produce rate for the same messages read from a file, to a topic of its own, or
    /// `nil` when kcat is not installed.
    private func measureKcatProduce(bootstrap: String) throws -> Double? {
        guard let kcat = Self.kcatPath else { return nil }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kafka-benchmark-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        var lines = ""
        lines.reserveCapacity(messages * 64)
        for index in 0..<messages {
            lines += #"{"sensor":"sensor-\#(index % 100)","ts":\#(1_700_000_000_000 + index),"value":\#(index % 997)}"# + "\n"
        }
        try lines.write(to: file, atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kcat)
        process.arguments = [
            "-b", bootstrap, "-P", "-t", "benchmark-kcat", "-l", file.path, "-z", "lz4", "-X", "linger.ms=50",
            "-X", "batch.num.messages=10000", "-X", "queue.buffering.max.messages=1000000",
        ]
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        process.waitUntilExit()
        return Double(messages) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    static var kcatPath: String? {
        ["/usr/bin/kcat", "/usr/local/bin/kcat"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// kcat's rate reading all `messages` of `topic` with a deep prefetch queue, timed as a whole
    /// process; `nil` when kcat is not installed.
    static func kcatConsumeRate(bootstrap: String, topic: String, messages: Int) throws -> Double? {
        guard let kcat = kcatPath else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kcat)
        process.arguments = ["-b", bootstrap, "-C", "-t", topic, "-e", "-q", "-o", "beginning", "-X", "queued.min.messages=1000000"]
        process.standardOutput = FileHandle.nullDevice
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(messages) / seconds
    }
}
