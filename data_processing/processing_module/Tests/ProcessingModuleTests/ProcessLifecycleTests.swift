import Foundation
import Kafka
import Logging
import Testing

@testable import ProcessingModule

/// The `run` command as an operator sees it: killed with SIGKILL at arbitrary moments, stopped with
/// SIGTERM, restarted.
@Suite("Crashes and shutdown of the run command")
struct ProcessLifecycleTests {
    static func writeConfiguration(bootstrap: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("pipelines.yaml")
        try """
            # A short session, so the group stops waiting for killed members after 6 s, not 45 s.
            kafka: {bootstrap.servers: "\(bootstrap)", session.timeout.ms: 6000, heartbeat.interval.ms: 1000}
            group_id: lifecycle
            pipelines:
              - {name: stats, input: events, output: results, dead_letters: dead, function: function_a,
                 window: {size: 30s, grace: 5s}, event_time_field: ts, idle_timeout: off, max_clock_skew: off,
                 commit_interval: 300ms}
            """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func start(_ configuration: URL, metricsPort: Int = 0) throws -> Process {
        let process = Process()
        process.executableURL = CommandTests.executable
        process.arguments = [
            "run", "--config", configuration.path, "--log-level", "error", "--metrics-port", "\(metricsPort)", "--shutdown-timeout", "8",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test("SIGTERM under load commits, leaves the group and exits 0 quickly; the next start resumes without loss")
    func sigtermExitsCleanly() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let configuration = try Self.writeConfiguration(bootstrap: broker.bootstrapServers)
        defer { try? FileManager.default.removeItem(at: configuration.deletingLastPathComponent()) }
        var produced = try EndToEndTests.produceDataset(broker, topic: "events", minutes: 6)
        let first = try Self.start(configuration)
        Thread.sleep(forTimeInterval: 5)
        let signalled = Date()
        first.terminate()
        first.waitUntilExit()
        let stopSeconds = Date().timeIntervalSince(signalled)
        #expect(first.terminationReason == .exit && first.terminationStatus == 0)
        #expect(stopSeconds < 10, "shutdown is bounded (--shutdown-timeout 8)")

        produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 6, from: 6)
        let second = try Self.start(configuration)
        let service = try ServiceConfiguration(contentsOf: configuration.path)
        let expected = try EndToEndTests.expectedByStreamTime(broker, service, produced: produced)
        let results = try EndToEndTests.read(broker, topic: "results", expected: expected.count, seconds: 60)
        second.terminate()
        second.waitUntilExit()
        let fromRun = results.map { EndToEndTests.identity($0.0, $0.1, $0.2) }.sorted()
        #expect(fromRun == expected, "a clean stop loses and repeats nothing")
        Reliability.report(
            .init(
                scenario: "Shutdown", injected: "SIGTERM during load, then restart", times: 1, recordsIn: produced,
                windowsOut: Set(fromRun).count, lost: Set(expected).subtracting(fromRun).count,
                duplicated: fromRun.count - Set(fromRun).count,
                deadLettered: try EndToEndTests.count(broker, topic: "dead"),
                note: "exit 0 in \(String(format: "%.1f", stopSeconds)) s (bound 8 s)"))
    }
}
