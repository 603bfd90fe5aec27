import Kafka

/// A record the pipeline wants written: a result or a dead letter.
public struct ProducedRecord: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// Record timestamp in ms: the window end for results, the source timestamp for dead letters.
    public var timestamp: Int64?

    /// The message to hand to a Kafka producer.
    public var outgoing: KafkaOutgoingMessage {
        KafkaOutgoingMessage(topic: topic, key: key, value: value, headers: headers, timestamp: timestamp)
    }

    /// The value of header `name`, decoded as UTF-8.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.stringValue
    }
}
