import CRdKafka
import Logging
import Synchronization

/// A Kafka producer over librdkafka: keys, values, headers, timestamps, explicit partitions or
/// the partitioner, delivery reports, and a flush that returns only when every message is
/// acknowledged or failed, with the failures. Idempotence is on by default, so retries never
/// duplicate or reorder messages. With a `transactional.id` it is also a transactional producer
/// (see `KafkaProducer+Transactions.swift`).
///
/// Thread safety: `send` may be called from any thread; `flush` and the transactional calls
/// from one thread at a time.
public final class KafkaProducer: @unchecked Sendable {
    /// Defaults applied under the caller's properties.
    public static let defaults: [String: String] = [
        "enable.idempotence": "true",
        "linger.ms": "5",
        "compression.type": "lz4",
    ]

    let client: KafkaClient
    private let deliveries = DeliveryTallyBox()
    private let logger: Logger

    /// Creates a producer; `configuration` needs `bootstrap.servers`.
    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        self.logger = logger
        let tally = self.deliveries
        client = try KafkaClient(
            type: RD_KAFKA_PRODUCER, configuration: configuration.withDefaults(Self.defaults), logger: logger
        ) { native, callbacks in
            rd_kafka_conf_set_dr_msg_cb(native) { _, message, opaque in
                guard let message, let callbacks = ClientCallbacks.from(opaque) else { return }
                callbacks.onDelivery?(message)
            }
            callbacks.onDelivery = { message in
                let error = message.pointee.err
                tally.lock.withLock { tally in
                    if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                        tally.delivered += 1
                    } else {
                        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
                        tally.failures.append(
                            DeliveryFailure(
                                topic: topic, partition: message.pointee.partition,
                                error: KafkaError(error, operation: "deliver", topic: topic, partition: message.pointee.partition)))
                    }
                }
            }
        }
    }

    /// Handlers for decoded statistics and client errors (set before producing).
    public func onStatistics(_ handler: @escaping @Sendable (KafkaStatistics) -> Void) { client.callbacks.onStatistics = handler }
    public func onError(_ handler: @escaping @Sendable (KafkaError) -> Void) { client.callbacks.onError = handler }

    /// Queues one message. When librdkafka's queue is full this waits, serving delivery reports,
    /// until there is room (backpressure, never a drop).
    public func send(_ message: KafkaOutgoingMessage) throws(KafkaError) {
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                if let value = header.value {
                    value.withUnsafeBytes { bytes in
                        _ = rd_kafka_header_add(headers, header.name, -1, bytes.baseAddress, bytes.count)
                    }
                } else {
                    _ = rd_kafka_header_add(headers, header.name, -1, nil, 0)
                }
            }
        }
        while true {
            let result = produce(message, headers: headers)
            if result == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if result == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                client.poll(timeoutMilliseconds: 100)
                continue
            }
            if let headers { rd_kafka_headers_destroy(headers) }
            throw KafkaError(result, operation: "produce", topic: message.topic, partition: message.partition)
        }
    }

    private func produce(_ message: KafkaOutgoingMessage, headers: OpaquePointer?) -> rd_kafka_resp_err_t {
        let partition = message.partition ?? RD_KAFKA_PARTITION_UA
        return withOptionalBytes(message.key) { key in
            withOptionalBytes(message.value) { value in
                shim_produce(
                    client.handle, message.topic, partition, key?.baseAddress, key?.count ?? 0, value?.baseAddress,
                    value?.count ?? 0, message.timestamp ?? 0, headers, nil)
            }
        }
    }

    /// Serves delivery reports and callbacks; call it regularly while producing without flushing.
    public func poll(timeoutMilliseconds: Int32 = 0) {
        client.poll(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Messages queued or in flight.
    /// The number of partitions of `topic`, from cluster metadata; the producer keeps the metadata,
    /// so a first send to the topic does not wait for it.
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 10_000) throws(KafkaError) -> Int {
        try client.partitionCount(of: topic, timeoutMilliseconds: timeoutMilliseconds)
    }

    public var outstandingMessages: Int { Int(rd_kafka_outq_len(client.handle)) }

    /// Waits until every queued message is acknowledged or has failed, then returns how many were
    /// delivered and which failed since the previous flush. Throws a timeout error, with the count
    /// still outstanding, when `timeoutMilliseconds` passes first (nothing is lost: flush again).
    @discardableResult
    public func flush(timeoutMilliseconds: Int32 = 30_000) throws(KafkaError) -> DeliverySummary {
        let result = rd_kafka_flush(client.handle, timeoutMilliseconds)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                code: result.rawValue, operation: "flush",
                message: "\(outstandingMessages) messages still unacknowledged after \(timeoutMilliseconds) ms")
        }
        return deliveries.lock.withLock { tally in
            defer { tally = DeliveryTally() }
            return DeliverySummary(delivered: tally.delivered, failures: tally.failures)
        }
    }

    struct DeliveryTally {
        var delivered = 0
        var failures: [DeliveryFailure] = []
    }

    /// Delivery results, filled by librdkafka's callback and drained by `flush`.
    final class DeliveryTallyBox: Sendable {
        let lock = Mutex(DeliveryTally())
    }
}

/// What a flush found: messages acknowledged and messages that failed since the previous flush.
public struct DeliverySummary: Sendable {
    public let delivered: Int
    public let failures: [DeliveryFailure]
}

/// A message the brokers did not accept.
public struct DeliveryFailure: Sendable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32
    public let error: KafkaError

    public var description: String { "\(topic)[\(partition)]: \(error)" }
}

/// Calls `body` with a pointer to `bytes`, or with `nil` when there are none (a null key or value).
public func withOptionalBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
