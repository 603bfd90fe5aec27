/// One record offered to the engine: its Kafka coordinates, key, event time and payload.
///
/// `byteCount` is what the record costs while buffered (usually the payload's length); the engine
/// sums it for memory accounting and pause advice.
public struct InputRecord<Payload> {
    public var partition: Int32
    public var offset: Int64
    public var key: String?
    /// Event time in ms since the Unix epoch; ignored in processing-time mode.
    public var eventTime: Int64
    public var payload: Payload
    public var byteCount: Int
    /// When the record was written (its Kafka timestamp), in ms. The clock-skew check compares
    /// the event time with it, so the decision is the same on every replay; without it, or when it
    /// is ahead of the engine clock (a forged or skewed producer timestamp), the check uses the clock.
    public var writtenAt: Int64?

    @inlinable
    public init(
        partition: Int32, offset: Int64, key: String?, eventTime: Int64, payload: Payload, byteCount: Int = 0,
        writtenAt: Int64? = nil
    ) {
        self.partition = partition
        self.offset = offset
        self.key = key
        self.eventTime = eventTime
        self.payload = payload
        self.byteCount = byteCount
        self.writtenAt = writtenAt
    }
}

extension InputRecord: Sendable where Payload: Sendable {}
