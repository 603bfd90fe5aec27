import Kafka

/// One output of a function on a closed window: its value (the function's JSON, unchanged) and
/// its provenance. Key: the batch key; record timestamp: the window end.
public struct WindowResult: Sendable, Hashable {
    /// The output topic.
    public var topic: String
    public var value: [UInt8]
    public var provenance: Provenance

    public init(topic: String, value: [UInt8], provenance: Provenance) {
        self.topic = topic
        self.value = value
        self.provenance = provenance
    }

    /// The batch key as the record key.
    public var key: [UInt8]? { provenance.key.map { Array($0.utf8) } }

    /// The provenance headers (``OutputHeaders``).
    public var headers: [KafkaHeader] { OutputHeaders.encode(provenance) }

    /// The value of header `name`.
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.stringValue }

    /// The record to produce.
    public var outgoing: KafkaOutgoingMessage {
        KafkaOutgoingMessage(topic: topic, key: key, value: value, headers: headers, timestamp: provenance.window.end)
    }
}
