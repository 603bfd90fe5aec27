import Kafka

/// Why progress is committed now.
public enum CommitOccasion: Sendable, Equatable {
    /// `commit_interval` has passed. At-least-once commits asynchronously: a broker that is down
    /// must not stall the loop, and a lost commit only means a longer replay.
    case interval
    /// These partitions are about to be revoked: their progress must be committed before they go.
    case revocation([Int32])
    /// The pipeline is stopping: everything is committed, synchronously.
    case shutdown
}

/// What a commit did.
public enum CommitOutcome: Sendable, Equatable {
    /// Results, dead letters and offsets are durable.
    case committed
    /// Nothing was assigned, so there was nothing to commit.
    case nothingToCommit
    /// Results are delivered but the offset commit failed; it is retried at the next commit.
    case offsetsDeferred
    /// The transaction was aborted and every assigned partition rewound to its committed
    /// checkpoint: the work since is redone, with identical bytes.
    case rewound
}

/// Makes the work since the last commit durable: the results and dead letters produced, and each
/// partition's low-water offset with its checkpoint metadata, so that a restart replays exactly
/// what is needed. ``AtLeastOnceCommitter`` delivers first and commits offsets after;
/// ``TransactionalCommitter`` puts both in one Kafka transaction.
///
/// Called on the pipeline's thread only: from the poll loop and from the rebalance callbacks that
/// librdkafka runs inside `poll`.
public protocol Committer: AnyObject {
    /// Prepares the producer before the first record is produced.
    func start() throws(KafkaError)

    /// Commits for `occasion`. `waiting` is called while brokers do not acknowledge (the
    /// pipeline reports itself unhealthy meanwhile).
    func commit(
        _ occasion: CommitOccasion, processor: inout PipelineProcessor, consumer: KafkaConsumer, waiting: () -> Void
    ) throws(KafkaError) -> CommitOutcome

    /// What a stop now would leave for the next start to redo, for the log of an overrun stop.
    func pendingWork(_ processor: PipelineProcessor) -> PendingWork
}

/// Work not yet committed: what the next owner of the partitions replays.
public struct PendingWork: Sendable, Equatable, CustomStringConvertible {
    /// Partitions whose checkpoint moved past their last committed one.
    public var uncommittedPartitions: [Int32] = []
    /// Records produced and not yet acknowledged by the brokers.
    public var unacknowledgedRecords = 0
    /// An exactly-once pipeline's transaction is open with work in it.
    public var openTransaction = false
    /// A commit that was under way (and may not have finished).
    public var commitUnderWay: CommitOccasion?

    public init(uncommittedPartitions: [Int32] = [], unacknowledgedRecords: Int = 0, openTransaction: Bool = false) {
        self.uncommittedPartitions = uncommittedPartitions
        self.unacknowledgedRecords = unacknowledgedRecords
        self.openTransaction = openTransaction
    }

    public var isEmpty: Bool {
        uncommittedPartitions.isEmpty && unacknowledgedRecords == 0 && !openTransaction && commitUnderWay == nil
    }

    public var description: String {
        guard !isEmpty else { return "nothing uncommitted" }
        var parts: [String] = []
        if !uncommittedPartitions.isEmpty { parts.append("uncommitted partitions \(uncommittedPartitions)") }
        if unacknowledgedRecords > 0 { parts.append("\(unacknowledgedRecords) records not acknowledged") }
        if openTransaction { parts.append("an open transaction") }
        switch commitUnderWay {
        case .interval: parts.append("a periodic commit under way")
        case .revocation(let partitions): parts.append("the commit of revoked partitions \(partitions) under way")
        case .shutdown: parts.append("the final commit under way")
        case nil: break
        }
        return parts.joined(separator: ", ") + " (the next start replays them)"
    }
}

/// The committed offsets a committer last made durable, to tell what moved since.
struct CommittedCheckpoints {
    private var offsets: [Int32: CommittedOffset] = [:]

    mutating func record(_ committed: [CommittedOffset]) {
        for entry in committed { offsets[entry.topicPartition.partition] = entry }
    }

    mutating func forget(_ partitions: [Int32]) {
        for partition in partitions { offsets[partition] = nil }
    }

    /// Partitions whose current checkpoint differs from the last one committed.
    func moved(_ processor: PipelineProcessor) -> [Int32] {
        processor.commitOffsets().filter { current in
            let last = offsets[current.topicPartition.partition]
            return last?.offset != current.offset || last?.metadata != current.metadata
        }.map(\.topicPartition.partition).sorted()
    }
}
