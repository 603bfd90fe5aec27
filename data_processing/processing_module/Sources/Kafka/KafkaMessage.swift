import CRdKafka

/// A consumed message, viewed in place in librdkafka's buffers: no copy and no allocation.
///
/// A view is valid only inside the closure it was passed to; copy what must outlive it
/// (``value``'s bytes into an array, ``keyString``, ...). It is deliberately not `Sendable`.
public struct KafkaMessageView {
    let message: UnsafeMutablePointer<rd_kafka_message_t>

    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        self.message = message
    }

    /// The topic the message was read from.
    public var topic: String { String(cString: rd_kafka_topic_name(message.pointee.rkt)) }
    public var partition: Int32 { message.pointee.partition }
    public var offset: Int64 { message.pointee.offset }

    /// The message value's bytes (empty for an empty value); `nil` for a null value (tombstone).
    public var value: UnsafeRawBufferPointer? {
        guard let payload = message.pointee.payload else { return nil }
        return UnsafeRawBufferPointer(start: payload, count: message.pointee.len)
    }

    /// The key's bytes, or `nil` for a message without a key.
    public var key: UnsafeRawBufferPointer? {
        guard let key = message.pointee.key else { return nil }
        return UnsafeRawBufferPointer(start: key, count: message.pointee.key_len)
    }

    /// The key decoded as UTF-8, or `nil` when there is no key or it is not valid UTF-8.
    public var keyString: String? {
        guard let key else { return nil }
        return String(validating: key, as: UTF8.self)
    }

    /// The message timestamp in ms since the epoch and its kind, or `nil` when the message has none.
    public var timestamp: (milliseconds: Int64, isLogAppendTime: Bool)? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &type)
        guard type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE, milliseconds >= 0 else { return nil }
        return (milliseconds, type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME)
    }

    /// The message's headers, copied (headers are rare on the hot path).
    public var headers: [KafkaHeader] {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }
}

/// A message header: a name and an optional value.
public struct KafkaHeader: Hashable, Sendable {
    public var name: String
    public var value: [UInt8]?

    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ value: String) {
        self.init(name: name, value: Array(value.utf8))
    }

    /// The value decoded as UTF-8 (lossy), `nil` for a null value.
    public var stringValue: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

/// A message to produce.
public struct KafkaOutgoingMessage: Sendable {
    public var topic: String
    /// The partition, or `nil` to let the partitioner choose from the key.
    public var partition: Int32?
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// Timestamp in ms since the epoch, or `nil` for the time of production.
    public var timestamp: Int64?

    public init(
        topic: String, partition: Int32? = nil, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaHeader] = [],
        timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}
