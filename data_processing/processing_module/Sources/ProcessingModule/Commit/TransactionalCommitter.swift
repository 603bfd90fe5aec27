import Kafka
import Logging

/// Exactly-once: results, dead letters and every assigned partition's offset with its checkpoint
/// in one Kafka transaction per commit (EOS v2). One transaction spans all partitions, so every
/// occasion, a revocation included, ends the open transaction with all of them (the revoked ones
/// are still assigned while the rebalance callback runs). A retriable error retries the commit; an
/// abortable one aborts, restores every assigned partition from its committed checkpoint and seeks
/// back, so the interval is redone with identical bytes; a fatal one (fenced) ends the run.
public final class TransactionalCommitter: Committer {
    private let producer: KafkaProducer
    private let inputTopic: String
    private let logger: Logger
    private var committed = CommittedCheckpoints()
    private var inTransaction = false
    static let retries = 10

    public init(producer: KafkaProducer, inputTopic: String, logger: Logger) {
        self.producer = producer
        self.inputTopic = inputTopic
        self.logger = logger
    }

    public func start() throws(KafkaError) {
        try producer.initTransactions()
        try begin()
    }

    public func commit(
        _ occasion: CommitOccasion, processor: inout PipelineProcessor, consumer: KafkaConsumer, waiting: () -> Void
    ) throws(KafkaError) -> CommitOutcome {
        let offsets = try processor.offsetsToCommit()
        var outcome = end(with: offsets, consumer: consumer)
        var attempts = 0
        while case .failure(let error) = outcome, error.isRetriable, attempts < Self.retries {
            attempts += 1
            waiting()
            logger.warning("transaction commit will be retried: \(error)")
            outcome = end(with: offsets, consumer: consumer)
        }
        let result: CommitOutcome
        switch outcome {
        case .success:
            committed.record(offsets)
            result = offsets.isEmpty ? .nothingToCommit : .committed
        case .failure(let error):
            guard error.requiresAbort else { throw error }
            logger.warning("transaction aborted, rewinding to the committed offsets: \(error)")
            try producer.abortTransaction()
            inTransaction = false
            try rewind(&processor, consumer)
            result = .rewound
        }
        if case .revocation(let revoked) = occasion { committed.forget(revoked) }
        if occasion != .shutdown { try begin() }
        return result
    }

    public func pendingWork(_ processor: PipelineProcessor) -> PendingWork {
        let moved = committed.moved(processor)
        return PendingWork(
            uncommittedPartitions: moved, unacknowledgedRecords: producer.outstandingMessages,
            openTransaction: inTransaction && (!moved.isEmpty || producer.outstandingMessages > 0))
    }

    private func begin() throws(KafkaError) {
        try producer.beginTransaction()
        inTransaction = true
    }

    private func end(with offsets: [CommittedOffset], consumer: KafkaConsumer) -> Result<Void, KafkaError> {
        Result { () throws(KafkaError) in
            if !offsets.isEmpty { try producer.sendOffsetsToTransaction(offsets, consumer: consumer) }
            try producer.commitTransaction()
            inTransaction = false
        }
    }

    /// Restores every assigned partition from its committed checkpoint and seeks back to it.
    private func rewind(_ processor: inout PipelineProcessor, _ consumer: KafkaConsumer) throws(KafkaError) {
        let partitions = consumer.assignment.filter { $0.topic == inputTopic }
        let committedOffsets = try consumer.committed(partitions)
        for entry in committedOffsets {
            processor.revoke(entry.topicPartition.partition)
            _ = processor.assign(entry.topicPartition.partition, committed: entry)
        }
        try consumer.seek(committedOffsets.map { CommittedOffset($0.topicPartition, offset: $0.offset ?? Int64(KafkaOffset.beginning)) })
    }
}
