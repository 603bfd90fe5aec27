/// One input record inside a ``WindowBatch``: its value and where it came from.
///
/// `(partition, offset)` identifies the record in its Kafka topic; `eventTime` is in milliseconds
/// since the Unix epoch.
public struct BatchRecord<Value> {
    /// Event time in milliseconds since the Unix epoch.
    public var eventTime: Int64
    /// Kafka partition the record was read from (0 for data that never passed through Kafka).
    public var partition: Int32
    /// Kafka offset of the record within its partition (or its position in offline data).
    public var offset: Int64
    /// The record's message key, if it had one.
    public var key: String?
    /// The record's value, decoded into the function's input type.
    public var value: Value

    @inlinable
    public init(eventTime: Int64, partition: Int32 = 0, offset: Int64, key: String? = nil, value: Value) {
        self.eventTime = eventTime
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
    }

    /// Replaces the value, keeping the record's coordinates.
    public func map<NewValue>(_ transform: (Value) throws -> NewValue) rethrows -> BatchRecord<NewValue> {
        BatchRecord<NewValue>(
            eventTime: eventTime, partition: partition, offset: offset, key: key, value: try transform(value))
    }

    /// The total order of records in a batch: event time, then partition, then offset.
    @inlinable
    public static func precedes(_ lhs: BatchRecord, _ rhs: BatchRecord) -> Bool {
        (lhs.eventTime, lhs.partition, lhs.offset) < (rhs.eventTime, rhs.partition, rhs.offset)
    }
}

extension BatchRecord: Sendable where Value: Sendable {}
extension BatchRecord: Equatable where Value: Equatable {}
