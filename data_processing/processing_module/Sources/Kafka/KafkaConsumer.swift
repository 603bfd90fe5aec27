import CRdKafka
import Logging

/// A consumer-group member over librdkafka, built for batch processing.
///
/// - Subscription with the cooperative-sticky assignor; a ``RebalanceHandler`` runs before
///   partitions are assigned or revoked.
/// - `poll` hands out up to `maxMessages` messages per call as zero-copy views, with no Swift
///   allocation per message.
/// - No automatic commits or offset stores: progress is committed explicitly, with metadata.
/// - A small prefetch queue that is refilled at once: `queued.min.messages` 20,000 (librdkafka:
///   100,000) with `fetch.queue.backoff.ms` 10 (librdkafka: 1,000, a fixed pause whenever the queue
///   is full). At 250,000 records/s the queue holds about 80 ms of work and a full queue postpones
///   the next fetch by 10 ms, not a second, so the consumer never starves while about 20,000
///   messages wait in memory. Measured on the pipeline (docs/BENCHMARKS.md, 5 runs each):
///   200,000 with the 1 s pause gave 212,000-224,000 records/s at 132-142 MiB peak RSS, these
///   settings 234,000-289,000 at 69-73 MiB. Any value can be set in the pipelines file's `kafka:`.
///
/// Thread safety: poll from one thread; the other calls may come from any thread.
public final class KafkaConsumer: @unchecked Sendable {
    /// Defaults applied under the caller's properties.
    public static let defaults: [String: String] = [
        "enable.auto.commit": "false",
        "enable.auto.offset.store": "false",
        "partition.assignment.strategy": "cooperative-sticky",
        "auto.offset.reset": "earliest",
        "queued.min.messages": "20000",
        "fetch.queue.backoff.ms": "10",
        "enable.partition.eof": "false",
    ]

    let client: KafkaClient
    private let queue: OpaquePointer
    let logger: Logger
    private var messageBuffer: [UnsafeMutablePointer<rd_kafka_message_t>?]

    /// Creates a consumer; `configuration` needs `bootstrap.servers` and `group.id`.
    public init(
        configuration: KafkaConfiguration, rebalance: RebalanceHandler = RebalanceHandler(), logger: Logger,
        batchCapacity: Int = 10_000
    ) throws(KafkaError) {
        guard configuration["group.id"]?.isEmpty == false else {
            throw KafkaError.usage("create consumer", "configuration property 'group.id' is required for a consumer")
        }
        self.logger = logger
        client = try KafkaClient(
            type: RD_KAFKA_CONSUMER, configuration: configuration.withDefaults(Self.defaults), logger: logger
        ) { native, _ in
            rd_kafka_conf_set_rebalance_cb(native) { handle, error, partitions, opaque in
                guard let handle, let partitions else { return }
                if let handler = ClientCallbacks.from(opaque)?.onRebalance {
                    handler(handle, error, partitions)
                } else {
                    KafkaConsumer.applyRebalance(handle: handle, error: error, list: partitions)
                }
            }
        }
        rd_kafka_poll_set_consumer(client.handle)
        queue = rd_kafka_queue_get_consumer(client.handle)
        messageBuffer = Array(repeating: nil, count: max(batchCapacity, 1))
        client.callbacks.onRebalance = { [unowned self] handle, error, list in
            self.rebalance(handle: handle, error: error, list: NativePartitionList(borrowing: list), handler: rebalance)
        }
    }

    deinit {
        // Destroying the client may still revoke partitions; this object can no longer handle it.
        client.callbacks.onRebalance = nil
        rd_kafka_queue_destroy(queue)
    }

    /// Handlers for decoded statistics and client errors.
    public func onStatistics(_ handler: @escaping @Sendable (KafkaStatistics) -> Void) { client.callbacks.onStatistics = handler }
    public func onError(_ handler: @escaping @Sendable (KafkaError) -> Void) { client.callbacks.onError = handler }

    /// Joins the group for `topics` (the assignment arrives during later polls).
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = NativePartitionList(capacity: topics.count)
        for topic in topics { list.add(TopicPartition(topic, RD_KAFKA_PARTITION_UA)) }
        let result = rd_kafka_subscribe(client.handle, list.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "subscribe") }
    }

    /// Waits up to `timeoutMilliseconds` for messages and passes each (up to `maxMessages`) to
    /// `body` as a view valid only during that call. Also serves rebalances and callbacks.
    /// Returns the number of messages passed. Consumer errors (a broker down, ...) are reported
    /// to the error handler and logged, not thrown: librdkafka recovers from them by itself.
    ///
    /// When `body` throws, the rest of the batch is dropped but the fetch position has moved past
    /// it: rewind (seek to the committed offsets, or restart) before committing anything.
    @discardableResult
    public func poll(
        maxMessages: Int = 10_000, timeoutMilliseconds: Int32 = 100, _ body: (KafkaMessageView) throws -> Void
    ) rethrows -> Int {
        let capacity = max(0, min(maxMessages, messageBuffer.count))
        guard capacity > 0 else { return 0 }
        // consume_batch_queue with a timeout waits until the batch is full or the timeout passes,
        // which delays a trickle of records by the whole timeout. So: take what is ready; when
        // nothing is, wait for the first message only, then take what came with it.
        let received = messageBuffer.withUnsafeMutableBufferPointer { buffer -> Int in
            let ready = rd_kafka_consume_batch_queue(queue, 0, buffer.baseAddress, capacity)
            guard ready == 0, timeoutMilliseconds > 0 else { return ready }
            guard let first = rd_kafka_consume_queue(queue, Int32(timeoutMilliseconds)) else { return 0 }
            buffer[0] = first
            guard capacity > 1 else { return 1 }
            let more = rd_kafka_consume_batch_queue(queue, 0, buffer.baseAddress! + 1, capacity - 1)
            return 1 + max(more, 0)
        }
        guard received > 0 else { return 0 }
        var index = 0
        var delivered = 0
        defer {
            while index < received {
                if let message = messageBuffer[index] { rd_kafka_message_destroy(message) }
                index += 1
            }
        }
        while index < received {
            guard let message = messageBuffer[index] else {
                index += 1
                continue
            }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                report(message)
            } else {
                try body(KafkaMessageView(message))
                delivered += 1
            }
            rd_kafka_message_destroy(message)
            messageBuffer[index] = nil
            index += 1
        }
        return delivered
    }

    private func report(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let error = message.pointee.err
        guard error != RD_KAFKA_RESP_ERR__PARTITION_EOF else { return }
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) }
        let kafkaError = KafkaError(error, operation: "consume", topic: topic, partition: message.pointee.partition)
        logger.warning("\(kafkaError)")
        client.callbacks.onError?(kafkaError)
    }

    /// Leaves the group: revokes the assignment (calling the rebalance handler) and stops.
    public func close() throws(KafkaError) {
        let result = rd_kafka_consumer_close(client.handle)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "close consumer") }
    }
}
