import Testing

@testable import MicroBatching

@Suite("Engine offsets and memory accounting")
struct EngineProgressTests {
    func record(_ partition: Int32, _ offset: Int64, _ eventTime: Int64, key: String = "k", bytes: Int = 100)
        -> InputRecord<String>
    {
        InputRecord(partition: partition, offset: offset, key: key, eventTime: eventTime, payload: "\(offset)", byteCount: bytes)
    }

    @Test("the committable offset is the lowest offset held by an open window")
    func lowWaterOffset() throws {
        var engine = MicroBatchEngine<String>(
            configuration: try EngineConfiguration(window: .tumbling(size: 100)), clock: ManualClock())
        #expect(engine.checkpoint(of: 0) == nil)
        _ = engine.ingest(record(0, 10, 50, key: "a"))  // window [0, 100)
        _ = engine.ingest(record(0, 11, 150, key: "b"))  // window [100, 200), closes [0, 100)
        _ = engine.ingest(record(0, 12, 160, key: "a"))
        #expect(engine.progress(of: 0)?.committableOffset == 10, "offset 10's window is not emitted yet")
        _ = engine.closeWindows()
        #expect(engine.progress(of: 0)?.committableOffset == 11)
        #expect(engine.progress(of: 0)?.progressOffset == 13)
        _ = engine.ingest(record(0, 13, 250, key: "c"))
        _ = engine.closeWindows()
        let checkpoint = try #require(engine.checkpoint(of: 0))
        #expect(checkpoint.committedOffset == 13)
        #expect(checkpoint.progressOffset == 14)
        #expect(checkpoint.streamTime == 250)
        #expect(checkpoint.closedThrough == 250)
        _ = engine.closeAllWindows()
        #expect(engine.progress(of: 0)?.committableOffset == 14, "nothing open: the next offset to read")
    }

    @Test("buffered bytes are counted per partition and in total, and released on close and revoke")
    func bufferedBytes() throws {
        var engine = MicroBatchEngine<String>(
            configuration: try EngineConfiguration(window: .hopping(size: 100, advance: 50)), clock: ManualClock())
        _ = engine.ingest(record(0, 0, 10, bytes: 100))
        _ = engine.ingest(record(0, 1, 60, bytes: 40))
        _ = engine.ingest(record(1, 0, 10, bytes: 7))
        #expect(engine.progress(of: 0)?.bufferedBytes == 140)
        #expect(engine.progress(of: 0)?.bufferedRecords == 2)
        #expect(engine.bufferedBytes == 147)
        _ = engine.ingest(record(0, 2, 120, bytes: 1))  // closes [-50, 50) and [0, 100)
        _ = engine.closeWindows()
        #expect(engine.progress(of: 0)?.bufferedBytes == 41, "offset 0 is in no open window any more")
        engine.revoke(1)
        #expect(engine.bufferedBytes == 41)
        #expect(engine.progress(of: 1) == nil)
        #expect(engine.assignedPartitions == [0])
    }

    @Test("partitions furthest ahead in stream time are paused first, never the one furthest behind")
    func pauseAdvice() throws {
        var engine = MicroBatchEngine<String>(
            configuration: try EngineConfiguration(window: .tumbling(size: 1_000)), clock: ManualClock())
        _ = engine.ingest(record(0, 0, 500, bytes: 100))
        _ = engine.ingest(record(1, 0, 900, bytes: 100))
        _ = engine.ingest(record(2, 0, 100, bytes: 100))
        _ = engine.ingest(record(3, 0, 900, bytes: 100))
        #expect(engine.partitionsToPause(bufferLimit: 400).isEmpty)
        #expect(engine.partitionsToPause(bufferLimit: 399) == [1, 3, 0])
    }

    @Test("revoking a partition in global scope drops its records from shared windows")
    func revokeInGlobalScope() throws {
        var engine = MicroBatchEngine<String>(
            configuration: try EngineConfiguration(window: .tumbling(size: 100), scope: .global), clock: ManualClock())
        _ = engine.ingest(record(0, 0, 10))
        _ = engine.ingest(record(1, 0, 20))
        engine.revoke(1)
        _ = engine.ingest(record(0, 1, 150))
        let closed = engine.closeWindows()
        #expect(closed.first?.batch.records.map(\.partition) == [0])
    }
}
