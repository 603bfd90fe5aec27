import MicroBatching

/// One window a ``FunctionPipeline`` closed, with the function's outcome on it: the encoded
/// outputs, or the error and the coordinates of every record of the batch (so that each can be
/// dead-lettered; the pipeline holds decoded inputs, not the records' bytes).
public struct ClosedWindow: Sendable {
    public let window: Window
    /// The key of the batch; `nil` in `global` scope or for records without a key.
    public let key: String?
    public let reason: CloseReason
    /// Per partition, the first and last offset of the batch's records.
    public let offsetRanges: [OffsetRange]
    public let recordCount: Int
    /// Session windows: per partition, the stream time when the batch's first input arrived
    /// (``ClosedBatch/inputStreamTimes``).
    public let inputStreamTimes: [Int32: Int64]
    /// One JSON document per output (sorted keys), or why the function failed.
    public let outcome: Result<[[UInt8]], FunctionError>
    /// The batch's records in batch order when the function failed; empty otherwise.
    public let failedRecords: [RecordCoordinates]
    /// Time spent in the function (measurement only; it never affects outputs).
    public let functionDuration: Duration

    public init(
        window: Window, key: String?, reason: CloseReason, offsetRanges: [OffsetRange], recordCount: Int,
        outcome: Result<[[UInt8]], FunctionError>, failedRecords: [RecordCoordinates], functionDuration: Duration,
        inputStreamTimes: [Int32: Int64] = [:]
    ) {
        self.window = window
        self.key = key
        self.reason = reason
        self.offsetRanges = offsetRanges
        self.recordCount = recordCount
        self.outcome = outcome
        self.failedRecords = failedRecords
        self.functionDuration = functionDuration
        self.inputStreamTimes = inputStreamTimes
    }
}

/// Where a record of a closed batch came from.
public struct RecordCoordinates: Sendable, Hashable {
    public let partition: Int32
    public let offset: Int64
    public let eventTime: Int64
    public let key: String?

    public init(partition: Int32, offset: Int64, eventTime: Int64, key: String?) {
        self.partition = partition
        self.offset = offset
        self.eventTime = eventTime
        self.key = key
    }
}
