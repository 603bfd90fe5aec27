import Kafka

/// Reads offset ranges of a topic's partitions into memory with a manually assigned consumer (no
/// group membership, nothing committed). Ranges are clipped to what the partitions still hold.
public struct TopicRangeReader {
    public let consumer: KafkaConsumer
    public let topic: String

    public init(consumer: KafkaConsumer, topic: String) {
        self.consumer = consumer
        self.topic = topic
    }

    /// The oldest offset each partition still holds, and the next offset to be written.
    public func watermarks() throws(KafkaError) -> [Int32: (low: Int64, high: Int64)] {
        var marks: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in 0..<Int32(try consumer.partitionCount(of: topic)) {
            marks[partition] = try consumer.watermarks(of: TopicPartition(topic, partition))
        }
        return marks
    }

    /// The records of `ranges` (inclusive, per partition), clipped to the watermarks.
    /// `progress` is called with the number of records read so far, about every 100,000.
    public func read(
        _ ranges: [Int32: ClosedRange<Int64>], progress: (Int) -> Void = { _ in }
    ) throws(KafkaError) -> [StoredRecord] {
        let marks = try watermarks()
        var remaining: [Int32: ClosedRange<Int64>] = [:]
        for (partition, range) in ranges {
            guard let mark = marks[partition] else { continue }
            let first = max(range.lowerBound, mark.low)
            let last = min(range.upperBound, mark.high - 1)
            if first <= last { remaining[partition] = first...last }
        }
        guard !remaining.isEmpty else { return [] }
        try consumer.assign(remaining.map { CommittedOffset(TopicPartition(topic, $0.key), offset: $0.value.lowerBound) })
        var records: [StoredRecord] = []
        var reported = 0
        while !remaining.isEmpty {
            consumer.poll(timeoutMilliseconds: 200) { message in
                guard let range = remaining[message.partition], range.contains(message.offset) else { return }
                records.append(StoredRecord(message))
                if message.offset >= range.upperBound { remaining[message.partition] = nil }
            }
            if records.count - reported >= 100_000 {
                reported = records.count
                progress(reported)
            }
        }
        try consumer.assign([])
        return records
    }
}
