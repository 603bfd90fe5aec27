import Foundation
import Kafka
import Testing

@Suite("Transactions")
struct TransactionTests {
    func transactionalProducer(_ broker: EmbeddedBroker, id: String) throws -> KafkaProducer {
        let producer = try KafkaTestSupport.producer(broker, ["transactional.id": id, "transaction.timeout.ms": "10000"])
        try producer.initTransactions()
        return producer
    }

    @Test("a transaction with messages and consumer offsets commits end to end")
    func transactionCommits() throws {
        let broker = try EmbeddedBroker(topics: ["in": 1, "out": 1], logger: KafkaTestSupport.logger)
        let consumer = try KafkaTestSupport.consumer(broker, group: "txn", ["isolation.level": "read_committed"])
        try consumer.assign([CommittedOffset(TopicPartition("in", 0), offset: 0)])
        let producer = try transactionalProducer(broker, id: "txn-commit")
        try producer.beginTransaction()
        for index in 0..<10 { try producer.send(KafkaOutgoingMessage(topic: "out", value: Array("\(index)".utf8))) }
        try producer.sendOffsetsToTransaction(
            [CommittedOffset(TopicPartition("in", 0), offset: 42, metadata: "mb1;42;;;1000/1000/0")], consumer: consumer)
        try producer.commitTransaction()

        let reader = try KafkaTestSupport.consumer(broker, group: "reader", ["isolation.level": "read_committed"])
        try reader.assign([CommittedOffset(TopicPartition("out", 0), offset: 0)])
        var values: [String] = []
        KafkaTestSupport.poll([reader], until: { values.count == 10 }) { _, message in
            values.append(String(decoding: message.value ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self))
        }
        #expect(values == (0..<10).map(String.init))
    }

    /// librdkafka treats these as abortable: the producer bumps its epoch and the application
    /// aborts, rewinds and retries.
    @Test(
        "an injected abortable error is classified as abortable, and abort then retry succeeds",
        arguments: [(KafkaRequest.endTxn, KafkaErrorCode.unknownProducerId), (.addPartitionsToTxn, .topicAuthorizationFailed)])
    func abortableErrorThenRetry(request: KafkaRequest, code: KafkaErrorCode) throws {
        let broker = try EmbeddedBroker(topics: ["out": 1], logger: KafkaTestSupport.logger)
        let producer = try transactionalProducer(broker, id: "txn-\(request)")
        try producer.beginTransaction()
        broker.injectErrors([code], on: request)
        var failure: KafkaError?
        do {
            try producer.send(KafkaOutgoingMessage(topic: "out", value: Array("lost".utf8)))
            try producer.commitTransaction()
        } catch {
            failure = error
        }
        let error = try #require(failure, "the injected error must surface")
        #expect(error.requiresAbort, "\(error)")
        #expect(!error.isFatal, "\(error)")
        #expect(error.operation.contains("transaction"))
        try producer.abortTransaction()

        try producer.beginTransaction()
        try producer.send(KafkaOutgoingMessage(topic: "out", value: Array("kept".utf8)))
        try producer.commitTransaction()
    }

    @Test("a fenced producer is classified as fatal; coordinator errors are retried by librdkafka")
    func fatalAndRetriableErrors() throws {
        let broker = try EmbeddedBroker(topics: ["out": 1], logger: KafkaTestSupport.logger)
        let producer = try transactionalProducer(broker, id: "txn-retriable")
        try producer.beginTransaction()
        broker.injectErrors([.notCoordinator, .coordinatorNotAvailable], on: .endTxn)
        try producer.send(KafkaOutgoingMessage(topic: "out", value: Array("retried".utf8)))
        try producer.commitTransaction()

        let fenced = try transactionalProducer(broker, id: "txn-fenced")
        try fenced.beginTransaction()
        broker.injectErrors([.invalidProducerEpoch], on: .endTxn)
        do {
            try fenced.send(KafkaOutgoingMessage(topic: "out", value: Array("fenced".utf8)))
            try fenced.commitTransaction()
            Issue.record("a fenced producer cannot commit")
        } catch {
            #expect(error.isFatal, "\(error)")
            #expect(error.description.contains("restart"))
        }
    }
}
