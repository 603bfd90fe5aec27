import Testing

@testable import MicroBatching

@Suite("Count windows against the brute-force reference, in offset order and across crashes")
struct CountWindowTests {
    @Test("windows, their bounds and close reasons agree with the reference on random streams")
    func agreesWithReference() throws {
        var totals = (batches: 0, full: 0, partial: 0, hopping: 0)
        for seed in UInt64(1)...300 {
            let stream = try RandomStream(seed: seed, counts: true)
            var driver = EngineTestDriver(stream.configuration)
            var random = SeededRandom(seed: seed ^ 0xC0C0)
            for record in stream.records { driver.ingest(record, close: random.chance(0.5)) }
            driver.finish()
            let expected = CountReference.run(stream.configuration, stream.records)
            #expect(Set(driver.batches) == Set(expected), "seed \(seed) \(stream.configuration.window)")
            #expect(driver.batches.count == expected.count, "seed \(seed): a window was emitted twice or lost")
            #expect(driver.late.isEmpty && (driver.outcomes["buffered"] ?? 0) == stream.records.count, "seed \(seed): no record is late")
            #expect(driver.engine.bufferedRecords == 0 && driver.engine.openWindowCount == 0, "seed \(seed): everything released")
            totals.batches += driver.batches.count
            totals.full += driver.batches.filter { $0.reason == .countReached }.count
            totals.partial += driver.batches.filter { $0.reason == .endOfInput }.count
            if !stream.configuration.window.isTumbling, stream.configuration.window.advance < stream.configuration.window.size {
                totals.hopping += 1
            }
        }
        #expect(totals.batches > 2_000 && totals.full > 1_000 && totals.partial > 300 && totals.hopping > 50)
    }

