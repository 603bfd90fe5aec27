import CRdKafka
import Foundation

/// One partition of one topic.
public struct TopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// An offset of a partition with the commit metadata stored beside it.
public struct CommittedOffset: Hashable, Sendable, CustomStringConvertible {
    public let topicPartition: TopicPartition
    /// The next offset to read, or `nil` when the group has committed nothing for the partition.
    public let offset: Int64?
    /// The metadata string committed with the offset (empty when none).
    public let metadata: String

    public init(_ topicPartition: TopicPartition, offset: Int64?, metadata: String = "") {
        self.topicPartition = topicPartition
        self.offset = offset
        self.metadata = metadata
    }

    public var description: String { "\(topicPartition)@\(offset.map(String.init) ?? "none") '\(metadata)'" }
}

/// Owns a native `rd_kafka_topic_partition_list_t` for the duration of one call.
final class NativePartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(capacity, 1)))
    }

    /// Borrows a list librdkafka owns (inside a callback); it is not destroyed.
    init(borrowing pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
        owned = false
    }

    private var owned = true

    deinit {
        if owned { rd_kafka_topic_partition_list_destroy(pointer) }
    }

    convenience init(_ partitions: [TopicPartition]) {
        self.init(capacity: partitions.count)
        for partition in partitions { add(partition) }
    }

    convenience init(_ offsets: [CommittedOffset]) {
        self.init(capacity: offsets.count)
        for entry in offsets {
            let element = add(entry.topicPartition)
            element.pointee.offset = entry.offset ?? Int64(RD_KAFKA_OFFSET_INVALID)
            if !entry.metadata.isEmpty {
                let bytes = Array(entry.metadata.utf8)
                let storage = malloc(bytes.count)!
                bytes.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
                element.pointee.metadata = storage  // freed by rd_kafka_topic_partition_list_destroy
                element.pointee.metadata_size = bytes.count
            }
        }
    }

    @discardableResult
    func add(_ partition: TopicPartition) -> UnsafeMutablePointer<rd_kafka_topic_partition_t> {
        rd_kafka_topic_partition_list_add(pointer, partition.topic, partition.partition)
    }

    var elements: UnsafeMutableBufferPointer<rd_kafka_topic_partition_t> {
        UnsafeMutableBufferPointer(start: pointer.pointee.elems, count: Int(pointer.pointee.cnt))
    }

    var topicPartitions: [TopicPartition] {
        elements.map { TopicPartition(String(cString: $0.topic), $0.partition) }
    }

    var committedOffsets: [CommittedOffset] {
        elements.map { element in
            let metadata: String
            if let bytes = element.metadata, element.metadata_size > 0 {
                metadata = String(
                    decoding: UnsafeRawBufferPointer(start: bytes, count: element.metadata_size), as: UTF8.self)
            } else {
                metadata = ""
            }
            return CommittedOffset(
                TopicPartition(String(cString: element.topic), element.partition),
                offset: element.offset >= 0 ? element.offset : nil, metadata: metadata)
        }
    }

    /// The first per-partition error in the list, if any.
    func firstError(operation: String) -> KafkaError? {
        for element in elements where element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            return KafkaError(element.err, operation: operation, topic: String(cString: element.topic), partition: element.partition)
        }
        return nil
    }
}



/// librdkafka's logical offsets.
public enum KafkaOffset {
    /// The first offset still in the partition.
    public static let beginning = Int(RD_KAFKA_OFFSET_BEGINNING)
    /// The offset after the last message.
    public static let end = Int(RD_KAFKA_OFFSET_END)
}
