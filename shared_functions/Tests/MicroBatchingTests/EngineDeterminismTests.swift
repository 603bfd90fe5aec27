import Testing

@testable import MicroBatching

@Suite("Engine determinism")
struct EngineDeterminismTests {
    /// The bytes a downstream consumer would see for each closed batch: window, key, reason and the
    /// record values in batch order. Offsets are left out on purpose: a permutation renumbers them.
    static func output(_ batches: [ReferenceEngine.Batch]) -> String {
        batches.map { "\($0.window)|\($0.key ?? "∅")|\($0.reason)|\($0.records.joined(separator: ","))\n" }.joined()
    }

    @Test("a close that also compacts the key table orders its batches by the keys they had")
    func closeThatCompactsKeepsKeyOrder() throws {
        let configuration = try EngineConfiguration(window: .tumbling(size: 1_000))
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        // 70,000 keys over two partitions, all in one window: the close that emits them finds the
        // table past 65,536 keys and compacts it, and the batches of the two partitions interleave.
        let keys = (0..<70_000).map { "key-\($0)" }
        for (index, key) in keys.enumerated() {
            _ = engine.ingest(
                InputRecord(partition: Int32(index % 2), offset: Int64(index / 2), key: key, eventTime: Int64(index % 1_000), payload: key))
        }
        _ = engine.ingest(InputRecord(partition: 0, offset: 35_000, key: "late-comer", eventTime: 5_000, payload: "x"))
        _ = engine.ingest(InputRecord(partition: 1, offset: 35_000, key: "late-comer", eventTime: 5_000, payload: "x"))
        let closed = engine.closeWindows()
        #expect(engine.keysAfterCompaction > 0, "the table was compacted at this close")
        #expect(closed.map(\.batch.key) == keys.sorted { KeyGrouping.keyOrder($0, $1) }.map(Optional.some))
    }

    @Test("permuting records within the lateness bound gives byte-identical outputs", arguments: [BatchScope.key, .global])
    func permutationWithinGraceIsInvisible(scope: BatchScope) throws {
        for seed in UInt64(1)...200 {
            var random = SeededRandom(seed: seed)
            let grace = Int64([5, 20, 60][random.int(0...2)])
            let configuration = try EngineConfiguration(
                window: try WindowSpecification(size: 40, advance: [10, 20, 40][random.int(0...2)], grace: grace), scope: scope)
            let partitions = scope == .global ? 1 : random.int(1...3)
            var events: [TimedEvent] = []
            var time = Array(repeating: Int64(0), count: partitions)
            for _ in 0..<random.int(20...150) {
                let partition = random.int(0...(partitions - 1))
                time[partition] += random.int64(1...8)
                events.append(TimedEvent(partition: Int32(partition), eventTime: time[partition], key: ["a", "b", "c"][random.int(0...2)]))
            }
            PermutationCheck.expectInvariant(events, configuration, random: &random, seed: seed)
        }
    }
}
