/// Where a record's time comes from.
public enum TimeMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The record's own event time (a JSON field or the Kafka timestamp). Deterministic: replays
    /// give the same windows.
    case eventTime = "event-time"
    /// The engine clock's reading when the record is ingested. Not reproducible by replay.
    case processingTime = "processing-time"
}
