import MicroBatching

extension TypedFunctionPipeline {
    mutating func closeWindows(now: Int64) -> [ClosedWindow] {
        engine.closeWindows(now: now).map(run)
    }

    mutating func closeAllWindows() -> [ClosedWindow] {
        engine.closeAllWindows().map(run)
    }

    /// Applies the function to one closed batch and encodes its outputs.
    func run(_ closed: ClosedBatch<Function.Input>) -> ClosedWindow {
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
            recordCount: closed.batch.records.count, outcome: outcome, failedRecords: failed, functionDuration: duration)
    }
}
