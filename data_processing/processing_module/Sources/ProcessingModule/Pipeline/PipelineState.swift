import Kafka
import Logging

/// The mutable state of one running pipeline: its processor, backpressure and committer, and what
/// it does when partitions are assigned or revoked.
///
/// Confined to the pipeline's thread: the poll loop and librdkafka's rebalance callbacks, which run
/// inside `poll` on that same thread, are its only users (hence `@unchecked Sendable`: the
/// rebalance handler's closures must be `Sendable`, but are never called from another thread).
final class PipelineState: @unchecked Sendable {
    let configuration: PipelineConfiguration
    var processor: PipelineProcessor
    var backpressure: BackpressurePolicy
    let committer: any Committer
    let reporter: PipelineReporter
    let logger: Logger

    init(
        configuration: PipelineConfiguration, processor: PipelineProcessor, committer: any Committer,
        reporter: PipelineReporter, logger: Logger
    ) {
        self.configuration = configuration
        self.processor = processor
        backpressure = BackpressurePolicy(bufferLimit: configuration.maximumBufferedBytes)
        self.committer = committer
        self.reporter = reporter
        self.logger = logger
    }

    /// Commits for `occasion` and counts the outcome.
    func commit(_ occasion: CommitOccasion, consumer: KafkaConsumer) throws(KafkaError) {
        var pending = committer.pendingWork(processor)
        pending.commitUnderWay = occasion
        reporter.publish { $0.pending = pending }
        let outcome = try committer.commit(occasion, processor: &processor, consumer: consumer) {
            reporter.publish { $0.waitingForBrokers = true }
        }
        reporter.publish { metrics in
            switch outcome {
            case .committed: metrics.commits += 1
            case .offsetsDeferred: metrics.commitFailures += 1
            case .rewound: metrics.aborts += 1
            case .nothingToCommit: break
            }
        }
    }

    /// Restores each newly assigned partition from its committed offset and checkpoint before
    /// fetching starts; returns the offsets to start from.
    func assigned(_ partitions: [TopicPartition], _ consumer: KafkaConsumer) -> [CommittedOffset]? {
        let committed: [CommittedOffset]
        do {
            committed = try consumer.committed(partitions)
        } catch {
            logger.error("cannot read committed offsets (\(error)); starting those partitions from their committed offsets anyway")
            committed = []
        }
        let byPartition = Dictionary(committed.map { ($0.topicPartition.partition, $0) }, uniquingKeysWith: { $1 })
        for partition in partitions {
            // Not inside the log call: its message is an autoclosure, skipped below the log level.
            let restored = processor.assign(partition.partition, committed: byPartition[partition.partition])
            logger.info("\(restored)")
        }
        return committed
    }

    /// Commits the revoked partitions' progress while they are still owned (unless the group
    /// already gave them away), then drops their open windows: the next owner replays them.
    func revoked(_ partitions: [TopicPartition], lost: Bool, _ consumer: KafkaConsumer) {
        let numbers = partitions.map(\.partition)
        if !lost {
            do {
                try commit(.revocation(numbers), consumer: consumer)
            } catch {
                logger.error("could not commit revoked partitions \(numbers): \(error)")
            }
        }
        for partition in numbers {
            processor.revoke(partition)
            backpressure.forget(partition)
        }
    }
}
