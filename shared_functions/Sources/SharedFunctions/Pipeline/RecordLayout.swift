/// Where a pipeline finds what it needs in a record besides the function's input: the event time
/// (a member of the JSON value, or the transport's timestamp), and any other members the caller
/// wants found by the same scan (a notebook run's key and partition columns).
public struct RecordLayout: Sendable, Hashable {
    /// The member holding the event time; `nil` to use the transport timestamp (Kafka's).
    public var eventTimeField: String?
    /// Members whose value ranges ``FunctionPipeline/scannedMember(_:)`` returns, in this order.
    public var otherMembers: [String]

    public init(eventTimeField: String?, otherMembers: [String] = []) {
        self.eventTimeField = eventTimeField
        self.otherMembers = otherMembers
    }
}
