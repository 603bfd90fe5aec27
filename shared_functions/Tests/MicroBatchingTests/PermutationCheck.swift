import Testing

@testable import MicroBatching

/// One record of a permutation test, named by (partition, event time, key) so that its value does
/// not depend on its arrival position. Event times are distinct per partition: records with equal
/// event times are ordered by offset, which a permutation changes.
struct TimedEvent {
    let partition: Int32
    let eventTime: Int64
    let key: String
}

/// Runs events in several orders that differ by less than grace and expects byte-identical output.
enum PermutationCheck {
    /// The output of `order`, per partition in turn (within a partition the emission order is
    /// fixed; across partitions it follows their progress).
    static func run(_ order: [TimedEvent], _ configuration: EngineConfiguration, seed: UInt64) -> String {
        var driver = EngineTestDriver(configuration)
        var offsets: [Int32: Int64] = [:]
        for event in order {
            let offset = offsets[event.partition, default: 0]
            offsets[event.partition] = offset + 1
            driver.ingest(
                InputRecord(
                    partition: event.partition, offset: offset, key: event.key, eventTime: event.eventTime,
                    payload: "\(event.partition)/\(event.eventTime)/\(event.key)"))
        }
        driver.finish()
        #expect(driver.late.isEmpty, "seed \(seed): a permutation within grace made a record late")
        return (0..<3).map { domain in EngineDeterminismTests.output(driver.batches.filter { $0.domain == domain }) }.joined()
    }

    /// Three orders with disorder strictly below grace (sorted by event time plus a jitter in
    /// `[0, grace)`) give the output of the original order.
    static func expectInvariant(
        _ events: [TimedEvent], _ configuration: EngineConfiguration, random: inout SeededRandom, seed: UInt64
    ) {
        let grace = configuration.window.grace
        let reference = run(events, configuration, seed: seed)
        for _ in 0..<3 {
            let jittered = events.map { ($0, $0.eventTime + (grace > 0 ? random.int64(0...(grace - 1)) : 0)) }
            let permuted = jittered.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
            #expect(run(permuted, configuration, seed: seed) == reference, "seed \(seed)")
        }
    }
}
