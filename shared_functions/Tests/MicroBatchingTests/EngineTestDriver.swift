@testable import MicroBatching

/// Drives an engine over a list of records like the processing module would, collecting every
/// emitted batch and late record (the in-memory test driver).
struct EngineTestDriver {
    var engine: MicroBatchEngine<String>
    let clock: ManualClock
    var batches: [ReferenceEngine.Batch] = []
    var late: [ReferenceEngine.Late] = []
    var outcomes: [String: Int] = [:]

    init(_ configuration: EngineConfiguration, clock: ManualClock = ManualClock(0)) {
        self.clock = clock
        engine = MicroBatchEngine(configuration: configuration, clock: clock)
    }

    /// Ingests one record; closes windows afterwards when `close` is true.
    mutating func ingest(_ record: InputRecord<String>, close: Bool = true) {
        switch engine.ingest(record) {
        case .buffered: outcomes["buffered", default: 0] += 1
        case .late(let record):
            outcomes["late", default: 0] += 1
            late.append(.init(partition: record.partition, offset: record.offset, window: record.window, lateness: record.lateness))
        case .rejected: outcomes["rejected", default: 0] += 1
        case .alreadyHandled: outcomes["alreadyHandled", default: 0] += 1
        case .duplicate: outcomes["duplicate", default: 0] += 1
        }
        if close { closeWindows() }
    }

    mutating func closeWindows() { collect(engine.closeWindows()) }

    mutating func finish() {
        closeWindows()
        collect(engine.closeAllWindows())
    }

    mutating func collect(_ closed: [ClosedBatch<String>]) {
        let global = engine.configuration.scope == .global
        for batch in closed {
            batches.append(
                ReferenceEngine.Batch(
                    window: batch.batch.window, key: batch.batch.key,
                    domain: global ? 0 : (batch.batch.records.first?.partition ?? -1),
                    records: batch.batch.records.map(\.value), reason: batch.reason))
        }
    }

    /// Drops what was collected (outputs of an uncommitted interval after a simulated crash).
    mutating func truncate(batches batchCount: Int, late lateCount: Int) {
        batches.removeLast(batches.count - batchCount)
        late.removeLast(late.count - lateCount)
    }
}
