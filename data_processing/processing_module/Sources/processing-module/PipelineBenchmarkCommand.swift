import ArgumentParser
import Dispatch
import Foundation
import Kafka
import Logging
import ProcessingModule

/// `processing-module pipeline-benchmark`: end-to-end records per second of a function_a pipeline
/// through the embedded broker, against kcat reading the same topic, in one run.
struct PipelineBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline-benchmark",
        abstract: "Measure end-to-end throughput of a function_a pipeline on the embedded broker against kcat.",
        discussion: """
            The broker runs in a child process (`processing-module broker`), so the peak RSS reported is the
            pipeline's own. Readings are JSON objects of about 60 bytes with an event-time field, 100 keys,
            5-minute tumbling windows, at-least-once.
            """)

    @Option(help: "Records to produce and process.")
    var records = 1_000_000

    @Option(help: "Partitions of the input topic.")
    var partitions = 8

    func run() throws {
        var logger = Logger(label: "pipeline-benchmark")
        logger.logLevel = .error
        let broker = Process()
        broker.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        broker.arguments = ["broker", "--partitions", "\(partitions)", "--topics", "bench-in,bench-out,bench-dead"]
        let output = Pipe()
        broker.standardOutput = output
        broker.standardError = FileHandle.nullDevice
        try broker.run()
        defer { broker.terminate() }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let bootstrap = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        print("pipeline benchmark: \(records) records, \(partitions) partitions, 100 keys, function_a, 5-minute tumbling windows")

        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(
                bootstrapServers: bootstrap,
                ["linger.ms": "50", "batch.num.messages": "10000", "compression.type": "lz4", "queue.buffering.max.messages": "1000000"]),
            logger: logger)
        for index in 0..<records {
            let value = #"{"sensor":"s-\#(index % 100)","ts":\#(1_700_000_000_000 + Int64(index) * 10),"value":\#(Double(index % 997) / 10)}"#
            try producer.send(
                KafkaOutgoingMessage(topic: "bench-in", partition: Int32(index % 100 % partitions), key: Array("s-\(index % 100)".utf8), value: Array(value.utf8)))
        }
        _ = try producer.flush(timeoutMilliseconds: 120_000)

        let kcatRate = try KafkaBenchmarkCommand.kcatConsumeRate(bootstrap: bootstrap, topic: "bench-in", messages: records)
        let service = try ServiceConfiguration(
            yaml: """
                kafka: {bootstrap.servers: "\(bootstrap)"}
                group_id: benchmark
                pipelines:
                  - {name: bench, input: bench-in, output: bench-out, dead_letters: bench-dead, function: function_a,
                     window: {size: 5m}, event_time_field: ts, idle_timeout: off, max_clock_skew: off}
                """)
        let runner = try PipelineRunner(configuration: service.pipelines[0], kafka: service.kafka, groupID: service.groupID, logger: logger)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            do { try runner.run() } catch { print("pipeline failed: \(error)") }
            finished.signal()
        }
        thread.start()
        var firstRecordAt: UInt64?
        let deadline = Date().addingTimeInterval(600)
        while runner.metrics.counters.recordsIn < records, Date() < deadline {
            if firstRecordAt == nil, runner.metrics.counters.recordsIn > 0 { firstRecordAt = DispatchTime.now().uptimeNanoseconds }
            Thread.sleep(forTimeInterval: 0.005)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - (firstRecordAt ?? 0)) / 1e9
        runner.stop.request()
        finished.wait()
        let metrics = runner.metrics
        let rate = Double(metrics.counters.recordsIn) / seconds
        print("| system | records/s | peak RSS (MiB) |")
        print("|---|---:|---:|")
        print("| processing module (function_a, at-least-once) | \(Int(rate)) | \(peakResidentMebibytes()) |")
        if let kcatRate { print("| kcat -C -e -q -X queued.min.messages=1000000 | \(Int(kcatRate)) | - |") }
        print("")
        print("windows closed \(metrics.counters.windowsClosed), results \(metrics.counters.recordsOut), dead letters \(metrics.counters.deadLettered)")
        if let kcatRate { print("ratio to kcat: \(String(format: "%.2f", rate / kcatRate)) (goal: at least 0.5)") }
    }

    private func peakResidentMebibytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").compactMap({ Int($0) }).first
        else { return 0 }
        return kilobytes / 1_024
    }
}
