import Foundation
import Kafka
import TestSupport
import Testing

@Suite("Consumer groups, rebalances and committed offsets")
struct ConsumerGroupTests {
    @Test("two consumers split the partitions; when one leaves the other resumes from its committed offsets and metadata")
    func groupSplitsAndTakesOver() throws {
        let topic = "group"
        let broker = try EmbeddedBroker(topics: [topic: 4], logger: KafkaTestSupport.logger)
        let producer = try KafkaTestSupport.producer(broker)
        for index in 0..<400 {
            try producer.send(KafkaOutgoingMessage(topic: topic, partition: Int32(index % 4), value: Array("\(index)".utf8)))
        }
        try producer.flush()

        // The rebalance handler reads committed offsets and metadata before each assignment.
        let restored = Box<[TopicPartition: CommittedOffset]>([:])
        let revokedBeforeUnassign = Box<[TopicPartition]>([])
        func handler() -> RebalanceHandler {
            RebalanceHandler(
                assigned: { partitions, consumer in
                    let committed = (try? consumer.committed(partitions)) ?? []
                    restored.update { for entry in committed { $0[entry.topicPartition] = entry } }
                    return committed
                },
                revoked: { partitions, _, consumer in
                    revokedBeforeUnassign.update { $0 += partitions }
                    #expect(Set(consumer.assignment).isSuperset(of: partitions), "the handler runs before the revoke")
                })
        }
        let first = try KafkaTestSupport.consumer(broker, group: "split", rebalance: handler())
        let second = try KafkaTestSupport.consumer(broker, group: "split", rebalance: handler())
        try first.subscribe([topic])
        try second.subscribe([topic])
        #expect(KafkaTestSupport.poll([first, second], until: { first.assignment.count == 2 && second.assignment.count == 2 }))
        #expect(Set(first.assignment).isDisjoint(with: second.assignment))

        // Consume the first half of each of the first consumer's partitions and commit with metadata.
        var consumedByFirst: [Int32: Int64] = [:]
        KafkaTestSupport.poll([first], seconds: 20, until: { consumedByFirst.values.reduce(0, +) >= 100 }) { _, message in
            consumedByFirst[message.partition, default: 0] = max(consumedByFirst[message.partition, default: 0], message.offset + 1)
        }
        let commits = first.assignment.map { partition in
            CommittedOffset(partition, offset: 50, metadata: "mb1;50;123;100;300000/300000/0")
        }
        try first.commit(commits)
        #expect(try first.committed(first.assignment).map(\.metadata) == commits.map(\.metadata))

        // The first consumer leaves; the second takes its partitions from the committed offsets.
        let handedOver = first.assignment
        try first.close()
        #expect(Set(revokedBeforeUnassign.value).isSuperset(of: handedOver))
        var firstOffsets: [TopicPartition: Int64] = [:]
        #expect(
            KafkaTestSupport.poll([second], until: {
                second.assignment.count == 4 && handedOver.allSatisfy { firstOffsets[$0] != nil }
            }) { _, message in
                let partition = TopicPartition(message.topic, message.partition)
                if firstOffsets[partition] == nil { firstOffsets[partition] = message.offset }
            })
        for partition in handedOver {
            #expect(firstOffsets[partition] == 50, "\(partition) resumes at its committed offset")
            #expect(restored.value[partition]?.metadata == "mb1;50;123;100;300000/300000/0")
        }
        try second.close()
    }

    @Test("pause stops delivery of a partition until resume; seek moves the position")
    func pauseResumeAndSeek() throws {
        let broker = try EmbeddedBroker(topics: ["pause": 2], logger: KafkaTestSupport.logger)
        let producer = try KafkaTestSupport.producer(broker)
        for index in 0..<200 {
            try producer.send(KafkaOutgoingMessage(topic: "pause", partition: Int32(index % 2), value: Array("\(index)".utf8)))
        }
        try producer.flush()
        let consumer = try KafkaTestSupport.consumer(broker, group: "pause")
        let zero = TopicPartition("pause", 0)
        let one = TopicPartition("pause", 1)
        try consumer.assign([CommittedOffset(zero, offset: 0), CommittedOffset(one, offset: 0)])
        try consumer.pause([one])
        var perPartition: [Int32: Int] = [:]
        KafkaTestSupport.poll([consumer], seconds: 3, until: { false }) { _, message in perPartition[message.partition, default: 0] += 1 }
        #expect(perPartition[0] == 100)
        #expect((perPartition[1] ?? 0) < 100, "partition 1 was paused")
        try consumer.resume([one])
        KafkaTestSupport.poll([consumer], until: { perPartition[1] == 100 }) { _, message in perPartition[message.partition, default: 0] += 1 }
        #expect(perPartition[1] == 100)
        #expect(consumer.lag(of: zero) == 0)

        try consumer.seek([CommittedOffset(zero, offset: 90)])
        var replayed: [Int64] = []
        KafkaTestSupport.poll([consumer], until: { replayed.count == 10 }) { _, message in replayed.append(message.offset) }
        #expect(replayed == Array(90..<100))
    }

    @Test("a consumer without group.id and a bad property are refused with the property named")
    func configurationErrors() throws {
        let broker = try EmbeddedBroker(logger: KafkaTestSupport.logger)
        #expect(throws: KafkaError.self) {
            try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: KafkaTestSupport.logger)
        }
        do {
            _ = try KafkaTestSupport.producer(broker, ["no.such.property": "1"])
            Issue.record("an unknown property must be refused")
        } catch {
            #expect("\(error)".contains("no.such.property"))
        }
        do {
            _ = try KafkaTestSupport.producer(broker, ["sasl.password": "hunter2", "security.protocol": "NOT-A-PROTOCOL"])
            Issue.record("an invalid security protocol must be refused")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
        let configuration = KafkaConfiguration(["sasl.password": "hunter2", "ssl.key.password": "k3y", "client.id": "x"])
        #expect(!configuration.description.contains("hunter2") && !configuration.description.contains("k3y"))
        #expect(configuration.description.contains("client.id=x"))
    }
}

/// librdkafka before 2.3.0 aborted when a cooperative-sticky consumer was destroyed after its
/// JoinGroup response chose the assignor but before its SyncGroup response brought the first
/// assignment (confluentinc/librdkafka#4312). The embedded broker holds each SyncGroup answer for
/// 3 s, and each consumer is closed and destroyed as soon as its group protocol is known (the
/// assignor is chosen), that is inside the window; an abort ends the whole test process.
@Suite("Consumers closed before their first assignment")
struct EarlyCloseTests {
    @Test("consumers closed between joining and their first assignment, many times in a row, close cleanly (librdkafka #4312)")
    func closeBeforeFirstAssignment() throws {
        let broker = try EmbeddedBroker(topics: ["early": 2], logger: KafkaTestSupport.logger)
        broker.setGroupInitialRebalanceDelay(milliseconds: 100)
        for round in 0..<12 {
            try broker.delayNextResponse(to: .syncGroup, milliseconds: 3_000)
            var consumer: KafkaConsumer? = try KafkaTestSupport.consumer(broker, group: "early-\(round)")
            try consumer?.subscribe(["early"])
            #expect(
                KafkaTestSupport.poll(consumer.map { [$0] } ?? [], seconds: 120, until: { consumer?.rebalanceProtocol == "COOPERATIVE" }),
                "round \(round): the consumer joined and its assignor is chosen")
            #expect(consumer?.assignment.isEmpty == true, "round \(round): no assignment yet")
            try consumer?.close()
            consumer = nil  // rd_kafka_destroy: where 2.0.2 aborted
        }
    }
}
