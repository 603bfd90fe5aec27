/// What a consumer does around rebalances, called synchronously from inside `poll` *before* the
/// assignment changes, so the caller can prepare (read committed offsets and metadata) and clean
/// up (finish a transaction, commit progress) while it still owns the partitions.
public struct RebalanceHandler: Sendable {
    /// Partitions about to be assigned. Return the offsets to start from (for example the
    /// committed ones, read with `committed`), or `nil` to start from the committed offsets (or
    /// `auto.offset.reset` when none).
    public var assigned: @Sendable (_ partitions: [TopicPartition], _ consumer: KafkaConsumer) -> [CommittedOffset]?
    /// Partitions about to be taken away. `lost` is true when the group already gave them to
    /// another member (session timeout): do not commit for them.
    public var revoked: @Sendable (_ partitions: [TopicPartition], _ lost: Bool, _ consumer: KafkaConsumer) -> Void

    public init(
        assigned: @escaping @Sendable ([TopicPartition], KafkaConsumer) -> [CommittedOffset]? = { _, _ in nil },
        revoked: @escaping @Sendable ([TopicPartition], Bool, KafkaConsumer) -> Void = { _, _, _ in }
    ) {
        self.assigned = assigned
        self.revoked = revoked
    }
}