    @Test("hopping count windows: every advance-th record starts a window of count; the partial ones close at the end")
    func hoppingExample() throws {
        let configuration = try EngineConfiguration(window: .count(4, advance: 2))
        var driver = EngineTestDriver(configuration)
        // Key a: 7 readings, key b: 1; event times out of order do not matter.
        for (offset, (key, time)) in [("a", 50), ("a", 10), ("b", 5), ("a", 30), ("a", 20), ("a", 70), ("a", 60), ("a", 40)].enumerated() {
            driver.ingest(InputRecord(partition: 0, offset: Int64(offset), key: key, eventTime: Int64(time), payload: "\(key)\(time)"))
        }
        #expect(driver.batches.map(\.records) == [["a10", "a20", "a30", "a50"], ["a20", "a30", "a60", "a70"]])
        #expect(driver.batches.map(\.window) == [Window(start: 10, end: 51)!, Window(start: 20, end: 71)!])
        #expect(driver.engine.checkpoint(of: 0)?.committedOffset == 2, "b's reading at offset 2 is held")
        #expect(driver.engine.countWindowStarts(of: 0) == [2, 5], "b's reading at 2, a's 5th at 5")
        #expect(driver.engine.checkpoint(of: 0)?.metadata == "mb3;8;70;;4/2;0,3")
        driver.finish()
        #expect(
            driver.batches.dropFirst(2).map(\.records) == [["b5"], ["a40"], ["a40", "a60", "a70"]],
            "a's windows from its 5th and 7th reading and b's, in window-end order")
        #expect(driver.batches.dropFirst(2).allSatisfy { $0.reason == .endOfInput })
    }

    @Test("a key's windows are per partition; how partitions interleave changes nothing")
    func partitionsInterleavingIsInvisible() throws {
        for seed in UInt64(1)...100 {
            let stream = try RandomStream(seed: seed, counts: true)
            var random = SeededRandom(seed: seed)
            // Another interleaving: the same records of each partition in the same order.
            var queues = Dictionary(grouping: stream.records, by: \.partition)
            var shuffled: [InputRecord<String>] = []
            while !queues.isEmpty {
                let partition = queues.keys.sorted()[random.int(0...(queues.count - 1))]
                shuffled.append(queues[partition]!.removeFirst())
                if queues[partition]!.isEmpty { queues[partition] = nil }
            }
            func run(_ records: [InputRecord<String>]) -> [Int32: [ReferenceEngine.Batch]] {
                var driver = EngineTestDriver(stream.configuration)
                for record in records { driver.ingest(record) }
                driver.finish()
                return Dictionary(grouping: driver.batches.filter { $0.reason == .countReached }, by: \.domain)
            }
            #expect(run(shuffled) == run(stream.records), "seed \(seed): each partition's full windows, in the same order")
        }
    }

    @Test("a crash at any point followed by restore and replay loses, splits and repeats no count window")
    func crashAnywhere() throws {
        var replayedRecords = 0
        var restoredStarts = 0
        for seed in UInt64(1)...60 {
            let stream = try RandomStream(seed: seed, count: 60, counts: true)
            let reference = EngineRecoveryTests.uninterrupted(stream)
            for crashAt in 0...stream.records.count {
                for commitEvery in [1, 7] {
                    let combined = try EngineRecoveryTests.crashed(stream, crashAt: crashAt, commitEvery: commitEvery)
                    #expect(combined.batches == reference.batches, "seed \(seed) crash at \(crashAt) commit every \(commitEvery)")
                    replayedRecords += combined.outcomes["alreadyHandled"] ?? 0
                }
            }
            var driver = EngineTestDriver(stream.configuration)
            for record in stream.records.prefix(30) { driver.ingest(record) }
            restoredStarts += driver.engine.assignedPartitions.reduce(0) { $0 + driver.engine.countWindowStarts(of: $1).count }
        }
        #expect(replayedRecords > 1_000 && restoredStarts > 100, "restores must skip emitted records and rebuild open windows")
    }

    @Test("a replayed record of a key with no open window at the checkpoint was emitted; from its start on, it is held again")
    func restoreUsesTheStarts() throws {
        let configuration = try EngineConfiguration(window: .count(2))
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        let records = [("a", "a0"), ("b", "b1"), ("a", "a2"), ("b", "b3"), ("b", "b4")].enumerated().map { offset, entry in
            InputRecord(partition: 0, offset: Int64(offset), key: entry.0, eventTime: Int64(offset), payload: entry.1)
        }
        for record in records { _ = engine.ingest(record) }
        #expect(engine.closeWindows().map { $0.batch.records.map(\.value) } == [["a0", "a2"], ["b1", "b3"]])
        let checkpoint = try #require(engine.checkpoint(of: 0))
        #expect(checkpoint.committedOffset == 4 && checkpoint.countWindowStarts == [4])
        #expect(checkpoint.metadata == "mb3;5;4;;2/2;0")

        // Replaying from offset 0 (as if the commit had been older): only b4 is held again.
        var restored = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        restored.assign(
            0,
            from: OffsetCheckpoint(
                committedOffset: 0, progressOffset: 5, streamTime: 4, closedThrough: nil, windowSpecification: configuration.window,
                countWindowStarts: [4]))
        let outcomes = records.map { restored.ingest($0) }
        #expect(outcomes.map { if case .buffered = $0 { true } else { false } } == [false, false, false, false, true])
        _ = restored.ingest(InputRecord(partition: 0, offset: 5, key: "b", eventTime: 5, payload: "b5"))
        #expect(restored.closeWindows().map { $0.batch.records.map(\.value) } == [["b4", "b5"]])
    }

    @Test("a quiet partition closes its partial windows; its keys then count afresh")
    func idlePartitionClosesPartialWindows() throws {
        let clock = ManualClock(0)
        let configuration = try EngineConfiguration(window: .count(3), idleTimeout: 1_000)
        var driver = EngineTestDriver(configuration, clock: clock)
        func record(_ offset: Int64, _ key: String) -> InputRecord<String> {
            InputRecord(partition: 0, offset: offset, key: key, eventTime: offset, payload: "\(key)\(offset)")
        }
        driver.ingest(record(0, "a"))
        driver.ingest(record(1, "a"))
        driver.ingest(record(2, "b"))
        clock.advance(by: 999)
        driver.closeWindows()
        #expect(driver.batches.isEmpty, "not quiet yet")
        clock.advance(by: 1)
        driver.closeWindows()
        #expect(driver.batches.map(\.records) == [["a0", "a1"], ["b2"]] && driver.batches.allSatisfy { $0.reason == .idleTimeout })
        #expect(driver.engine.checkpoint(of: 0)?.committedOffset == 3 && driver.engine.countWindowStarts(of: 0).isEmpty)
        #expect(driver.engine.checkpoint(of: 0)?.metadata == "mb3;3;2;;3/3;", "no key holds a record: no start")
        for offset in Int64(3)...5 { driver.ingest(record(offset, "a")) }
        #expect(driver.batches.last?.records == ["a3", "a4", "a5"] && driver.batches.last?.reason == .countReached)
    }

    @Test("a partition being replayed is never idle: its keys not replayed yet keep their records")
    func replayingPartitionIsNotIdle() throws {
        let clock = ManualClock(0)
        let configuration = try EngineConfiguration(window: .count(3), idleTimeout: 1_000)
        func record(_ offset: Int64, _ key: String) -> InputRecord<String> {
            InputRecord(partition: 0, offset: offset, key: key, eventTime: offset, payload: "\(key)\(offset)")
        }
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        for (offset, key) in ["a", "b", "a", "b"].enumerated() { _ = engine.ingest(record(Int64(offset), key)) }
        let checkpoint = try #require(engine.checkpoint(of: 0))
        #expect(checkpoint.countWindowStarts == [0, 1])

        var restored = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        restored.assign(0, from: checkpoint)
        _ = restored.ingest(record(0, "a"))
        clock.advance(by: 5_000)  // the fetch of the rest stalls past the idle timeout
        #expect(restored.closeWindows().isEmpty, "mid-replay, nothing closes by the idle rule")
        for offset in Int64(1)...3 { _ = restored.ingest(record(offset, offset % 2 == 0 ? "a" : "b")) }
        _ = restored.ingest(record(4, "b"))
        #expect(restored.closeWindows().map { $0.batch.records.map(\.value) } == [["b1", "b3", "b4"]])
        clock.advance(by: 5_000)
        #expect(restored.closeWindows().map { $0.batch.records.map(\.value) } == [["a0", "a2"]], "after the replay, idle closes")
    }

    @Test("compacting the key table keeps every open count window's key")
    func keyCompactionKeepsCountWindows() throws {
        let configuration = try EngineConfiguration(window: .count(2))
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        var emitted: [ClosedBatch<String>] = []
        // 70,000 keys with one reading each (every window open, the table compacted past 65,536
        // keys) and one key that fills windows.
        for index in 0..<140_000 {
            let key = index % 2 == 0 ? "busy" : "key-\(index)"
            _ = engine.ingest(InputRecord(partition: 0, offset: Int64(index), key: key, eventTime: Int64(index), payload: key))
            if index % 5_000 == 4_999 { emitted += engine.closeWindows() }
        }
        emitted += engine.closeAllWindows()
        #expect(engine.keysAfterCompaction > 0, "the table was compacted")
        #expect(emitted.reduce(0) { $0 + $1.batch.records.count } == 140_000)
        for closed in emitted {
            #expect(closed.batch.records.allSatisfy { $0.key == $0.value } && closed.batch.key == closed.batch.records.first?.value)
        }
    }

    @Test("count windows are refused in global scope, with the key named")
    func globalScopeIsRefused() throws {
        let error = #expect(throws: EngineConfigurationError.self) { try EngineConfiguration(window: .count(10), scope: .global) }
        #expect(error?.message.contains("scope 'global'") == true && error?.message.contains("use scope 'key'") == true)
    }
}
