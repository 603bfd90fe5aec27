import Foundation
import Kafka
import TestSupport
import Testing

@testable import ProcessingModule

/// A burst far larger than the buffer bound, in `global` scope where one slow partition holds
/// every window open: the module pauses the partitions furthest ahead, resumes them as windows
/// close, loses nothing, and its peak RSS stays within the bound plus the documented overhead
/// (the idle process and librdkafka's prefetch queue, bounded by `queued.max.messages.kbytes`).
@Suite("Reliability: memory bound")
struct MemoryBoundTests {
    static func residentKilobytes(_ pid: Int32, _ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
        else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
    }

    @Test("a burst many times the buffer bound: paused and resumed, nothing lost, peak RSS within bound plus overhead")
    func burst() throws {
        let records = Reliability.scale(fast: 240_000, full: 600_000)
        let boundKB = 1024
        let queueMB = 1
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = directory.appendingPathComponent("pipelines.yaml")
        try """
            kafka: {bootstrap.servers: "\(broker.bootstrapServers)", queued.max.messages.kbytes: \(queueMB * 1024),
                    queued.min.messages: 10000}
            group_id: memory
            pipelines:
              - {name: stats, input: events, output: results, dead_letters: dead, function: function_a,
                 window: {size: 5m}, scope: global, event_time_field: ts, idle_timeout: off, max_clock_skew: off,
                 commit_interval: 500ms, max_buffered_bytes: \(boundKB * 1024)}
            """.write(to: configuration, atomically: true, encoding: .utf8)
        let instance = try ProcessLifecycleTests.start(configuration)
        let process = instance.process
        let port = instance.metricsPort
        defer { if process.isRunning { process.terminate() } }
        #expect(ModuleInstance.wait { instance.assignedPartitions == 4 }, "joined the group and holds every partition")
        let idleKB = Self.residentKilobytes(process.processIdentifier, "VmRSS")

        // Sampled from now on, in the background: the module works while the burst is produced.
        let maxPaused = Box(0.0)
        let maxBuffered = Box(0.0)
        let sampling = Box(true)
        Thread.detachNewThread {
            while sampling.value {
                maxPaused.value = max(maxPaused.value, ModuleInstance.metric(port: port, "processing_paused_partitions") ?? 0)
                maxBuffered.value = max(maxBuffered.value, ModuleInstance.metric(port: port, "processing_buffered_bytes") ?? 0)
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        defer { sampling.value = false }

        // The burst: one hour of event time on every partition, but partition 0 holds half of the
        // records, so it advances slowest and the others race ahead, their records waiting for it.
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration(
                bootstrapServers: broker.bootstrapServers,
                ["compression.type": "lz4", "linger.ms": "50", "batch.num.messages": "10000"]),
            logger: EndToEndTests.quiet)
        for partition in 0..<4 {
            let count = partition == 0 ? records / 2 : records / 6
            for index in 0..<count {
                let sensor = index % 25 * 4 + partition
                try producer.send(
                    KafkaOutgoingMessage(
                        topic: "events", partition: Int32(partition), key: Array("sensor-\(sensor)".utf8),
                        value: Array(#"{"ts":\#(1_700_000_000_000 + Int64(index) * 3_600_000 / Int64(count)),"value":\#(index % 97).25}"#.utf8)))
            }
        }
        #expect(try producer.flush().delivered == records)
        let burstMB = Double(records) * 62 / 1_048_576

        let service = try ServiceConfiguration(contentsOf: configuration.path)
        let expected = Set(try EndToEndTests.expectedByStreamTime(broker, service, produced: records))
        var seen: Set<String> = []
        let deadline = Date().addingTimeInterval(120)
        while !expected.isSubset(of: seen), Date() < deadline {
            if ModuleInstance.metric(port: port, "processing_records_in_total") ?? 0 >= Double(records) {
                seen = Set(try EndToEndTests.read(broker, topic: "results", expected: expected.count, seconds: 5).map {
                    EndToEndTests.identity($0.0, $0.1, $0.2)
                })
            } else {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        let peakKB = Self.residentKilobytes(process.processIdentifier, "VmHWM")
        process.terminate()
        process.waitUntilExit()

        // The bound is soft (a partition is paused after the poll that crossed it), so the allowance
        // uses the largest buffer seen. Each buffered payload byte costs about 3 in memory (arrays,
        // references); 32 MB covers librdkafka's fetch buffers and the allocator's slack.
        let bufferedKB = max(boundKB, Int(maxBuffered.value) / 1024)
        let allowanceKB = idleKB + queueMB * 1024 + 3 * bufferedKB + 32 * 1024
        #expect(seen == expected, "nothing lost")
        #expect(maxPaused.value > 0, "the bound paused partitions")
        #expect(peakKB <= allowanceKB, "peak RSS \(peakKB) KB > idle \(idleKB) KB + queue + 3 x buffered \(bufferedKB) KB + 32 MB")
        #expect(process.terminationStatus == 0)
        Reliability.report(
            .init(
                scenario: "Memory bound", injected: "burst of \(records) records (\(Int(burstMB)) MB) against a \(boundKB) KB buffer bound",
                times: 1, recordsIn: records, windowsOut: seen.count, lost: expected.subtracting(seen).count, duplicated: 0,
                deadLettered: 0,
                note: "peak RSS \(peakKB / 1024) MB (idle \(idleKB / 1024) MB, prefetch queue bound \(queueMB) MB); "
                    + "max buffered \(Int(maxBuffered.value) / 1024) KB; up to \(Int(maxPaused.value)) partitions paused"))
    }
}
