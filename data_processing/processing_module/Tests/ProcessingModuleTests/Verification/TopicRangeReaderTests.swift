import Kafka
import Testing

@testable import ProcessingModule

/// A consumer over records in memory whose partitions may end with offsets that are never
/// delivered but still move the position, as transaction markers do on real Kafka (the embedded
/// broker writes none).
final class FakeRangeConsumer: RangeConsumer {
    /// Per partition: the delivered records by offset, and the high watermark.
    var partitions: [Int32: (records: [Int64: StoredRecord], high: Int64)]
    /// Whether the position moves past offsets that are not delivered (false: a stuck partition).
    var positionSkipsMarkers = true
    private var positions: [Int32: Int64] = [:]
    private(set) var polls = 0

    init(_ partitions: [Int32: (records: [Int64: StoredRecord], high: Int64)]) {
        self.partitions = partitions
    }

    func partitionCount(of topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int { partitions.count }

    func watermarks(of partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        (0, partitions[partition.partition]?.high ?? 0)
    }

    func assign(_ offsets: [CommittedOffset]) throws(KafkaError) {
        positions = Dictionary(uniqueKeysWithValues: offsets.map { ($0.topicPartition.partition, $0.offset ?? 0) })
    }

    /// Delivers up to two records per partition per poll, then moves past undelivered offsets.
    func pollRecords(timeoutMilliseconds: Int32, _ body: (StoredRecord) -> Void) {
        polls += 1
        for (partition, start) in positions.sorted(by: { $0.key < $1.key }) {
            guard let entry = partitions[partition] else { continue }
            var position = start
            var delivered = 0
            while position < entry.high, delivered < 2 {
                guard let record = entry.records[position] else {
                    if !positionSkipsMarkers { break }
                    position += 1
                    continue
                }
                body(record)
                delivered += 1
                position += 1
            }
            positions[partition] = position
        }
    }

    func position(of partition: TopicPartition) -> Int64? { positions[partition.partition] }

    static func records(_ partition: Int32, _ offsets: ClosedRange<Int64>) -> [Int64: StoredRecord] {
        Dictionary(uniqueKeysWithValues: offsets.map { ($0, StoredRecord(partition: partition, offset: $0, value: Array("\($0)".utf8))) })
    }
}

@Suite("Topic range reader")
struct TopicRangeReaderTests {
    @Test("a partition whose last offset is never delivered (a transaction marker) ends when the position reaches the end")
    func endsAtThePositionNotAtTheLastOffset() throws {
        // Partition 0: records 0-4, a marker at 5 (high watermark 6). Partition 1: records 0-2, markers at 3 and 4.
        let consumer = FakeRangeConsumer([
            0: (FakeRangeConsumer.records(0, 0...4), 6),
            1: (FakeRangeConsumer.records(1, 0...2), 5),
        ])
        let reader = TopicRangeReader(consumer: consumer, topic: "out", stallTimeout: .seconds(5))
        let read = try reader.records([0: 0...Int64.max, 1: 1...Int64.max])
        #expect(read.map { "\($0.partition):\($0.offset)" } == ["0:0", "0:1", "1:1", "1:2", "0:2", "0:3", "0:4"])
        #expect(consumer.polls < 10, "it stops as soon as both positions reach their ends")
    }

    @Test("ranges are clipped to the watermarks and records past a range's end are not passed on")
    func clipsRanges() throws {
        let consumer = FakeRangeConsumer([0: (FakeRangeConsumer.records(0, 0...9), 10)])
        let reader = TopicRangeReader(consumer: consumer, topic: "in", stallTimeout: .seconds(5))
        #expect(try reader.records([0: 3...4]).map(\.offset) == [3, 4])
        #expect(try reader.records([0: 8...20]).map(\.offset) == [8, 9])
        #expect(try reader.records([0: 12...20]).isEmpty, "a range past the high watermark reads nothing")
        #expect(try reader.records([7: 0...3]).isEmpty, "a partition the topic does not have reads nothing")
    }

    @Test("a partition that stops moving ends the read with an error naming it, its position and its end")
    func stuckPartitionFails() {
        let consumer = FakeRangeConsumer([0: (FakeRangeConsumer.records(0, 0...1), 4)])
        consumer.positionSkipsMarkers = false
        let reader = TopicRangeReader(consumer: consumer, topic: "out", stallTimeout: .milliseconds(300))
        do {
            _ = try reader.records([0: 0...Int64.max])
            Issue.record("a partition stuck at offset 2 of 4 must end the read")
        } catch {
            #expect(error.description.contains("reading out: no partition moved"), "\(error)")
            #expect(error.description.contains("[0] at 2 of 4"), "\(error)")
        }
    }
}
