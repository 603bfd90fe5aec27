/// Counts of what a pipeline did, for metrics and the progress line.
///
/// Every input record is counted once: `recordsIn == buffered + late + refused + skipped`.
/// `deadLettered` counts the dead letters produced other than late records: the refused input
/// records and the records of batches the function threw on (`refused + failedBatchRecords`).
public struct PipelineCounters: Sendable, Equatable {
    public var recordsIn = 0
    public var buffered = 0
    public var late = 0
    /// Input records refused at admission (``DeadLetterKind``, except `late` and `function_failed`).
    public var refused = 0
    /// Records handled before a restore, or delivered twice: nothing produced.
    public var skipped = 0
    /// Records dead-lettered with their batch because the function threw on it.
    public var failedBatchRecords = 0
    /// Dead letters produced, late records aside.
    public var deadLettered = 0
    public var windowsClosed = 0
    public var recordsOut = 0
    public var functionFailures = 0
    /// Records of partitions no longer assigned, fetched before the revoke (not counted as input).
    public var ignoredUnassigned = 0

    public init() {}
}
