/// The engine's progress on one partition, as reported after each ingest or close.
public struct PartitionProgress: Sendable, Hashable {
    public let partition: Int32
    /// The low-water offset: lowest offset held by an open window, else the next offset to read.
    /// Committing it never skips a record whose window has not been emitted.
    public let committableOffset: Int64?
    /// The offset after the last record whose fate is decided.
    public let progressOffset: Int64?
    /// The largest event time seen (advanced by the idle rule), `nil` before the first record.
    public let streamTime: Int64?
    /// Every window whose end is at or before this is closed.
    public let closedThrough: Int64?
    /// Records held by open windows.
    public let bufferedRecords: Int
    /// Bytes held by open windows (the records' `byteCount`s).
    public let bufferedBytes: Int

    @inlinable
    init(
        partition: Int32, committableOffset: Int64?, progressOffset: Int64?, streamTime: Int64?, closedThrough: Int64?,
        bufferedRecords: Int, bufferedBytes: Int
    ) {
        self.partition = partition
        self.committableOffset = committableOffset
        self.progressOffset = progressOffset
        self.streamTime = streamTime
        self.closedThrough = closedThrough
        self.bufferedRecords = bufferedRecords
        self.bufferedBytes = bufferedBytes
    }
}
