import Testing

@testable import MicroBatching

@Suite("Engine time: idle streams, global scope, processing time, clock skew")
struct EngineTimeTests {
    func record(_ partition: Int32, _ offset: Int64, _ eventTime: Int64, key: String? = "k") -> InputRecord<String> {
        InputRecord(partition: partition, offset: offset, key: key, eventTime: eventTime, payload: "\(partition):\(offset)", byteCount: 8)
    }

    @Test("the last window of a quiet partition closes after the idle timeout, saying so")
    func idleTimeoutClosesTheLastWindow() throws {
        let clock = ManualClock(1_000_000)
        let configuration = try EngineConfiguration(window: .tumbling(size: 100, grace: 10), idleTimeout: 5_000)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        _ = engine.ingest(record(0, 0, 10))
        _ = engine.ingest(record(0, 1, 50))
        #expect(engine.closeWindows().isEmpty)
        clock.advance(by: 4_999)
        #expect(engine.closeWindows().isEmpty, "not idle yet")
        clock.advance(by: 1)
        let closed = engine.closeWindows()
        #expect(closed.map(\.batch.window) == [Window(uncheckedStart: 0, end: 100)])
        #expect(closed.map(\.reason) == [.idleTimeout])
        #expect(closed.first?.batch.records.map(\.offset) == [0, 1])
        #expect(engine.progress(of: 0)?.streamTime == Int64(5_050))
        #expect(engine.progress(of: 0)?.committableOffset == 2)
    }

    @Test("windows closed by records say stream time; a paused partition is never idle")
    func streamTimeReasonAndPausedPartitions() throws {
        let clock = ManualClock(0)
        let configuration = try EngineConfiguration(window: .tumbling(size: 100), idleTimeout: 1_000)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        _ = engine.ingest(record(0, 0, 10))
        _ = engine.ingest(record(0, 1, 150))
        #expect(engine.closeWindows().map(\.reason) == [.streamTime])
        engine.setPaused(0, true)
        clock.advance(by: 10_000)
        #expect(engine.closeWindows().isEmpty, "paused, so its silence is not idleness")
        engine.setPaused(0, false)
        #expect(engine.closeWindows().isEmpty, "resuming restarts the idle clock")
        clock.advance(by: 1_000)
        #expect(engine.closeWindows().map(\.reason) == [.idleTimeout])
    }

    @Test("global scope closes on the minimum stream time over partitions")
    func globalScopeWaitsForTheSlowestPartition() throws {
        let configuration = try EngineConfiguration(window: .tumbling(size: 100), scope: .global)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        engine.assign(0)
        engine.assign(1)
        _ = engine.ingest(record(0, 0, 10, key: "a"))
        _ = engine.ingest(record(0, 1, 250, key: "a"))
        #expect(engine.closeWindows().isEmpty, "partition 1 has no record yet")
        _ = engine.ingest(record(1, 0, 20, key: "b"))
        #expect(engine.closeWindows().isEmpty, "partition 1 is at 20")
        _ = engine.ingest(record(1, 1, 120, key: "b"))
        let closed = engine.closeWindows()
        #expect(closed.count == 1)
        #expect(closed.first?.batch.key == nil)
        #expect(closed.first?.batch.records.map(\.value) == ["0:0", "1:0"])
        #expect(closed.first?.offsetRanges == [OffsetRange(partition: 0, first: 0, last: 0), OffsetRange(partition: 1, first: 0, last: 0)])
    }

    @Test("global scope skips a partition idle longer than the idle timeout")
    func globalScopeSkipsIdlePartitions() throws {
        let clock = ManualClock(0)
        let configuration = try EngineConfiguration(window: .tumbling(size: 100), scope: .global, idleTimeout: 3_000)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        engine.assign(0)
        engine.assign(1)
        _ = engine.ingest(record(1, 0, 5))
        clock.advance(by: 2_000)
        _ = engine.ingest(record(0, 0, 10))
        _ = engine.ingest(record(0, 1, 250))
        #expect(engine.closeWindows().isEmpty)
        clock.advance(by: 1_000)  // partition 1 silent for 3 s, partition 0 for 1 s
        let closed = engine.closeWindows()
        #expect(closed.map(\.batch.window) == [Window(uncheckedStart: 0, end: 100)])
        #expect(closed.map(\.reason) == [.idleTimeout])
        #expect(closed.first?.batch.records.map(\.value) == ["1:0", "0:0"])
    }

