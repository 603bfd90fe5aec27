import MicroBatching

extension TypedFunctionPipeline {
    mutating func closeWindows(now: Int64) -> [ClosedWindow] {
        closeBatches(now: now).apply()
    }

    mutating func closeAllWindows() -> [ClosedWindow] {
        closeBatches(now: nil).apply()
    }

    mutating func closeBatches(now: Int64?) -> PendingWindows {
        let batches = now.map { engine.closeWindows(now: $0) } ?? engine.closeAllWindows()
        let codec = codec
        let records = batches.reduce(0) { $0 + $1.batch.records.count }
        return PendingWindows(records: records) { threads in
            ConcurrentApplication.map(batches, threads: threads, records: records) { Self.run($0, codec: codec) }
        }
    }

    /// Applies the function to one closed batch and encodes its outputs.
    static func run(_ closed: ClosedBatch<Function.Input>, codec: FunctionCodec<Function>) -> ClosedWindow {
        let started = ContinuousClock.now
        let outcome = Result { () throws(FunctionError) in try codec.apply(closed.batch) }
        let duration = ContinuousClock.now - started
        var failed: [RecordCoordinates] = []
        if case .failure = outcome {
            failed = closed.batch.records.map {
                RecordCoordinates(partition: $0.partition, offset: $0.offset, eventTime: $0.eventTime, key: $0.key)
            }
        }
        return ClosedWindow(
            window: closed.batch.window, key: closed.batch.key, reason: closed.reason, offsetRanges: closed.offsetRanges,
            recordCount: closed.batch.records.count, outcome: outcome, failedRecords: failed, functionDuration: duration,
            inputStreamTimes: closed.inputStreamTimes)
    }
}
