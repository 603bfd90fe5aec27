import Testing

@testable import MicroBatching

@Suite("Engine recovery from checkpoints")
struct EngineRecoveryTests {
    /// Runs the whole stream without interruption, committing after every record.
    static func uninterrupted(_ stream: RandomStream) -> EngineTestDriver {
        var driver = EngineTestDriver(stream.configuration)
        for record in stream.records { driver.ingest(record) }
        driver.finish()
        return driver
    }

    /// Runs up to `crashAt` records, committing every `commitEvery` records (outputs and late
    /// records up to a commit are kept, as a transaction would keep them; later ones are lost with
    /// the crash), then restores a new engine from the last committed checkpoints and replays
    /// every partition from its committed offset.
    static func crashed(_ stream: RandomStream, crashAt: Int, commitEvery: Int) throws -> EngineTestDriver {
        var driver = EngineTestDriver(stream.configuration)
        var committed: [Int32: OffsetCheckpoint] = [:]
        var kept = (batches: 0, late: 0)
        for (index, record) in stream.records.prefix(crashAt).enumerated() {
            driver.ingest(record)
            if (index + 1) % commitEvery == 0 {
                // Checkpoint metadata goes through its string form, as it would through Kafka.
                committed = try driver.engine.checkpoints().mapValues { checkpoint throws in
                    try OffsetCheckpoint(committedOffset: checkpoint.committedOffset, metadata: checkpoint.metadata)
                }
                kept = (driver.batches.count, driver.late.count)
            }
        }
        driver.truncate(batches: kept.batches, late: kept.late)
        var restored = EngineTestDriver(stream.configuration)
        for (partition, checkpoint) in committed.sorted(by: { $0.key < $1.key }) {
            restored.engine.assign(partition, from: checkpoint)
        }
        for record in stream.records where record.offset >= committed[record.partition]?.committedOffset ?? 0 {
            restored.ingest(record)
        }
        restored.finish()
        driver.batches += restored.batches
        driver.late += restored.late
        driver.outcomes.merge(restored.outcomes, uniquingKeysWith: +)
        return driver
    }

    @Test("a crash at any point followed by restore and replay loses and repeats nothing", arguments: [BatchScope.key, .global])
    func crashAnywhere(scope: BatchScope) throws {
        var replayedRecords = 0
        for seed in UInt64(1)...60 {
            let stream = try RandomStream(seed: seed, scope: scope, count: 60)
            let reference = Self.uninterrupted(stream)
            for crashAt in 0...stream.records.count {
                for commitEvery in [1, 7] {
                    let combined = try Self.crashed(stream, crashAt: crashAt, commitEvery: commitEvery)
                    #expect(combined.batches == reference.batches, "seed \(seed) crash at \(crashAt) commit every \(commitEvery)")
                    #expect(combined.late == reference.late, "seed \(seed) crash at \(crashAt)")
                    replayedRecords += combined.outcomes["alreadyHandled"] ?? 0
                }
            }
        }
        #expect(replayedRecords > 1_000, "restores must actually skip handled records")
    }

    @Test("replayed records below the committed offset are duplicates; records handled outside are skipped on replay")
    func handledOutsideAndDuplicates() throws {
        let configuration = try EngineConfiguration(window: .tumbling(size: 10))
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        _ = engine.ingest(InputRecord(partition: 0, offset: 0, key: nil, eventTime: 1, payload: "a"))
        #expect(engine.recordHandledOutside(partition: 0, offset: 1) == .fresh)
        _ = engine.ingest(InputRecord(partition: 0, offset: 2, key: nil, eventTime: 12, payload: "b"))
        _ = engine.closeWindows()
        let checkpoint = try #require(engine.checkpoint(of: 0))
        #expect(checkpoint.committedOffset == 2 && checkpoint.progressOffset == 3)

        var restored = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        restored.assign(0, from: checkpoint)
        #expect(restored.recordHandledOutside(partition: 0, offset: 1) == .duplicate)
        guard case .buffered = restored.ingest(InputRecord(partition: 0, offset: 2, key: nil, eventTime: 12, payload: "b")) else {
            Issue.record("the open window's record must be rebuilt")
            return
        }
        #expect(restored.recordHandledOutside(partition: 0, offset: 3) == .fresh)
        #expect(restored.progress(of: 0)?.committableOffset == 2)
    }

    @Test("a record rejected as ahead of the clock stays handled after a restore, even once the clock caught up")
    func rejectedRecordIsNotRebuiltOnReplay() throws {
        let configuration = try EngineConfiguration(window: .tumbling(size: 100), maximumClockSkew: 1_000)
        let clock = ManualClock(10_000)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        _ = engine.ingest(InputRecord(partition: 0, offset: 0, key: nil, eventTime: 10_050, payload: "kept"))
        guard case .rejected = engine.ingest(InputRecord(partition: 0, offset: 1, key: nil, eventTime: 50_000, payload: "future"))
        else {
            Issue.record("50 s is 40 s ahead of the clock")
            return
        }
        let checkpoint = try #require(engine.checkpoint(of: 0))
        #expect(checkpoint.committedOffset == 0 && checkpoint.progressOffset == 2)

        let later = ManualClock(60_000)
        var restored = MicroBatchEngine<String>(configuration: configuration, clock: later)
        restored.assign(0, from: checkpoint)
        guard case .buffered = restored.ingest(InputRecord(partition: 0, offset: 0, key: nil, eventTime: 10_050, payload: "kept"))
        else {
            Issue.record("the open window's record is rebuilt")
            return
        }
        guard case .alreadyHandled = restored.ingest(
            InputRecord(partition: 0, offset: 1, key: nil, eventTime: 50_000, payload: "future"))
        else {
            Issue.record("the rejected record was dead-lettered before the restore; it must not join a window now")
            return
        }
    }
}
