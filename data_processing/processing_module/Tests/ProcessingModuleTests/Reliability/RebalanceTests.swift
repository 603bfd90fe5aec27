import Foundation
import Kafka
import Testing

@testable import ProcessingModule

/// Three `run` processes in one consumer group; one is killed mid-run and a new one joins: the
/// group's combined output equals what one instance produces (the replay reference).
@Suite("Reliability: rebalances")
struct RebalanceTests {
    @Test("three instances, one killed mid-run, one added back: combined output equals the single-instance reference")
    func killOneAddOne() throws {
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let configuration = try ProcessLifecycleTests.writeConfiguration(bootstrap: broker.bootstrapServers)
        defer { try? FileManager.default.removeItem(at: configuration.deletingLastPathComponent()) }
        var produced = try EndToEndTests.produceDataset(broker, topic: "events", minutes: 4)
        var instances = try (0..<3).map { _ in try ProcessLifecycleTests.start(configuration) }
        #expect(
            ModuleInstance.wait { instances.allSatisfy { $0.assignedPartitions > 0 } },
            "all three instances hold partitions before one is killed")

        produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 4, from: 4)
        let killed = instances.remove(at: 1).process
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        // The group notices the killed member after its session timeout (6 s), then hands its partitions over.
        #expect(
            ModuleInstance.wait { instances.map(\.assignedPartitions).reduce(0, +) == 4 },
            "the two survivors took over every partition")

        produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 4, from: 8)
        instances.append(try ProcessLifecycleTests.start(configuration))
        #expect(
            ModuleInstance.wait { instances.allSatisfy { $0.assignedPartitions > 0 } && instances.map(\.assignedPartitions).reduce(0, +) == 4 },
            "the added instance holds partitions")
        produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 4, from: 12)

        let service = try ServiceConfiguration(contentsOf: configuration.path)
        let expected = Set(try EndToEndTests.expectedByStreamTime(broker, service, produced: produced))
        let seen = try EndToEndTests.waitForWindows(broker, expected, seconds: 120)
        for instance in instances { instance.process.terminate() }
        for instance in instances { instance.process.waitUntilExit() }

        #expect(killed.terminationReason == .uncaughtSignal)
        #expect(Set(seen) == expected, "the group's output is the single-instance reference")
        #expect(EndToEndTests.repeatsAreIdentical(seen), "windows redone after the kill are byte-identical")
        #expect(instances.allSatisfy { $0.process.terminationStatus == 0 })
        Reliability.report(
            .init(
                scenario: "Rebalance", injected: "3 instances; kill -9 one mid-run, add one back", times: 2,
                recordsIn: produced, windowsOut: Set(seen).count, lost: expected.subtracting(seen).count,
                duplicated: seen.count - Set(seen).count,
                deadLettered: try EndToEndTests.count(broker, topic: "dead"),
                note: "output equals the single-instance reference: \(Set(seen) == expected)"))
    }
}
