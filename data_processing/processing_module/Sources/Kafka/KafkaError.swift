import CRdKafka

/// A failure reported by librdkafka or by this wrapper, with the context needed to act on it.
///
/// `code` and `codeName` are librdkafka's (`RD_KAFKA_RESP_ERR_*`, e.g. `_TRANSPORT`); `operation`
/// says what was being done (`commit`, `produce`, `begin_transaction`, ...); `topic` and
/// `partition` are set when known. For transactional calls, ``isRetriable``,
/// ``requiresAbort`` and ``isFatal`` classify the error exactly as librdkafka does. Messages never
/// contain secret configuration values.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// librdkafka's error code (`rd_kafka_resp_err_t`), 0 for errors raised by this wrapper.
    public let code: Int32
    /// librdkafka's name for the code, e.g. `_TRANSPORT` or `NOT_COORDINATOR`.
    public let codeName: String
    /// The code as a value to compare with the named ones (``KafkaErrorCode/timedOut``, ...).
    public var errorCode: KafkaErrorCode { KafkaErrorCode(rawValue: code) }
    /// The operation that failed.
    public let operation: String
    /// What went wrong, in words.
    public let message: String
    public var topic: String?
    public var partition: Int32?
    /// The operation may succeed if simply retried.
    public var isRetriable = false
    /// The current transaction must be aborted (then rewind and retry the work).
    public var requiresAbort = false
    /// The client instance is unusable: close it and start a new one (the process restarts).
    public var isFatal = false

    public init(
        code: Int32, operation: String, message: String, topic: String? = nil, partition: Int32? = nil
    ) {
        self.code = code
        self.codeName = code == 0 ? "" : String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(code)))
        self.operation = operation
        self.message = message
        self.topic = topic
        self.partition = partition
    }

    /// An error from a librdkafka response code.
    init(_ error: rd_kafka_resp_err_t, operation: String, topic: String? = nil, partition: Int32? = nil) {
        self.init(
            code: error.rawValue, operation: operation, message: String(cString: rd_kafka_err2str(error)), topic: topic,
            partition: partition)
    }

    /// An error from librdkafka's `rd_kafka_error_t`, classified and then destroyed.
    init(consuming error: OpaquePointer, operation: String) {
        self.init(
            code: rd_kafka_error_code(error).rawValue, operation: operation,
            message: String(cString: rd_kafka_error_string(error)))
        isRetriable = rd_kafka_error_is_retriable(error) != 0
        requiresAbort = rd_kafka_error_txn_requires_abort(error) != 0
        isFatal = rd_kafka_error_is_fatal(error) != 0
        rd_kafka_error_destroy(error)
    }

    /// An error raised by this wrapper (invalid use or configuration).
    static func usage(_ operation: String, _ message: String) -> KafkaError {
        KafkaError(code: 0, operation: operation, message: message)
    }

    public var description: String {
        var text = "\(operation) failed"
        if let topic { text += " on \(topic)" + (partition.map { "[\($0)]" } ?? "") }
        text += ": " + message
        if !codeName.isEmpty { text += " (\(codeName))" }
        if isFatal { text += "; fatal: restart the client" } else if requiresAbort {
            text += "; abort the transaction and retry"
        } else if isRetriable { text += "; retriable" }
        return text
    }
}
