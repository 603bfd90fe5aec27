/// The records of one closed window (and one key, in `key` scope): what a function receives.
///
/// The records are always sorted by (event time, partition, offset), whatever order they arrived
/// in, so a function's result never depends on arrival interleaving or on how many processing
/// instances ran. `key` is `nil` for a `global`-scope batch that spans all keys.
public struct WindowBatch<Value> {
    /// The window `[start, end)` the records belong to.
    public let window: Window
    /// The message key shared by every record, or `nil` for a batch over all keys.
    public let key: String?
    /// The records, sorted by (event time, partition, offset).
    public let records: BatchRecords<Value>

    /// Creates a batch, sorting `records` into their canonical order.
    @inlinable
    public init(window: Window, key: String?, records: [BatchRecord<Value>]) {
        self.window = window
        self.key = key
        self.records = BatchRecords(Self.sortedCanonically(records))
    }

    /// Creates a batch from another batch's records (sorted into canonical order when they are not).
    @inlinable
    public init(window: Window, key: String?, records: BatchRecords<Value>) {
        self.window = window
        self.key = key
        self.records = Self.isSortedCanonically(records) ? records : BatchRecords(records.sorted(by: BatchRecord.precedes))
    }

    /// Replaces every record's value, keeping window, key and order.
    public func map<NewValue>(_ transform: (BatchRecord<Value>) throws -> NewValue) rethrows -> WindowBatch<NewValue> {
        WindowBatch<NewValue>(
            window: window, key: key,
            alreadySorted: BatchRecords(
                try records.map { record in
                    BatchRecord(
                        eventTime: record.eventTime, partition: record.partition, offset: record.offset,
                        key: record.key, value: try transform(record))
                }))
    }

    /// Creates a batch whose records are already in canonical order.
    @inlinable
    init(window: Window, key: String?, alreadySorted records: BatchRecords<Value>) {
        self.window = window
        self.key = key
        self.records = records
    }

    @inlinable
    static func sortedCanonically(_ records: [BatchRecord<Value>]) -> [BatchRecord<Value>] {
        isSortedCanonically(records[...]) ? records : records.sorted(by: BatchRecord.precedes)
    }

    @inlinable
    static func isSortedCanonically<Records: RandomAccessCollection<BatchRecord<Value>>>(_ records: Records) -> Bool {
        zip(records, records.dropFirst()).allSatisfy { !BatchRecord.precedes($1, $0) }
    }

    /// Sorts `records` by (event time, partition, offset) unless they already are.
    @inlinable
    static func sortCanonically(_ records: UnsafeMutableBufferPointer<BatchRecord<Value>>) {
        var records = records
        if !isSortedCanonically(records) { records.sort(by: BatchRecord.precedes) }
    }
}

extension WindowBatch: Sendable where Value: Sendable {}
extension WindowBatch: Equatable where Value: Equatable {}
