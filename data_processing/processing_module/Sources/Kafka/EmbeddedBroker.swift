import CRdKafka
import Logging

/// A Kafka cluster in this process: librdkafka's mock cluster, a real Kafka-protocol broker on
/// loopback that any client (kcat included) can reach. For development and tests.
///
/// Limits, all librdkafka's (2.8.0, checked in its `rdkafka_mock*.c`): each partition keeps only
/// its last 5 MB or 100,000 record batches (older ones are dropped), so keep test volumes small or
/// compressed; transactional offset commits are not stored, the isolation level is ignored
/// (aborted transactions are not hidden from `read_committed` readers) and no transaction markers
/// are written, so exactly-once can only be proven against real Kafka; a new group waits 3 s (the
/// initial rebalance delay, see ``setGroupInitialRebalanceDelay(milliseconds:)``) before its first
/// assignment, and a member joining a running group waits `session.timeout.ms` less a second for
/// the rebalance; a fetch with nothing to return is answered only after `fetch.wait.max.ms`, even
/// when records arrive meanwhile; data lives in memory and is gone when the broker stops.
public final class EmbeddedBroker: @unchecked Sendable {
    private let client: KafkaClient
    private let cluster: OpaquePointer
    /// Comma-separated `host:port` of every broker, for `bootstrap.servers`.
    public let bootstrapServers: String
    public let brokerCount: Int

    /// Starts `brokers` brokers on loopback and creates `topics` (name → partition count).
    public init(brokers: Int = 1, topics: [String: Int] = [:], logger: Logger) throws(KafkaError) {
        guard (1...16).contains(brokers) else {
            throw KafkaError.usage("start embedded broker", "broker count must be between 1 and 16 (got \(brokers))")
        }
        client = try KafkaClient(type: RD_KAFKA_PRODUCER, configuration: KafkaConfiguration(["client.id": "embedded-broker"]), logger: logger)
        guard let cluster = rd_kafka_mock_cluster_new(client.handle, Int32(brokers)) else {
            throw KafkaError.usage("start embedded broker", "librdkafka could not start its mock cluster")
        }
        self.cluster = cluster
        brokerCount = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        for (topic, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            try createTopic(topic, partitions: partitions)
        }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// Creates a topic (replication is capped at the broker count).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        guard partitions > 0, !name.isEmpty else {
            throw KafkaError.usage("create topic", "a topic needs a name and at least one partition (\(name): \(partitions))")
        }
        let result = rd_kafka_mock_topic_create(
            cluster, name, Int32(partitions), Int32(min(replicationFactor, brokerCount)))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "create topic", topic: name) }
    }

    /// Takes broker `id` (1-based) off the network until ``setBrokerUp(_:)``.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        let result = rd_kafka_mock_broker_set_down(cluster, id)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "set broker \(id) down") }
    }

    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        let result = rd_kafka_mock_broker_set_up(cluster, id)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "set broker \(id) up") }
    }

    /// Makes the next `errors.count` requests of kind `request` fail with those errors, in order.
    public func injectErrors(_ errors: [KafkaErrorCode], on request: KafkaRequest) {
        let codes = errors.map { rd_kafka_resp_err_t($0.rawValue) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, request.rawValue, buffer.count, buffer.baseAddress)
        }
    }

    /// Forgets errors injected for `request` that have not fired yet.
    public func clearInjectedErrors(on request: KafkaRequest) {
        rd_kafka_mock_clear_request_errors(cluster, request.rawValue)
    }

    /// Makes broker `id` hold its answer to the next `request` for `milliseconds` (answered
    /// without error), e.g. to keep a consumer between joining a group and its first assignment.
    public func delayNextResponse(to request: KafkaRequest, milliseconds: Int32, broker id: Int32 = 1) throws(KafkaError) {
        let result = shim_mock_push_delayed_error(cluster, id, request.rawValue, RD_KAFKA_RESP_ERR_NO_ERROR, milliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, operation: "delay \(request) on broker \(id)") }
    }

    /// How long a new group waits for more members before its first assignment (Kafka's
    /// `group.initial.rebalance.delay.ms`; the embedded broker's default is 3,000 ms).
    public func setGroupInitialRebalanceDelay(milliseconds: Int32) {
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, milliseconds)
    }

    /// Starts recording the requests brokers receive (for ``receivedRequests(_:)``).
    public func startRequestTracking() {
        rd_kafka_mock_start_request_tracking(cluster)
    }

    /// How many requests of kind `request` the brokers received since ``startRequestTracking()``.
    public func receivedRequests(_ request: KafkaRequest) -> Int {
        var count = 0
        guard let requests = rd_kafka_mock_get_requests(cluster, &count) else { return 0 }
        defer { rd_kafka_mock_request_destroy_array(requests, count) }
        return UnsafeBufferPointer(start: requests, count: count).count(where: { entry in
            entry.map { rd_kafka_mock_request_api_key($0) == request.rawValue } ?? false
        })
    }
}

/// Kafka protocol request kinds (API keys) that errors can be injected into.
public enum KafkaRequest: Int16, Sendable, CaseIterable {
    case produce = 0
    case fetch = 1
    case listOffsets = 2
    case metadata = 3
    case offsetCommit = 8
    case offsetFetch = 9
    case findCoordinator = 10
    case joinGroup = 11
    case heartbeat = 12
    case syncGroup = 14
    case initProducerId = 22
    case addPartitionsToTxn = 24
    case addOffsetsToTxn = 25
    case endTxn = 26
    case txnOffsetCommit = 28
}
