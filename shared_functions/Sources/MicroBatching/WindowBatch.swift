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
    public let records: [BatchRecord<Value>]

    /// Creates a batch, sorting `records` into their canonical order.
    @inlinable
    public init(window: Window, key: String?, records: [BatchRecord<Value>]) {
        self.window = window
        self.key = key
        self.records = Self.sortedCanonically(records)
    }

    /// Replaces every record's value, keeping window, key and order.
    public func map<NewValue>(_ transform: (BatchRecord<Value>) throws -> NewValue) rethrows -> WindowBatch<NewValue> {
        WindowBatch<NewValue>(
            window: window, key: key,
            alreadySorted: try records.map { record in
                BatchRecord(
                    eventTime: record.eventTime, partition: record.partition, offset: record.offset,
                    key: record.key, value: try transform(record))
            })
    }

    /// Creates a batch whose records are already in canonical order.
    @inlinable
    init(window: Window, key: String?, alreadySorted records: [BatchRecord<Value>]) {
        self.window = window
        self.key = key
        self.records = records
    }

    @inlinable
    static func sortedCanonically(_ records: [BatchRecord<Value>]) -> [BatchRecord<Value>] {
        var isSorted = true
        var index = records.startIndex
        while isSorted, index + 1 < records.endIndex {
            if BatchRecord.precedes(records[index + 1], records[index]) { isSorted = false }
            index += 1
        }
        return isSorted ? records : records.sorted(by: BatchRecord.precedes)
    }
}

extension WindowBatch: Sendable where Value: Sendable {}
extension WindowBatch: Equatable where Value: Equatable {}
