import Kafka
import Logging

/// At-least-once: wait until every result and dead letter produced so far is acknowledged, then
/// commit each partition's offset with its checkpoint. A crash between the two re-produces, after
/// the restart, byte-identical records of that interval only.
public final class AtLeastOnceCommitter: Committer {
    private let producer: KafkaProducer
    private let logger: Logger
    private let stop: StopSignal
    private var committed = CommittedCheckpoints()
    /// How long to keep waiting for acknowledgements once a stop is requested (the graceful-stop
    /// bound ends the process earlier when it is shorter).
    static let stopWaitMilliseconds: Int64 = 60_000

    public init(producer: KafkaProducer, stop: StopSignal, logger: Logger) {
        self.producer = producer
        self.stop = stop
        self.logger = logger
    }

    public func start() throws(KafkaError) {}

    public func commit(
        _ occasion: CommitOccasion, processor: inout PipelineProcessor, consumer: KafkaConsumer, waiting: () -> Void
    ) throws(KafkaError) -> CommitOutcome {
        try deliverEverything(waiting: waiting)
        let partitions: [Int32]?
        if case .revocation(let revoked) = occasion { partitions = revoked } else { partitions = nil }
        let offsets = try processor.offsetsToCommit(partitions: partitions)
        guard !offsets.isEmpty else { return .nothingToCommit }
        do {
            try consumer.commit(offsets, synchronous: occasion != .interval)
        } catch {
            logger.warning("commit failed, will retry at the next commit: \(error)")
            return .offsetsDeferred
        }
        committed.record(offsets)
        if let partitions { committed.forget(partitions) }
        return .committed
    }

    public func pendingWork(_ processor: PipelineProcessor) -> PendingWork {
        PendingWork(uncommittedPartitions: committed.moved(processor), unacknowledgedRecords: producer.outstandingMessages)
    }

    /// Flushes until the brokers acknowledged everything; failed deliveries end the run (the
    /// restart re-produces them from the last committed offsets).
    private func deliverEverything(waiting: () -> Void) throws(KafkaError) {
        var waitingSince: ContinuousClock.Instant?
        while true {
            do throws(KafkaError) {
                let summary = try producer.flush(timeoutMilliseconds: 10_000)
                if let failure = summary.failures.first {
                    throw KafkaError(
                        code: failure.error.code, operation: "deliver",
                        message: "\(summary.failures.count) records were not delivered (\(failure)); restarting replays them")
                }
                return
            } catch let error where error.errorCode == .timedOut {
                logger.warning("waiting for the brokers to acknowledge: \(error)")
                waiting()
                let since = waitingSince ?? .now
                waitingSince = since
                if stop.isRequested, since.duration(to: .now) > .milliseconds(Self.stopWaitMilliseconds) { throw error }
            }
        }
    }
}
