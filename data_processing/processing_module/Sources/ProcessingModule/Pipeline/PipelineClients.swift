import Foundation
import Kafka
import MicroBatching

/// The librdkafka properties a pipeline's clients get under the pipelines file's `kafka:` ones.
enum PipelineClients {
    /// A short linger, so the results of a closing window go out together and within
    /// milliseconds; at-least-once never gives up on a message (`message.timeout.ms` 0), exactly-once
    /// keeps librdkafka's timeout (a transaction must end) and gets its `transactional.id`.
    static func producerDefaults(_ configuration: PipelineConfiguration, groupID: String) -> [String: String] {
        guard configuration.guarantee == .exactlyOnce else { return ["message.timeout.ms": "0", "linger.ms": "5"] }
        return ["linger.ms": "5", "transactional.id": transactionalID(configuration, groupID: groupID)]
    }

    /// The group `<group_id>.<pipeline>`, statistics every 5 s (lag and broker reachability for
    /// health), and `fetch.wait.max.ms` 100 (librdkafka: 500): a broker holds an empty fetch at most
    /// this long, so a record arriving on a quiet topic is seen within about 100 ms; the cost is more
    /// fetch requests while idle. Lower it for latency (the benchmarks use 1), raise it to save requests.
    static func consumerDefaults(_ configuration: PipelineConfiguration, groupID: String) -> [String: String] {
        ["group.id": "\(groupID).\(configuration.name)", "statistics.interval.ms": "5000", "fetch.wait.max.ms": "100"]
    }

    /// In `global` scope the id is fixed, so a second instance fences the first; in `key` scope
    /// each instance has its own (EOS v2 fences zombies through the group).
    static func transactionalID(_ configuration: PipelineConfiguration, groupID: String) -> String {
        let base = "\(groupID).\(configuration.name)"
        return configuration.engine.scope == .global ? base : "\(base).\(UUID().uuidString.prefix(8))"
    }
}
