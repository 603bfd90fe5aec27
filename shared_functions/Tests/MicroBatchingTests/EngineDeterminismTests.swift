import Testing

@testable import MicroBatching

@Suite("Engine determinism")
struct EngineDeterminismTests {
    /// The bytes a downstream consumer would see for each closed batch: window, key, reason and the
    /// record values in batch order. Offsets are left out on purpose: a permutation renumbers them.
    static func output(_ batches: [ReferenceEngine.Batch]) -> String {
        batches.map { "\($0.window)|\($0.key ?? "∅")|\($0.reason)|\($0.records.joined(separator: ","))\n" }.joined()
    }

    @Test("permuting records within the lateness bound gives byte-identical outputs", arguments: [BatchScope.key, .global])
    func permutationWithinGraceIsInvisible(scope: BatchScope) throws {
        for seed in UInt64(1)...200 {
            var random = SeededRandom(seed: seed)
            let grace = Int64([5, 20, 60][random.int(0...2)])
            let configuration = try EngineConfiguration(
                window: try WindowSpecification(size: 40, advance: [10, 20, 40][random.int(0...2)], grace: grace), scope: scope)
            let partitions = scope == .global ? 1 : random.int(1...3)
            // Distinct event times in order per partition (records with equal event times are ordered
            // by offset, which a permutation changes), values named by (partition, event time, key)
            // so they do not depend on arrival position.
            var events: [(partition: Int32, eventTime: Int64, key: String)] = []
            var time = Array(repeating: Int64(0), count: partitions)
            for _ in 0..<random.int(20...150) {
                let partition = random.int(0...(partitions - 1))
                time[partition] += random.int64(1...8)
                events.append((Int32(partition), time[partition], ["a", "b", "c"][random.int(0...2)]))
            }
            func run(_ order: [(partition: Int32, eventTime: Int64, key: String)]) -> String {
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
                // Per partition the emission order is fixed; across partitions it follows their progress.
                return Self.output(driver.batches.filter { $0.domain == 0 }) + Self.output(driver.batches.filter { $0.domain == 1 })
                    + Self.output(driver.batches.filter { $0.domain == 2 })
            }
            let reference = run(events)
            // Disorder strictly below grace: sort by event time plus a jitter in [0, grace).
            for _ in 0..<3 {
                let jittered = events.map { ($0, $0.eventTime + (grace > 0 ? random.int64(0...(grace - 1)) : 0)) }
                let permuted = jittered.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }
                    .map(\.element.0)
                #expect(run(permuted) == reference, "seed \(seed)")
            }
        }
    }
}
