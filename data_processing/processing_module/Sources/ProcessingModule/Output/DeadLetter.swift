import Kafka
import MicroBatching
import SharedFunctions

/// A record the pipeline could not use, kept with its original key and value bytes: why (its
/// kind and message), where it came from (topic, partition, offset), and for a late record the
/// window it missed and by how much, for a failed function the window's provenance.
public struct DeadLetter: Sendable, Hashable {
    /// The dead-letter topic.
    public var topic: String
    public var kind: DeadLetterKind
    public var message: String
    public var pipeline: String
    public var source: SourceCoordinates
    public var key: [UInt8]?
    public var value: [UInt8]?
    /// The source record's timestamp (ms), kept as this record's timestamp.
    public var timestamp: Int64?
    /// Late records: the window the record missed, and by how much.
    public var missed: LateArrival?
    /// Records of a batch the function threw on: the batch's provenance.
    public var provenance: Provenance?

    public init(
        topic: String, kind: DeadLetterKind, message: String, pipeline: String, source: SourceCoordinates, key: [UInt8]?,
        value: [UInt8]?, timestamp: Int64?
    ) {
        self.topic = topic
        self.kind = kind
        self.message = message
        self.pipeline = pipeline
        self.source = source
        self.key = key
        self.value = value
        self.timestamp = timestamp
    }

    /// The headers naming all of the above (``OutputHeaders``).
    public var headers: [KafkaHeader] { OutputHeaders.encode(self) }

    /// The value of header `name`.
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.stringValue }

    /// The record to produce.
    public var outgoing: KafkaOutgoingMessage {
        KafkaOutgoingMessage(topic: topic, key: key, value: value, headers: headers, timestamp: timestamp)
    }
}

/// Where a record was read: topic, partition and offset.
public struct SourceCoordinates: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}
