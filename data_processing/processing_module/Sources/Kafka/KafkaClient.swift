import CRdKafka
import Foundation
import Logging

/// Handlers librdkafka calls back into, reached through the client's opaque pointer.
final class ClientCallbacks: @unchecked Sendable {
    let logger: Logger
    var onStatistics: (@Sendable (KafkaStatistics) -> Void)?
    var onError: (@Sendable (KafkaError) -> Void)?
    /// Producer: called once per message with its delivery result.
    var onDelivery: ((UnsafePointer<rd_kafka_message_t>) -> Void)?
    /// Consumer: called on rebalances from within the poll call.
    var onRebalance: ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?

    init(logger: Logger) {
        self.logger = logger
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientCallbacks? {
        opaque.map { Unmanaged<ClientCallbacks>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// Owns one librdkafka client instance (`rd_kafka_t`): creates it from a configuration, routes
/// its logs to swift-log, its statistics and errors to handlers, and destroys it once.
final class KafkaClient: @unchecked Sendable {
    let handle: OpaquePointer
    let callbacks: ClientCallbacks
    let configuration: KafkaConfiguration

    init(
        type: rd_kafka_type_t, configuration: KafkaConfiguration, logger: Logger,
        prepare: (OpaquePointer, ClientCallbacks) -> Void = { _, _ in }
    ) throws(KafkaError) {
        try KafkaLibrary.requireSupportedVersion()
        let operation = type == RD_KAFKA_PRODUCER ? "create producer" : "create consumer"
        let native = try configuration.makeNative(operation: operation)
        let callbacks = ClientCallbacks(logger: logger)
        rd_kafka_conf_set_opaque(native, Unmanaged.passUnretained(callbacks).toOpaque())
        rd_kafka_conf_set_log_cb(native) { client, level, facility, message in
            guard let client, let callbacks = ClientCallbacks.from(rd_kafka_opaque(client)) else { return }
            let text = message.map { String(cString: $0) } ?? ""
            let facilityName = facility.map { String(cString: $0) } ?? ""
            callbacks.logger.log(
                level: KafkaClient.logLevel(syslog: level), "\(text)",
                metadata: ["librdkafka.facility": "\(facilityName)", "librdkafka.client": "\(String(cString: rd_kafka_name(client)))"])
        }
        rd_kafka_conf_set_error_cb(native) { _, code, reason, opaque in
            guard let callbacks = ClientCallbacks.from(opaque) else { return }
            var error = KafkaError(
                code: code, operation: "client", message: reason.map { String(cString: $0) } ?? "unknown error")
            error.isFatal = code == RD_KAFKA_RESP_ERR__FATAL.rawValue
            callbacks.logger.warning("librdkafka error: \(error)")
            callbacks.onError?(error)
        }
        rd_kafka_conf_set_stats_cb(native) { _, json, length, opaque in
            guard let callbacks = ClientCallbacks.from(opaque), let json, let handler = callbacks.onStatistics else { return 0 }
            let data = Data(bytes: json, count: length)
            do {
                handler(try JSONDecoder().decode(KafkaStatistics.self, from: data))
            } catch {
                callbacks.logger.debug("librdkafka statistics not decoded: \(error)")
            }
            return 0
        }
        prepare(native, callbacks)
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, native, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(native)
            throw KafkaError.usage(operation, string(fromErrorBuffer: errorText))
        }
        self.handle = handle
        self.callbacks = callbacks
        self.configuration = configuration
        _ = Unmanaged.passRetained(callbacks)  // released in deinit, after rd_kafka_destroy
    }

    deinit {
        rd_kafka_destroy(handle)
        Unmanaged.passUnretained(callbacks).release()
    }

    /// The client's name (`client.id` plus an instance number).
    var name: String { String(cString: rd_kafka_name(handle)) }

    /// Serves delivery reports, statistics and error callbacks waiting on the main queue.
    @discardableResult
    func poll(timeoutMilliseconds: Int32 = 0) -> Int32 {
        rd_kafka_poll(handle, timeoutMilliseconds)
    }

    /// Low and high watermark offsets of a partition, queried from the broker.
    func watermarks(of partition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(
            handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(result, operation: "query watermarks", topic: partition.topic, partition: partition.partition)
        }
        return (low, high)
    }

    /// Partition count of `topic` from cluster metadata.
    func partitionCount(of topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError.usage("read metadata", "cannot refer to topic '\(topic)'")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(result, operation: "read metadata", topic: topic)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let entry = topics.first(where: { String(cString: $0.topic) == topic }) else {
            throw KafkaError.usage("read metadata", "topic '\(topic)' does not exist")
        }
        if entry.err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(entry.err, operation: "read metadata", topic: topic) }
        return Int(entry.partition_cnt)
    }

    static func logLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}
