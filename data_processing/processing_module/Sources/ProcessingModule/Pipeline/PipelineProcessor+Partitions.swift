import Kafka
import MicroBatching
import SharedFunctions

extension PipelineProcessor {
    /// Starts a partition from its committed offset and checkpoint metadata; returns what to log.
    public mutating func assign(_ partition: Int32, committed: CommittedOffset?) -> String {
        lastChecked = nil
        guard let committed, let offset = committed.offset else {
            pipeline.assign(partition, from: nil)
            return "partition \(partition): no committed offset, starting fresh"
        }
        do {
            let checkpoint = try OffsetCheckpoint(committedOffset: offset, metadata: committed.metadata)
            let report = pipeline.assign(partition, from: checkpoint)
            return "partition \(partition): restored \(checkpoint)"
                + (report.windowSpecificationChanged ? " (written under another window specification)" : "")
        } catch {
            pipeline.assign(partition, from: nil)
            return "partition \(partition): committed offset \(offset) has no usable checkpoint (\(error)); replaying from it without skipping"
        }
    }

    public mutating func revoke(_ partition: Int32) {
        lastChecked = nil
        pipeline.revoke(partition)
    }

    public mutating func setPaused(_ partition: Int32, _ paused: Bool) {
        pipeline.setPaused(partition, paused)
    }

    /// Progress of one partition, or `nil` when it is not assigned.
    public func progress(of partition: Int32) -> PartitionProgress? { pipeline.progress(of: partition) }
    /// The checkpoint to commit for `partition` once everything returned so far is produced.
    public func checkpoint(of partition: Int32) -> OffsetCheckpoint? { pipeline.checkpoint(of: partition) }
    /// The partitions the engine holds state for, ascending.
    public var assignedPartitions: [Int32] { pipeline.assignedPartitions }
    public var openWindowCount: Int { pipeline.openWindowCount }
    public var bufferedBytes: Int { pipeline.bufferedBytes }
    public var bufferedRecords: Int { pipeline.bufferedRecords }
    /// The partitions to pause while ``bufferedBytes`` exceeds `limit` (the engine's advice).
    public func partitionsToPause(bufferLimit: Int) -> [Int32] { pipeline.partitionsToPause(bufferLimit: bufferLimit) }

    /// The most commit metadata Kafka keeps by default (`offset.metadata.max.bytes`).
    public static let commitMetadataLimit = 4_096

    /// ``commitOffsets(partitions:)`` for a commit: refuses a checkpoint Kafka would not keep
    /// whole. Only count windows grow their metadata (one start per key with open windows).
    public func offsetsToCommit(partitions: [Int32]? = nil) throws(KafkaError) -> [CommittedOffset] {
        let offsets = commitOffsets(partitions: partitions)
        for offset in offsets where offset.metadata.utf8.count > Self.commitMetadataLimit {
            let partition = offset.topicPartition.partition
            let starts = checkpoint(of: partition)?.countWindowStarts?.count ?? 0
            throw KafkaError(
                code: 12, operation: "commit",
                message: "the checkpoint of partition \(partition) needs \(offset.metadata.utf8.count) bytes of commit metadata, "
                    + "more than the \(Self.commitMetadataLimit) Kafka keeps by default: \(starts) keys have open count windows "
                    + "(each adds its start offset); spread the keys over more partitions, lower window.count, or use time windows",
                topic: configuration.inputTopic, partition: partition)
        }
        return offsets
    }

    /// The offsets and checkpoint metadata to commit once everything returned so far is produced.
    public func commitOffsets(partitions: [Int32]? = nil) -> [CommittedOffset] {
        (partitions ?? assignedPartitions).compactMap { partition in
            checkpoint(of: partition).map { checkpoint in
                CommittedOffset(
                    TopicPartition(configuration.inputTopic, partition), offset: checkpoint.committedOffset,
                    metadata: checkpoint.metadata)
            }
        }
    }
}
