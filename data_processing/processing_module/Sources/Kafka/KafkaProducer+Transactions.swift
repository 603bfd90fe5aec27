import CRdKafka

/// Transactions (exactly-once, EOS v2). Configure the producer with `transactional.id`; then
/// `initTransactions` once, and per unit of work `beginTransaction`, produce,
/// `sendOffsetsToTransaction` with the consumer's group metadata, and `commitTransaction`.
///
/// Errors are classified as librdkafka documents them: ``KafkaError/isRetriable`` (call again),
/// ``KafkaError/requiresAbort`` (call `abortTransaction`, rewind the consumer to the last committed
/// offsets and redo the work), ``KafkaError/isFatal`` (this producer is fenced or broken: close it
/// and restart).
extension KafkaProducer {
    public func initTransactions(timeoutMilliseconds: Int32 = 30_000) throws(KafkaError) {
        try check(rd_kafka_init_transactions(client.handle, timeoutMilliseconds), "init_transactions")
    }

    public func beginTransaction() throws(KafkaError) {
        try check(rd_kafka_begin_transaction(client.handle), "begin_transaction")
    }

    /// Adds the consumer's offsets (with their metadata) to the current transaction, so they
    /// commit if and only if the transaction's messages do.
    public func sendOffsetsToTransaction(
        _ offsets: [CommittedOffset], consumer: KafkaConsumer, timeoutMilliseconds: Int32 = 30_000
    ) throws(KafkaError) {
        guard let groupMetadata = rd_kafka_consumer_group_metadata(consumer.client.handle) else {
            throw KafkaError.usage("send_offsets_to_transaction", "the consumer has no group metadata (is group.id set?)")
        }
        defer { rd_kafka_consumer_group_metadata_destroy(groupMetadata) }
        let list = NativePartitionList(offsets)
        try check(
            rd_kafka_send_offsets_to_transaction(client.handle, list.pointer, groupMetadata, timeoutMilliseconds),
            "send_offsets_to_transaction")
    }

    public func commitTransaction(timeoutMilliseconds: Int32 = 30_000) throws(KafkaError) {
        try check(rd_kafka_commit_transaction(client.handle, timeoutMilliseconds), "commit_transaction")
    }

    public func abortTransaction(timeoutMilliseconds: Int32 = 30_000) throws(KafkaError) {
        try check(rd_kafka_abort_transaction(client.handle, timeoutMilliseconds), "abort_transaction")
    }

    private func check(_ error: OpaquePointer?, _ operation: String) throws(KafkaError) {
        guard let error else { return }
        throw KafkaError(consuming: error, operation: operation)
    }
}