    @Test("processing-time mode stamps records with the clock")
    func processingTime() throws {
        let clock = ManualClock(1_000)
        let configuration = try EngineConfiguration(window: .tumbling(size: 100), time: .processingTime)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        _ = engine.ingest(record(0, 0, 999_999_999))
        clock.advance(by: 50)
        _ = engine.ingest(record(0, 1, -5))
        clock.advance(by: 60)
        _ = engine.ingest(record(0, 2, 0))
        let closed = engine.closeWindows()
        #expect(closed.map(\.batch.window) == [Window(uncheckedStart: 1_000, end: 1_100)])
        #expect(closed.first?.batch.records.map(\.eventTime) == [1_000, 1_050])
    }

    @Test("a far-future event time is rejected and does not advance stream time")
    func clockSkewRejectsFarFutureRecords() throws {
        let clock = ManualClock(1_000_000)
        let configuration = try EngineConfiguration(window: .tumbling(size: 100), maximumClockSkew: 60_000)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        _ = engine.ingest(record(0, 0, 999_950))
        guard case .rejected(.eventTimeAheadOfClock(let eventTime, let now, let skew)) = engine.ingest(record(0, 1, 99_000_000_000))
        else {
            Issue.record("a far-future record must be rejected")
            return
        }
        #expect(eventTime == 99_000_000_000 && now == 1_000_000 && skew == 60_000)
        #expect(engine.progress(of: 0)?.streamTime == 999_950)
        #expect(engine.closeWindows().isEmpty, "the open window must not close")
        guard case .buffered = engine.ingest(record(0, 2, 1_060_000)) else {
            Issue.record("a record exactly at the skew bound is accepted")
            return
        }
        guard case .rejected(.eventTimeOutOfRange) = engine.ingest(record(0, 3, .max)) else {
            Issue.record("an event time outside the supported range must be rejected")
            return
        }
        #expect(engine.progress(of: 0)?.progressOffset == 4)
    }

    @Test("late records report their window and lateness")
    func lateRecordReportsWindowAndLateness() throws {
        let configuration = try EngineConfiguration(window: .tumbling(size: 100, grace: 20))
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        _ = engine.ingest(record(0, 0, 150))
        _ = engine.ingest(record(0, 2, 310))
        guard case .late(let late) = engine.ingest(record(0, 3, 120)) else {
            Issue.record("window [100, 200) closed at stream time 220")
            return
        }
        #expect(late.window == Window(uncheckedStart: 100, end: 200))
        #expect(late.lateness == 310 - 20 - 200)
        #expect(late.payload == "0:3")
    }

    @Test("in global scope an idle advance does not leave closing stale for later records")
    func globalScopeAfterIdleAdvance() throws {
        let clock = ManualClock(0)
        let configuration = try EngineConfiguration(window: .tumbling(size: 50), scope: .global, idleTimeout: 1_000)
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: clock)
        _ = engine.ingest(record(0, 0, 100))
        _ = engine.ingest(record(1, 0, 200))
        #expect(engine.progress(of: 0)?.closedThrough == 100)
        clock.advance(by: 500)
        _ = engine.ingest(record(1, 1, 210))
        clock.advance(by: 560)  // partition 0 silent for 1,060 ms: its stream time becomes 1,160
        _ = engine.closeWindows()
        _ = engine.ingest(record(1, 2, 260))  // partition 1 is now the minimum: closing follows it at once
        #expect(engine.progress(of: 1)?.closedThrough == 260)
    }
}
