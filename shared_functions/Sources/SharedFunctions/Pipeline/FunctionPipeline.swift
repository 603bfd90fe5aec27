import MicroBatching

/// One function's path from records to results, shared by the processing module and the notebook
/// runs so that a record gets the same outcome wherever it is processed.
///
/// Each record's JSON value is scanned once: the scan finds the event time, the function's input
/// members and the caller's other members, and validates the whole document. The typed input it
/// builds is what the engine buffers (8 bytes for a numeric field), and what the function receives
/// when the window closes. Refusals come in a fixed order, each with its ``DeadLetterKind``: key not
/// UTF-8, value null, value not a JSON object, no usable event time, value not the function's
/// input, then the engine's own (event time out of range or ahead of the clock). A record refused
/// before a restore's progress offset is skipped, so it is dead-lettered once.
///
/// Pure: no I/O; time is the `now` its caller passes (one clock reading per polled batch).
/// Create one with ``PreparedFunction/makePipeline(layout:engine:clock:)``.
public protocol FunctionPipeline {
    /// The engine's configuration.
    var engineConfiguration: EngineConfiguration { get }

    // MARK: Records

    /// Offers one record as a transport delivers it: key and value bytes (`nil`: absent), the
    /// transport timestamp (the event time when the layout names no field), and its coordinates.
    /// `writtenAt` is when the record was written (the clock-skew check's reference).
    mutating func offer(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, transportTimestamp: Int64?, partition: Int32,
        offset: Int64, writtenAt: Int64?, now: Int64
    ) -> Admission

    /// The first half of an offer, for callers whose key and partition are members of the value:
    /// scans `value`, keeping its decoded input for ``admitScanned(key:partition:offset:writtenAt:now:)``,
    /// and writes the value range of each of ``RecordLayout/otherMembers`` into `otherMembers`
    /// (`nil`: absent; at most `otherMembers.count` are written). Returns the refusal when the value
    /// is not usable (then call ``refuse(_:partition:offset:)``). `recordIndex` names the record in
    /// an invalid-input message.
    mutating func scan(
        _ value: UnsafeRawBufferPointer, transportTimestamp: Int64?, recordIndex: Int,
        otherMembers: UnsafeMutableBufferPointer<Range<Int>?>
    ) -> RecordRefusal?

    /// The second half of an offer: gives the last scanned record to the engine.
    mutating func admitScanned(key: String?, partition: Int32, offset: Int64, writtenAt: Int64?, now: Int64) -> Admission

    /// A record refused outside the pipeline (or by ``scan(_:transportTimestamp:recordIndex:)``):
    /// moves the partition's progress past it; ``Admission/refused(_:)`` unless it was handled
    /// before a restore or is a redelivery (``Admission/skipped``).
    mutating func refuse(_ refusal: RecordRefusal, partition: Int32, offset: Int64) -> Admission

    // MARK: Columns (notebook DataFrames; see ``ColumnarInput``)

    /// Binds the function's input columns in `table` for ``scanRow(_:eventTime:byteCount:)``;
    /// throws `columns_unsupported` when the input has no columnar reader, `invalid_column`
    /// naming a missing or mistyped column.
    mutating func bindColumns(_ table: ColumnTable) throws(RunError)

    /// The columnar twin of ``scan(_:transportTimestamp:recordIndex:otherMembers:)``: reads row
    /// `row`'s input from the bound columns, keeping it with `eventTime` (read by the caller) for
    /// ``admitScanned(keyID:partition:offset:writtenAt:now:)``.
    mutating func scanRow(_ row: Int, eventTime: Int64, byteCount: Int) -> RecordRefusal?

    /// ``admitScanned(key:partition:offset:writtenAt:now:)`` with the key already interned.
    mutating func admitScanned(keyID: KeyID, partition: Int32, offset: Int64, writtenAt: Int64?, now: Int64) -> Admission

    /// The engine's ID of `key`, for ``admitScanned(keyID:partition:offset:writtenAt:now:)``.
    mutating func keyID(_ key: String?) -> KeyID

    // MARK: Windows

    /// ``closeWindows(now:)`` (or, with `now` nil, ``closeAllWindows()``) in two steps: the engine
    /// closes now, the function runs when ``PendingWindows/apply(threads:)`` is called, on any
    /// thread, while the pipeline takes more records. The results are the same.
    mutating func closeBatches(now: Int64?) -> PendingWindows

    /// Closes what stream time and the idle rule allow at `now` and runs the function on each
    /// closed batch, in the engine's order.
    mutating func closeWindows(now: Int64) -> [ClosedWindow]

    /// Closes every open window (the input ended).
    mutating func closeAllWindows() -> [ClosedWindow]

    // MARK: Partitions and progress (see ``MicroBatchEngine``)

    @discardableResult
    mutating func assign(_ partition: Int32, from checkpoint: OffsetCheckpoint?) -> AssignmentReport
    mutating func revoke(_ partition: Int32)
    mutating func setPaused(_ partition: Int32, _ paused: Bool)
    func progress(of partition: Int32) -> PartitionProgress?
    /// Whether `partition` is assigned; unlike ``progress(of:)`` cheap enough per record.
    func isAssigned(_ partition: Int32) -> Bool
    func checkpoint(of partition: Int32) -> OffsetCheckpoint?
    var assignedPartitions: [Int32] { get }
    var openWindowCount: Int { get }
    var bufferedBytes: Int { get }
    var bufferedRecords: Int { get }
    func partitionsToPause(bufferLimit: Int) -> [Int32]
}
