import CRdKafka
import Logging

/// Rebalances: the caller's ``RebalanceHandler`` runs before librdkafka's assignment changes.
extension KafkaConsumer {
    /// Applies a rebalance to librdkafka: assign the given partitions (incrementally under the
    /// cooperative protocol), or unassign them on revocation or failure. Errors go to `logger`
    /// when there is one (there is none while the consumer is being destroyed).
    static func applyRebalance(
        handle: OpaquePointer, error: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        logger: Logger? = nil
    ) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        func report(_ failure: OpaquePointer?, _ operation: String) {
            guard let failure else { return }
            let error = KafkaError(consuming: failure, operation: operation)
            logger?.error("\(error)")
        }
        switch (error, cooperative) {
        case (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, true):
            report(rd_kafka_incremental_assign(handle, list), "incremental_assign")
        case (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, false):
            _ = rd_kafka_assign(handle, list)
        case (RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS, true):
            report(rd_kafka_incremental_unassign(handle, list), "incremental_unassign")
        default:
            _ = rd_kafka_assign(handle, nil)
        }
    }

    func rebalance(
        handle: OpaquePointer, error: rd_kafka_resp_err_t, list: NativePartitionList, handler: RebalanceHandler
    ) {
        let partitions = list.topicPartitions
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if let offsets = handler.assigned(partitions, self) {
                let byPartition = Dictionary(offsets.map { ($0.topicPartition, $0) }, uniquingKeysWith: { $1 })
                for index in list.elements.indices {
                    let element = list.elements[index]
                    let key = TopicPartition(String(cString: element.topic), element.partition)
                    if let offset = byPartition[key]?.offset { list.elements[index].offset = offset }
                }
            }
            logger.info("partitions assigned: \(partitions.map(\.description).joined(separator: ", "))")
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(handle) != 0
            handler.revoked(partitions, lost, self)
            logger.info("partitions \(lost ? "lost" : "revoked"): \(partitions.map(\.description).joined(separator: ", "))")
        default:
            logger.error("rebalance failed: \(KafkaError(error, operation: "rebalance"))")
        }
        Self.applyRebalance(handle: handle, error: error, list: list.pointer, logger: logger)
    }
}
