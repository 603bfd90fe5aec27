import Testing

@testable import MicroBatching

@Suite("Batch storage: one buffer per close, reused only once every batch over it is released")
struct BatchStorageTests {
    /// Ten keys, `perKey` records each, in window `window` (100 ms tumbling windows).
    func fill(_ engine: inout MicroBatchEngine<String>, window: Int64, perKey: Int, offset: inout Int64) {
        for index in 0..<(10 * perKey) {
            let eventTime = window * 100 + Int64(index % 100)
            _ = engine.ingest(
                InputRecord(
                    partition: 0, offset: offset, key: "key-\(index % 10)", eventTime: eventTime, payload: "w\(window)-\(index)",
                    byteCount: 8))
            offset += 1
        }
    }

    func engine() throws -> MicroBatchEngine<String> {
        try MicroBatchEngine(configuration: EngineConfiguration(window: .tumbling(size: 100)), clock: ManualClock(0))
    }

    @Test("batches held by the caller keep their records while later closes run")
    func heldBatchesAreNeverOverwritten() throws {
        var engine = try engine()
        var offset: Int64 = 0
        fill(&engine, window: 0, perKey: 5, offset: &offset)
        fill(&engine, window: 1, perKey: 1, offset: &offset)
        let first = engine.closeWindows()
        let expected = first.map { Array($0.batch.records) }
        #expect(first.count == 10 && expected.allSatisfy { $0.count == 5 })
        for window in 2..<6 {
            fill(&engine, window: Int64(window), perKey: 5, offset: &offset)
            _ = engine.closeWindows()
        }
        #expect(first.map { Array($0.batch.records) } == expected)
        #expect(Set(first.map { ObjectIdentifier($0.batch.records.storage) }).count == 1, "one storage per window")
    }

    @Test("a released storage is reused by the next close, and one no close needs is dropped")
    func releasedStorageIsReused() throws {
        var engine = try engine()
        var offset: Int64 = 0
        fill(&engine, window: 0, perKey: 5, offset: &offset)
        fill(&engine, window: 1, perKey: 5, offset: &offset)
        let firstStorage = engine.closeWindows().first.map { ObjectIdentifier($0.batch.records.storage) }
        fill(&engine, window: 2, perKey: 5, offset: &offset)
        let second = engine.closeWindows()
        #expect(second.first.map { ObjectIdentifier($0.batch.records.storage) } == firstStorage)
        #expect(second.map(\.batch.records.count) == Array(repeating: 5, count: 10))
        #expect(second.allSatisfy { $0.batch.records.allSatisfy { $0.value.hasPrefix("w1-") } })
        #expect(engine.batchStorages.storages.count == 1)
        _ = engine.closeWindows()
        #expect(engine.batchStorages.storages.count == 1, "a close that emits nothing keeps the pool")
        fill(&engine, window: 3, perKey: 1, offset: &offset)
        let held = engine.closeWindows()
        #expect(held.count == 10 && engine.batchStorages.storages.count == 2, "the held storage is not reused")
        withExtendedLifetime(second) {}
    }
}
