import Foundation
import Kafka
import Testing

@Suite("Producing and consuming on the embedded broker")
struct RoundTripTests {
    @Test("100,000 messages round-trip with keys, headers and timestamps, exactly")
    func roundTrip() throws {
        let broker = try EmbeddedBroker(topics: ["round-trip": 4], logger: KafkaTestSupport.logger)
        let producer = try KafkaTestSupport.producer(broker, ["linger.ms": "20", "batch.num.messages": "10000"])
        let count = 100_000
        for index in 0..<count {
            try producer.send(
                KafkaOutgoingMessage(
                    topic: "round-trip", partition: Int32(index % 4), key: Array("key-\(index % 37)".utf8),
                    value: Array(#"{"n":\#(index)}"#.utf8),
                    headers: index % 10 == 0 ? [KafkaHeader("index", "\(index)"), KafkaHeader(name: "null", value: nil)] : [],
                    timestamp: 1_700_000_000_000 + Int64(index)))
        }
        let summary = try producer.flush()
        #expect(summary.delivered == count)
        #expect(summary.failures.isEmpty)

        let consumer = try KafkaTestSupport.consumer(broker, group: "round-trip")
        try consumer.subscribe(["round-trip"])
        var seen = [Bool](repeating: false, count: count)
        var received = 0
        var problems: [String] = []
        KafkaTestSupport.poll([consumer], seconds: 60, until: { received >= count }) { _, message in
            received += 1
            guard let value = message.value, let text = String(validating: value, as: UTF8.self),
                let index = Int(text.dropFirst(5).dropLast())
            else {
                problems.append("undecodable value at \(message.partition)@\(message.offset)")
                return
            }
            if seen[index] { problems.append("duplicate \(index)") }
            seen[index] = true
            if message.partition != Int32(index % 4) { problems.append("\(index) on partition \(message.partition)") }
            if message.keyString != "key-\(index % 37)" { problems.append("\(index) has key \(message.keyString ?? "nil")") }
            if message.timestamp?.milliseconds != 1_700_000_000_000 + Int64(index) { problems.append("\(index) timestamp") }
            let headers = message.headers
            if index % 10 == 0 {
                if headers != [KafkaHeader("index", "\(index)"), KafkaHeader(name: "null", value: nil)] {
                    problems.append("\(index) headers \(headers)")
                }
            } else if !headers.isEmpty {
                problems.append("\(index) has unexpected headers")
            }
        }
        #expect(received == count)
        #expect(seen.allSatisfy { $0 })
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        for partition in Int32(0)..<4 {
            let marks = try consumer.watermarks(of: TopicPartition("round-trip", partition))
            #expect(marks.low == 0 && marks.high == Int64(count / 4))
        }
        try consumer.close()
    }

    @Test("a null value and an empty value stay distinct")
    func nullAndEmptyValues() throws {
        let broker = try EmbeddedBroker(topics: ["values": 1], logger: KafkaTestSupport.logger)
        let producer = try KafkaTestSupport.producer(broker)
        try producer.send(KafkaOutgoingMessage(topic: "values", value: nil))
        try producer.send(KafkaOutgoingMessage(topic: "values", key: [], value: []))
        try producer.flush()
        let consumer = try KafkaTestSupport.consumer(broker, group: "values")
        try consumer.assign([CommittedOffset(TopicPartition("values", 0), offset: 0)])
        var values: [[UInt8]?] = []
        var keys: [[UInt8]?] = []
        KafkaTestSupport.poll([consumer], until: { values.count == 2 }) { _, message in
            values.append(message.value.map(Array.init))
            keys.append(message.key.map(Array.init))
        }
        #expect(values == [nil, []])
        #expect(keys == [nil, []])
    }

    @Test("messages produced while the broker is down are delivered once it is back, none lost")
    func brokerDownDuringProduction() throws {
        let broker = try EmbeddedBroker(topics: ["outage": 2], logger: KafkaTestSupport.logger)
        let producer = try KafkaTestSupport.producer(broker, ["message.timeout.ms": "60000"])
        for index in 0..<1_000 {
            try producer.send(KafkaOutgoingMessage(topic: "outage", key: Array("k\(index)".utf8), value: Array("\(index)".utf8)))
        }
        try producer.flush()
        try broker.setBrokerDown(1)
        for index in 1_000..<2_000 {
            try producer.send(KafkaOutgoingMessage(topic: "outage", key: Array("k\(index)".utf8), value: Array("\(index)".utf8)))
        }
        producer.poll(timeoutMilliseconds: 1_500)
        #expect(producer.outstandingMessages > 0, "nothing can be delivered while the broker is down")
        try broker.setBrokerUp(1)
        let summary = try producer.flush(timeoutMilliseconds: 60_000)
        #expect(summary.failures.isEmpty)
        #expect(summary.delivered == 1_000)

        let consumer = try KafkaTestSupport.consumer(broker, group: "outage")
        try consumer.assign((0..<2).map { CommittedOffset(TopicPartition("outage", $0), offset: 0) })
        var values = Set<String>()
        var received = 0
        KafkaTestSupport.poll([consumer], until: { received >= 2_000 }) { _, message in
            received += 1
            values.insert(String(decoding: message.value ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self))
        }
        #expect(received == 2_000, "idempotence: no duplicates")
        #expect(values == Set((0..<2_000).map(String.init)))
    }
}
