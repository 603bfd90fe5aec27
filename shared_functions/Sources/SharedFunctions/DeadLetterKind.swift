import MicroBatching

/// Why a pipeline refused a record: the `error_kind` header of the module's dead letters, and the
/// `kind` of a notebook run's dead letters (``WindowRun``), so both name a refusal alike.
public enum DeadLetterKind: String, Sendable, CaseIterable {
    /// The value is not a JSON object (or is truncated, binary, empty).
    case notJSON = "not_json"
    /// The value is a null (a tombstone).
    case nullValue = "null_value"
    /// The key is not valid UTF-8.
    case keyNotUTF8 = "key_not_utf8"
    /// No usable event time: the field is missing or not a time, or no Kafka timestamp.
    case noEventTime = "no_event_time"
    /// The event time is outside the range the window model supports.
    case eventTimeOutOfRange = "event_time_out_of_range"
    /// The event time is further ahead of the wall clock than `max_clock_skew`.
    case eventTimeAheadOfClock = "event_time_ahead_of_clock"
    /// The value does not decode into the function's input.
    case invalidInput = "invalid_input"
    /// Every window of the record had closed.
    case late
    /// The function threw on the record's batch.
    case functionFailed = "function_failed"
}

extension DeadLetterKind {
    /// The kind for an event time the engine refused.
    public init(_ rejection: RecordRejection) {
        switch rejection {
        case .eventTimeOutOfRange: self = .eventTimeOutOfRange
        case .eventTimeAheadOfClock: self = .eventTimeAheadOfClock
        }
    }
}
