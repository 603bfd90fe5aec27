import Foundation
import Kafka
import Testing

@testable import ProcessingModule

/// The `run` command killed with SIGKILL at seeded random moments and restarted each time
/// (at-least-once): every window closed by stream time is present, and every window produced more
/// than once carries the same bytes each time.
@Suite("Reliability: crashes")
struct CrashTests {
    @Test("kill -9 at seeded random moments, restart each time: every window present, duplicates byte-identical")
    func killAtRandomMoments() throws {
        let crashes = Reliability.scale(fast: 4, full: 20)
        let broker = try EmbeddedBroker(topics: ["events": 4, "results": 1, "dead": 1], logger: EndToEndTests.quiet)
        let configuration = try ProcessLifecycleTests.writeConfiguration(bootstrap: broker.bootstrapServers)
        defer { try? FileManager.default.removeItem(at: configuration.deletingLastPathComponent()) }
        var moments = SeededMoments(seed: 20_261_128)
        var produced = 0
        var kills = 0
        for round in 0..<crashes {
            // More input arrives, the module runs for a seeded moment (before, during or after its
            // first assignment, which takes about 3 s), then is killed.
            produced += try EndToEndTests.produceDataset(broker, topic: "events", minutes: 2, from: round * 2)
            let process = try ProcessLifecycleTests.start(configuration).process
            Thread.sleep(forTimeInterval: moments.seconds(in: 1.0...6.0))  // the seeded crash moment, not a wait
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += process.terminationReason == .uncaughtSignal ? 1 : 0
        }
        let final = try ProcessLifecycleTests.start(configuration).process
        let service = try ServiceConfiguration(contentsOf: configuration.path)
        let expected = Set(try EndToEndTests.expectedByStreamTime(broker, service, produced: produced))

        let seen = try EndToEndTests.waitForWindows(broker, expected, seconds: 180)
        final.terminate()
        final.waitUntilExit()

        #expect(kills == crashes)
        #expect(Set(seen) == expected, "every expected window is present, and nothing else")
        #expect(EndToEndTests.repeatsAreIdentical(seen), "duplicates are byte-identical")
        #expect(final.terminationStatus == 0)
        Reliability.report(
            .init(
                scenario: "Crash", injected: "kill -9 at a seeded random moment (1-6 s), restart", times: kills,
                recordsIn: produced, windowsOut: Set(seen).count, lost: expected.subtracting(seen).count,
                duplicated: seen.count - Set(seen).count,
                deadLettered: try EndToEndTests.count(broker, topic: "dead"),
                note: "duplicates byte-identical: \(EndToEndTests.repeatsAreIdentical(seen))"))
    }
}
