import Foundation

/// The parts of librdkafka's statistics (`statistics.interval.ms`) that the product reports:
/// client-wide counters and, per partition, the consumer lag. Decoded from librdkafka's JSON.
public struct KafkaStatistics: Decodable, Sendable {
    /// The client instance name.
    public let name: String
    /// Client type: `producer` or `consumer`.
    public let type: String
    /// Messages waiting in producer queues.
    public let messagesInQueue: Int
    /// Total messages transmitted (produced) and received (consumed).
    public let transmittedMessages: Int
    public let receivedMessages: Int
    /// Per topic, per partition statistics.
    public let topics: [String: Topic]
    /// The client's broker connections, by name.
    public let brokers: [String: Broker]

    /// One broker connection: its state (`UP`, `DOWN`, `CONNECT`, ...) and node id (-1 for the
    /// bootstrap placeholders).
    public struct Broker: Decodable, Sendable {
        public let state: String
        public let nodeID: Int32

        enum CodingKeys: String, CodingKey {
            case state
            case nodeID = "nodeid"
        }
    }

    public struct Topic: Decodable, Sendable {
        public let partitions: [String: Partition]
    }

    public struct Partition: Decodable, Sendable {
        public let partition: Int32
        /// Messages between the consumer's position and the high watermark (-1 when unknown).
        public let consumerLag: Int64
        public let highWatermark: Int64
        public let committedOffset: Int64

        enum CodingKeys: String, CodingKey {
            case partition
            case consumerLag = "consumer_lag"
            case highWatermark = "hi_offset"
            case committedOffset = "committed_offset"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, type, topics, brokers
        case messagesInQueue = "msg_cnt"
        case transmittedMessages = "txmsgs"
        case receivedMessages = "rxmsgs"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(String.self, forKey: .type)
        messagesInQueue = try container.decode(Int.self, forKey: .messagesInQueue)
        transmittedMessages = try container.decode(Int.self, forKey: .transmittedMessages)
        receivedMessages = try container.decode(Int.self, forKey: .receivedMessages)
        topics = try container.decodeIfPresent([String: Topic].self, forKey: .topics) ?? [:]
        brokers = try container.decodeIfPresent([String: Broker].self, forKey: .brokers) ?? [:]
    }

    /// Brokers of the cluster (not bootstrap placeholders) with an established connection.
    public var reachableBrokers: Int {
        brokers.values.filter { $0.nodeID >= 0 && $0.state == "UP" }.count
    }

    /// Consumer lag summed over the assigned partitions (partitions with unknown lag count 0).
    public var totalConsumerLag: Int64 {
        topics.values.flatMap(\.partitions.values).filter { $0.partition >= 0 }.reduce(0) { $0 + max($1.consumerLag, 0) }
    }
}
