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

    static func start(_ configuration: URL) throws -> Process {
        let process = Process()
        process.executableURL = CommandTests.executable
        process.arguments = ["run", "--config", configuration.path, "--log-level", "error", "--metrics-port", "0", "--shutdown-timeout", "8"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test("killed with SIGKILL at several moments and restarted, the output has every window, duplicates byte-identical")
    func killAndRestart() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let configuration = try Self.writeConfiguration(bootstrap: broker.bootstrapServers)
        defer { try? FileManager.default.removeItem(at: configuration.deletingLastPathComponent()) }
        var produced = 0
        var kills = 0
        // Five rounds: more input arrives, the module runs for a moment, then is killed mid-run.
        for round in 0..<5 {
            produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 3, from: round * 3)
            let process = try Self.start(configuration)
            Thread.sleep(forTimeInterval: [4.0, 4.6, 5.2, 3.8, 4.9][round])
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += process.terminationReason == .uncaughtSignal ? 1 : 0
        }
        // A last run, stopped cleanly once everything is processed.
        let final = try Self.start(configuration)

        let service = try ServiceConfiguration(contentsOf: configuration.path)
        let expected = Set(try EndToEndTests.expectedByStreamTime(broker, service, produced: produced))

        var seen: [String] = []
        let deadline = Date().addingTimeInterval(120)
        while Set(seen) != expected, Date() < deadline {
            seen = try EndToEndTests.read(broker, topic: "results", expected: Int.max, seconds: 3).map { EndToEndTests.identity($0.0, $0.1, $0.2) }
        }
        final.terminate()
        final.waitUntilExit()

        #expect(kills == 5)
        #expect(Set(seen) == expected, "every expected window is present")
        // A duplicate is the same window and key; it must carry the same bytes.
        #expect(EndToEndTests.repeatsAreIdentical(seen), "duplicates are byte-identical")
        #expect(final.terminationStatus == 0)
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
        #expect(first.terminationReason == .exit && first.terminationStatus == 0)
        #expect(Date().timeIntervalSince(signalled) < 10, "shutdown is bounded (--shutdown-timeout 8)")

        produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 6, from: 6)
        let second = try Self.start(configuration)
        let service = try ServiceConfiguration(contentsOf: configuration.path)
        let expected = try EndToEndTests.expectedByStreamTime(broker, service, produced: produced)
        let results = try EndToEndTests.read(broker, topic: "results", expected: expected.count, seconds: 60)
        second.terminate()
        second.waitUntilExit()
        let fromRun = results.map { EndToEndTests.identity($0.0, $0.1, $0.2) }.sorted()
        #expect(fromRun == expected, "a clean stop loses and repeats nothing")
    }
}
