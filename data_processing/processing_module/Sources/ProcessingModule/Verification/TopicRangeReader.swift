import Foundation
import Kafka

/// What ``TopicRangeReader`` needs of a consumer: a manual assignment, polling, positions and
/// watermarks (``KafkaConsumer`` has them all; tests drive the reader with a fake).
public protocol RangeConsumer: AnyObject {
    func partitionCount(of topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int
    func watermarks(of partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64)
    func assign(_ offsets: [CommittedOffset]) throws(KafkaError)
    /// Delivers what arrived within `timeoutMilliseconds`, each record copied out.
    func pollRecords(timeoutMilliseconds: Int32, _ body: (StoredRecord) -> Void)
    /// The next offset to be handed to the application (past transaction markers).
    func position(of partition: TopicPartition) -> Int64?
}

extension KafkaConsumer: RangeConsumer {
    public func pollRecords(timeoutMilliseconds: Int32, _ body: (StoredRecord) -> Void) {
        poll(maxMessages: 10_000, timeoutMilliseconds: timeoutMilliseconds) { body(StoredRecord($0)) }
    }
}

/// Reads offset ranges of a topic's partitions with a manually assigned consumer (no group
/// membership, nothing committed), for `verify` and `export`. Ranges are clipped to what the
/// partitions hold when reading starts.
///
/// A partition is done when the consumer's position passes its range, not when the range's last
/// offset arrives: on a topic written by a transactional producer the last offsets are transaction
/// markers, which are never delivered (an exactly-once pipeline's own output ends with one).
/// When no partition moves for ``stallTimeout``, reading ends with a ``TopicRangeError`` naming
/// the partitions left, their positions and their ends.
public struct TopicRangeReader {
    public let consumer: any RangeConsumer
    public let topic: String
    public var stallTimeout: Duration

    public init(consumer: any RangeConsumer, topic: String, stallTimeout: Duration = .seconds(60)) {
        self.consumer = consumer
        self.topic = topic
        self.stallTimeout = stallTimeout
    }

    /// The oldest offset each partition still holds, and the next offset to be written.
    public func watermarks() throws(KafkaError) -> [Int32: (low: Int64, high: Int64)] {
        var marks: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in 0..<Int32(try consumer.partitionCount(of: topic, timeoutMilliseconds: 10_000)) {
            marks[partition] = try consumer.watermarks(of: TopicPartition(topic, partition), timeoutMilliseconds: 10_000)
        }
        return marks
    }

    /// Passes every record of `ranges` (inclusive, per partition, clipped to the watermarks) to
    /// `body`, partition by partition in offset order. `progress` is called with the number of
    /// records read so far, about every 100,000.
    public func read(
        _ ranges: [Int32: ClosedRange<Int64>], progress: (Int) -> Void = { _ in }, _ body: (StoredRecord) -> Void
    ) throws(TopicRangeError) {
        let marks: [Int32: (low: Int64, high: Int64)]
        do {
            marks = try watermarks()
        } catch {
            throw TopicRangeError(topic: topic, reason: "cannot read its watermarks: \(error)")
        }
        // The next offset past each wanted range: reading a partition ends once the position reaches it.
        var ends: [Int32: Int64] = [:]
        var starts: [CommittedOffset] = []
        for (partition, range) in ranges.sorted(by: { $0.key < $1.key }) {
            guard let mark = marks[partition] else { continue }
            let first = max(range.lowerBound, mark.low)
            let end = min(range.upperBound == .max ? .max : range.upperBound + 1, mark.high)
            guard first < end else { continue }
            ends[partition] = end
            starts.append(CommittedOffset(TopicPartition(topic, partition), offset: first))
        }
        guard !ends.isEmpty else { return }
        do {
            try consumer.assign(starts)
        } catch {
            throw TopicRangeError(topic: topic, reason: "cannot assign its partitions: \(error)")
        }
        defer { try? consumer.assign([]) }
        var read = 0
        var reported = 0
        var lastMove = ContinuousClock.now
        var positions: [Int32: Int64] = [:]
        while !ends.isEmpty {
            consumer.pollRecords(timeoutMilliseconds: 200) { record in
                guard let end = ends[record.partition], record.offset < end else { return }
                body(record)
                read += 1
            }
            for (partition, end) in ends {
                let position = consumer.position(of: TopicPartition(topic, partition)) ?? -1
                if position != positions[partition] {
                    positions[partition] = position
                    lastMove = .now
                }
                if position >= end { ends[partition] = nil }
            }
            if read - reported >= 100_000 {
                reported = read
                progress(read)
            }
            if !ends.isEmpty, lastMove.duration(to: .now) > stallTimeout {
                let left = ends.keys.sorted().map { "[\($0)] at \(positions[$0].map(String.init) ?? "no position") of \(ends[$0] ?? 0)" }
                throw TopicRangeError(
                    topic: topic,
                    reason: "no partition moved for \(stallTimeout); still to read: \(left.joined(separator: ", ")). "
                        + "Check that the brokers are reachable, or raise the stall timeout")
            }
        }
    }

    /// The records of `ranges`, collected (see ``read(_:progress:_:)``).
    public func records(_ ranges: [Int32: ClosedRange<Int64>], progress: (Int) -> Void = { _ in }) throws(TopicRangeError)
        -> [StoredRecord]
    {
        var records: [StoredRecord] = []
        try read(ranges, progress: progress) { records.append($0) }
        return records
    }
}

/// Why a topic range could not be read to its end.
public struct TopicRangeError: Error, Sendable, CustomStringConvertible {
    public let topic: String
    public let reason: String

    public var description: String { "reading \(topic): \(reason)" }
}
