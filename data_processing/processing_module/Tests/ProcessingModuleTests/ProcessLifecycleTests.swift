import Foundation
import Kafka
import Logging
import TestSupport
import Testing

@testable import ProcessingModule

/// The `run` command as an operator sees it: killed with SIGKILL at arbitrary moments, stopped with
/// SIGTERM (also before it ever had partitions), restarted; and its processes never outlive a test.
@Suite("Crashes and shutdown of the run command")
struct ProcessLifecycleTests {
    static func writeConfiguration(bootstrap: String, group: String = "lifecycle") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("pipelines.yaml")
        try """
            # A short session, so the group stops waiting for killed members after 6 s, not 45 s.
            kafka: {bootstrap.servers: "\(bootstrap)", session.timeout.ms: 6000, heartbeat.interval.ms: 1000}
            group_id: \(group)
            pipelines:
              - {name: stats, input: events, output: results, dead_letters: dead, function: function_a,
                 window: {size: 30s, grace: 5s}, event_time_field: ts, idle_timeout: off, max_clock_skew: off,
                 commit_interval: 300ms}
            """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func start(_ configuration: URL) throws -> ModuleInstance {
        try ModuleInstance.start(configuration)
    }

    @Test("SIGTERM under load commits, leaves the group and exits 0 quickly; the next start resumes without loss")
    func sigtermExitsCleanly() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let configuration = try Self.writeConfiguration(bootstrap: broker.bootstrapServers)
        defer { try? FileManager.default.removeItem(at: configuration.deletingLastPathComponent()) }
        var produced = try EndToEndTests.produceDataset(broker, topic: "events", minutes: 6)
        let first = try Self.start(configuration)
        #expect(
            ModuleInstance.wait { first.assignedPartitions == 4 && (first.metric("processing_records_in_total") ?? 0) > 0 },
            "the instance was assigned every partition and read records")
        let signalled = Date()
        first.process.terminate()
        first.process.waitUntilExit()
        let stopSeconds = Date().timeIntervalSince(signalled)
        #expect(first.process.terminationReason == .exit && first.process.terminationStatus == 0)
        #expect(stopSeconds < 10, "shutdown is bounded (--shutdown-timeout 8)")

        produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 6, from: 6)
        let second = try Self.start(configuration)
        let service = try ServiceConfiguration(contentsOf: configuration.path)
        let expected = try EndToEndTests.expectedByStreamTime(broker, service, produced: produced)
        let results = try EndToEndTests.read(broker, topic: "results", expected: expected.count, seconds: 120)
        second.process.terminate()
        second.process.waitUntilExit()
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

    /// librdkafka before 2.3.0 aborted (`rd_kafka_sticky_assignor_state_destroy: Assertion
    /// 'assignor_state' failed`) when a cooperative-sticky consumer was destroyed after its JoinGroup
    /// response chose the assignor but before its SyncGroup response brought the first assignment
    /// (confluentinc/librdkafka#4312). Each round holds the broker's SyncGroup answer for 3 s; even
    /// rounds wait until the broker has seen the SyncGroup request (so the process is inside that
    /// window) and stop the process, odd rounds stop it earlier, as soon as its endpoint answers.
    @Test("run stopped before its first assignment, many times in a row, exits 0 without an abort (librdkafka #4312)")
    func stopBeforeFirstAssignment() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        broker.setGroupInitialRebalanceDelay(milliseconds: 200)
        broker.startRequestTracking()
        for round in 0..<Reliability.scale(fast: 6, full: 20) {
            // A group of its own each round: a member left over from the last round cannot delay the join.
            let configuration = try Self.writeConfiguration(bootstrap: broker.bootstrapServers, group: "early-\(round)")
            defer { try? FileManager.default.removeItem(at: configuration.deletingLastPathComponent()) }
            let syncGroupsBefore = broker.receivedRequests(.syncGroup)
            // Held in every round, so that no round can reach its assignment before the stop.
            try broker.delayNextResponse(to: .syncGroup, milliseconds: 3_000)
            let instance = try Self.start(configuration)
            let stage: String
            if round.isMultiple(of: 2) {
                stage = "between the JoinGroup and SyncGroup responses"
                #expect(
                    ModuleInstance.wait { broker.receivedRequests(.syncGroup) > syncGroupsBefore },
                    "round \(round): the instance joined and asked for its assignment")
            } else {
                stage = "as soon as it serves metrics"
                #expect(ModuleInstance.wait { instance.metric("processing_assigned_partitions") != nil }, "round \(round): it serves metrics")
            }
            #expect(instance.assignedPartitions == 0, "round \(round): stopped before any assignment (\(stage))")
            instance.process.terminate()
            instance.process.waitUntilExit()
            #expect(
                instance.process.terminationReason == .exit && instance.process.terminationStatus == 0,
                "round \(round), \(stage): exit \(instance.process.terminationStatus) (\(instance.process.terminationReason == .exit ? "exit" : "signal"))")
        }
    }

    /// Every OffsetCommit answer is held for 20 s once the instance works, so the final commit after
    /// SIGTERM cannot finish within the 1 s bound.
    @Test("a graceful stop that overruns --shutdown-timeout exits 3 and logs what it left uncommitted")
    func overrunExitsNonZero() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let configuration = try Self.writeConfiguration(bootstrap: broker.bootstrapServers, group: "overrun")
        defer { try? FileManager.default.removeItem(at: configuration.deletingLastPathComponent()) }
        _ = try EndToEndTests.produceDataset(broker, topic: "events", minutes: 6)
        let errors = Pipe()
        let instance = try ModuleInstance.start(configuration, shutdownTimeout: 1, errors: errors)
        #expect(
            ModuleInstance.wait { (instance.metric("processing_records_out_total") ?? 0) > 0 },
            "the instance was assigned and produced results")
        for _ in 0..<50 { try broker.delayNextResponse(to: .offsetCommit, milliseconds: 20_000) }
        let signalled = Date()
        instance.process.terminate()
        instance.process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(instance.process.terminationReason == .exit && instance.process.terminationStatus == 3, "\(log)")
        #expect(Date().timeIntervalSince(signalled) < 15, "the process gives up after the bound, not after the commit")
        #expect(log.contains("pipeline stats did not stop within the graceful-shutdown bound; left: "), "\(log)")
        #expect(log.contains("the final commit under way"), "\(log)")
    }

    /// The stand-in for a test process is a shell that starts `processing-module broker` exactly
    /// as ``ChildProcess`` starts every test child, then is killed with SIGKILL (as an aborting or
    /// killed test process is): the kernel must end the child too, so no module outlives its test.
    @Test("a test's children die with it: killing the parent stand-in leaves no child running")
    func childrenDieWithTheirParent() throws {
        let launch = ChildProcess.launchArguments(CommandTests.executable.path, ["broker", "--topics", "orphan"])
            .map { "'\($0)'" }.joined(separator: " ")
        let output = Pipe()
        let standIn = try ChildProcess.start(URL(fileURLWithPath: "/bin/sh"), ["-c", "\(launch) >/dev/null 2>&1 & echo $!; wait"]) {
            $0.standardOutput = output
        }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let child = try #require(Int32(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ModuleInstance.wait(seconds: 30) { Self.commandName(child) == "processing-modu" }, "the child runs the module")

        kill(standIn.processIdentifier, SIGKILL)
        standIn.waitUntilExit()
        #expect(ModuleInstance.wait(seconds: 30) { !Self.isRunning(child) }, "the child \(child) ended with its parent")
        if Self.isRunning(child) { kill(child, SIGKILL) }
    }

    /// The kernel's name of process `pid` (the first 15 bytes of the executable's name), if it exists.
    static func commandName(_ pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `pid` exists and is not a zombie waiting to be reaped.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ")
        else { return false }
        return stat[afterName.upperBound...].first != "Z"
    }
}
