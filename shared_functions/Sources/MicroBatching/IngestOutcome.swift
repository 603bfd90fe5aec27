/// What the engine did with one offered record. Every record gets exactly one outcome, so the
/// caller can account for all input: buffered + late + rejected + already handled + duplicate.
public enum IngestOutcome<Payload> {
    /// The record is held by at least one open window.
    case buffered
    /// Every window of the record had already closed; the caller dead-letters or drops it.
    case late(LateRecord<Payload>)
    /// The record's event time cannot be used; the caller dead-letters it.
    case rejected(RecordRejection)
    /// The record was handled before a restore (its offset is below the restored progress offset
    /// and its windows are closed): skip it silently, its results were already produced.
    case alreadyHandled
    /// The offset is below one the engine has already seen on this partition (a redelivery);
    /// skip it.
    case duplicate
}

extension IngestOutcome: Sendable where Payload: Sendable {}

/// A record that arrived after every window it belongs to had closed.
public struct LateRecord<Payload> {
    public let partition: Int32
    public let offset: Int64
    public let key: String?
    public let eventTime: Int64
    /// The last window the record belongs to (the latest-closing one).
    public let window: Window
    /// How long after that window closed the record arrived, in ms of stream time
    /// (`closed_through - window.end`, never negative).
    public let lateness: Int64
    public let payload: Payload

    @inlinable
    init(partition: Int32, offset: Int64, key: String?, eventTime: Int64, window: Window, lateness: Int64, payload: Payload) {
        self.partition = partition
        self.offset = offset
        self.key = key
        self.eventTime = eventTime
        self.window = window
        self.lateness = lateness
        self.payload = payload
    }
}

extension LateRecord: Sendable where Payload: Sendable {}

/// Why a record's event time was refused.
public enum RecordRejection: Sendable, Hashable, CustomStringConvertible {
    /// Outside ``EventTime/supportedRange``.
    case eventTimeOutOfRange(eventTime: Int64)
    /// More than the configured skew ahead of the engine clock: it would close open windows early.
    case eventTimeAheadOfClock(eventTime: Int64, clock: Int64, maximumSkew: Int64)

    public var description: String {
        switch self {
        case .eventTimeOutOfRange(let eventTime):
            "event time \(eventTime) ms is outside the supported range \(EventTime.supportedRange)"
        case .eventTimeAheadOfClock(let eventTime, let clock, let maximumSkew):
            "event time \(eventTime) ms is \(eventTime - clock) ms ahead of the clock (\(clock) ms); "
                + "at most \(maximumSkew) ms is allowed"
        }
    }
}
