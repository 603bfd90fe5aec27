import Testing

@testable import MicroBatching

@Suite("Engine against the brute-force reference")
struct EngineReferenceTests {
    @Test("batches, late records and lateness agree with the reference on random streams", arguments: [BatchScope.key, .global])
    func agreesWithReference(scope: BatchScope) throws {
        var totals = (batches: 0, late: 0, hopping: 0, endOfInput: 0)
        for seed in UInt64(1)...300 {
            let stream = try RandomStream(seed: seed, scope: scope)
            var driver = EngineTestDriver(stream.configuration)
            var random = SeededRandom(seed: seed ^ 0xABCD)
            for record in stream.records { driver.ingest(record, close: random.chance(0.5)) }
            driver.finish()
            let expected = ReferenceEngine.run(stream.configuration, stream.records)
            #expect(Set(driver.batches) == expected.batches, "seed \(seed) \(stream.configuration)")
            #expect(driver.batches.count == expected.batches.count, "seed \(seed): a batch was emitted twice")
            #expect(Set(driver.late) == expected.late, "seed \(seed)")
            let accounted = (driver.outcomes["buffered"] ?? 0) + (driver.outcomes["late"] ?? 0)
            #expect(accounted == stream.records.count, "seed \(seed): every record gets one outcome")
            totals.batches += driver.batches.count
            totals.late += driver.late.count
            totals.endOfInput += driver.batches.filter { $0.reason == .endOfInput }.count
            if !stream.configuration.window.isTumbling { totals.hopping += 1 }
        }
        // The streams must exercise every path, or agreement proves little.
        #expect(totals.batches > 1_000 && totals.late > 100 && totals.hopping > 50 && totals.endOfInput > 100)
    }

    @Test("batches come out by window end, then key, then partition")
    func outputOrder() throws {
        for seed in UInt64(1)...100 {
            let stream = try RandomStream(seed: seed, count: 200)
            var driver = EngineTestDriver(stream.configuration)
            for record in stream.records { driver.ingest(record, close: false) }
            driver.closeWindows()
            let batches = driver.batches
            let isOrdered = zip(batches, batches.dropFirst()).allSatisfy { a, b in
                if a.window.end != b.window.end { return a.window.end < b.window.end }
                if a.key != b.key { return KeyGrouping.keyOrder(a.key, b.key) }
                return a.domain < b.domain
            }
            #expect(isOrdered, "seed \(seed)")
        }
    }

    @Test("a hopping record is stored once and referenced by each of its windows")
    func hoppingRecordIsStoredOnce() throws {
        let configuration = try EngineConfiguration(window: .hopping(size: 300, advance: 60))
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        _ = engine.ingest(InputRecord(partition: 0, offset: 0, key: "k", eventTime: 1_000, payload: "x", byteCount: 100))
        #expect(engine.bufferedRecords == 1)
        #expect(engine.bufferedBytes == 100)
        #expect(engine.openWindowCount == 5)
        let closed = engine.closeAllWindows()
        #expect(closed.map(\.batch.window.start) == [720, 780, 840, 900, 960])
        #expect(closed.allSatisfy { $0.batch.records.map(\.value) == ["x"] })
        #expect(engine.bufferedRecords == 0 && engine.bufferedBytes == 0)
    }
}
