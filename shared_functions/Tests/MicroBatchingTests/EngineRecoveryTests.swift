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

    /// The skew decision compares the event time with the record's own Kafka timestamp, so a restore
    /// decides exactly as the first run did, whatever the clock says now.
    @Test("clock-skew decisions use the record's timestamp, so replays repeat them even after the clock moved")
    func skewDecisionsReplayIdentically() throws {
        let configuration = try EngineConfiguration(window: .tumbling(size: 100_000), maximumClockSkew: 1_000)
        func record(_ offset: Int64, _ eventTime: Int64, writtenAt: Int64) -> InputRecord<String> {
            InputRecord(partition: 0, offset: offset, key: nil, eventTime: eventTime, payload: "\(offset)", writtenAt: writtenAt)
        }
        let records = [record(0, 10_050, writtenAt: 10_000), record(1, 12_000, writtenAt: 10_000), record(2, 12_500, writtenAt: 11_500)]
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock(11_500))
        let outcomes = records.map { engine.ingest($0) }
        guard case .buffered = outcomes[0], case .rejected = outcomes[1], case .buffered = outcomes[2] else {
            Issue.record("12 000 is 2 s ahead of when it was written: rejected; the others are buffered")
            return
        }
        let checkpoint = try #require(engine.checkpoint(of: 0))
        // Clocks only move forward: every restore happens at or after the records were written.
        for clock in [Int64(11_500), 12_000, 1_000_000] {
            var restored = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock(clock))
            restored.assign(0, from: checkpoint)
            let replayed = records.map { restored.ingest($0) }
            guard case .buffered = replayed[0], case .alreadyHandled = replayed[1], case .buffered = replayed[2] else {
                Issue.record("clock \(clock): the rejected record must stay handled, the others be rebuilt: \(replayed)")
                continue
            }
            #expect(restored.closeAllWindows().first?.batch.records.map(\.value) == ["0", "2"])
        }
    }

    @Test("a far-future event time with a forged far-future timestamp is checked against the clock")
    func forgedTimestampIsBoundedByTheClock() throws {
        let configuration = try EngineConfiguration(window: .tumbling(size: 100_000), maximumClockSkew: 1_000)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock(10_000))
        let forged = InputRecord(partition: 0, offset: 0, key: nil, eventTime: 4_102_444_800_000, payload: "2100", writtenAt: 4_102_444_800_000)
        guard case .rejected(.eventTimeAheadOfClock(_, let reference, _)) = engine.ingest(forged) else {
            Issue.record("a record from 2100 written 'in 2100' must not pass because its timestamp agrees")
            return
        }
        #expect(reference == 10_000)
        let honest = InputRecord(partition: 0, offset: 1, key: nil, eventTime: 9_500, payload: "ok", writtenAt: 9_000)
        guard case .buffered = engine.ingest(honest) else { Issue.record("an on-time record is buffered"); return }
    }
}
