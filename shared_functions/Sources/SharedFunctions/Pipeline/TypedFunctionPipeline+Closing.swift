import MicroBatching

extension TypedFunctionPipeline {
    mutating func closeWindows(now: Int64) -> [ClosedWindow] {
        apply(engine.closeWindows(now: now))
    }

    mutating func closeAllWindows() -> [ClosedWindow] {
        apply(engine.closeAllWindows())
    }

    /// Applies the function to each closed batch, on ``functionThreads`` threads when the close is large.
    func apply(_ batches: [ClosedBatch<Function.Input>]) -> [ClosedWindow] {
        let codec = codec
        let records = functionThreads > 1 ? batches.reduce(0) { $0 + $1.batch.records.count } : 0
        return ConcurrentApplication.map(batches, threads: functionThreads, records: records) { Self.run($0, codec: codec) }
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
            recordCount: closed.batch.records.count, outcome: outcome, failedRecords: failed, functionDuration: duration)
    }
}
