import Kafka

/// A Kafka record copied out of the consumer's buffers, with its coordinates and headers.
public struct StoredRecord: Sendable, Hashable {
    public var partition: Int32
    public var offset: Int64
    public var timestamp: Int64?
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]

    public init(
        partition: Int32, offset: Int64, timestamp: Int64? = nil, key: [UInt8]? = nil, value: [UInt8]?,
        headers: [KafkaHeader] = []
    ) {
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
    }

    public init(_ message: KafkaMessageView) {
        self.init(
            partition: message.partition, offset: message.offset, timestamp: message.timestamp?.milliseconds,
            key: message.key.map(Array.init), value: message.value.map(Array.init), headers: message.headers)
    }

    /// The provenance its headers carry (``OutputHeaders``).
    public func provenance() throws(ProvenanceError) -> Provenance {
        try OutputHeaders.provenance(headers, key: key)
    }

    /// The value of header `name`, decoded as UTF-8.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.stringValue
    }
}
