import CRdKafka

/// Partitions: manual assignment, pause and resume, seeking, committed offsets, watermarks,
/// positions and lag.
extension KafkaConsumer {
    /// Reads `offsets`' partitions from those offsets without joining a group's rebalances (manual
    /// assignment, as `export` and benchmarks need). `nil` offsets start from the committed offset.
    public func assign(_ offsets: [CommittedOffset]) throws(KafkaError) {
        let list = NativePartitionList(offsets.map { CommittedOffset($0.topicPartition, offset: $0.offset ?? Int64(RD_KAFKA_OFFSET_STORED)) })
        let result = rd_kafka_assign(client.handle, list.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "assign") }
    }

    /// The partitions currently assigned to this member.
    public var assignment: [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(client.handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return NativePartitionList(borrowing: list).topicPartitions.sorted()
    }

    /// The group's rebalance protocol once a JoinGroup response chose the assignor: `COOPERATIVE`
    /// (this consumer's cooperative-sticky) or `EAGER`; `NONE` before (not joined yet).
    public var rebalanceProtocol: String { String(cString: rd_kafka_rebalance_protocol(client.handle)) }

    /// Stops fetching `partitions` until resumed (messages already fetched are still delivered).
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        let list = NativePartitionList(partitions)
        let result = rd_kafka_pause_partitions(client.handle, list.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "pause") }
        if let error = list.firstError(operation: "pause") { throw error }
    }

    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        let list = NativePartitionList(partitions)
        let result = rd_kafka_resume_partitions(client.handle, list.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "resume") }
        if let error = list.firstError(operation: "resume") { throw error }
    }

    /// Moves the fetch position of assigned partitions to the given offsets.
    public func seek(_ offsets: [CommittedOffset], timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) {
        let list = NativePartitionList(offsets)
        if let error = rd_kafka_seek_partitions(client.handle, list.pointer, timeoutMilliseconds) {
            throw KafkaError(consuming: error, operation: "seek")
        }
        if let error = list.firstError(operation: "seek") { throw error }
    }

    /// The group's committed offsets and metadata for `partitions`.
    public func committed(_ partitions: [TopicPartition], timeoutMilliseconds: Int32 = 10_000) throws(KafkaError)
        -> [CommittedOffset]
    {
        let list = NativePartitionList(partitions)
        let result = rd_kafka_committed(client.handle, list.pointer, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "read committed offsets") }
        if let error = list.firstError(operation: "read committed offsets") { throw error }
        return list.committedOffsets
    }

    /// Commits offsets with their metadata. `synchronous` waits for the coordinator's answer;
    /// otherwise the result arrives later and failures are logged.
    public func commit(_ offsets: [CommittedOffset], synchronous: Bool = true) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = NativePartitionList(offsets)
        let result = rd_kafka_commit(client.handle, list.pointer, synchronous ? 0 : 1)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(result, operation: "commit", topic: offsets.first?.topicPartition.topic)
        }
        if synchronous, let error = list.firstError(operation: "commit") { throw error }
    }

    /// Low and high watermarks of a partition, asked from the broker.
    public func watermarks(of partition: TopicPartition, timeoutMilliseconds: Int32 = 10_000) throws(KafkaError)
        -> (low: Int64, high: Int64)
    {
        try client.watermarks(of: partition, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The number of partitions of `topic`, from cluster metadata.
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> Int {
        try client.partitionCount(of: topic, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The next offset this consumer hands to the application for `partition` (past the last
    /// message delivered, and past transaction markers, which librdkafka never delivers); `nil`
    /// before anything was consumed from it.
    public func position(of partition: TopicPartition) -> Int64? {
        let list = NativePartitionList([partition])
        guard rd_kafka_position(client.handle, list.pointer) == RD_KAFKA_RESP_ERR_NO_ERROR,
            let position = list.elements.first?.offset, position >= 0
        else { return nil }
        return position
    }

    /// Messages between this consumer's position and the high watermark, from locally cached
    /// watermarks (refreshed by fetches); `nil` when unknown.
    public func lag(of partition: TopicPartition) -> Int64? {
        var low: Int64 = 0
        var high: Int64 = 0
        guard rd_kafka_get_watermark_offsets(client.handle, partition.topic, partition.partition, &low, &high)
            == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0
        else { return nil }
        guard let position = position(of: partition) else { return nil }
        return max(high - position, 0)
    }
}
