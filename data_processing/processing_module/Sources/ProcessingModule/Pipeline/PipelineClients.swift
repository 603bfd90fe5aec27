import Foundation
import Kafka
import MicroBatching

/// The librdkafka properties a pipeline's clients get under the pipelines file's `kafka:` ones.
enum PipelineClients {
    /// A 1 ms linger, so the results of a closing window go out together and at once (5 ms was a
    /// third of the window-close latency); at-least-once never gives up on a message (`message.timeout.ms` 0), exactly-once
    /// keeps librdkafka's timeout (a transaction must end) and gets its `transactional.id`.
    static func producerDefaults(_ configuration: PipelineConfiguration, groupID: String) -> [String: String] {
        guard configuration.guarantee == .exactlyOnce else { return ["message.timeout.ms": "0", "linger.ms": "1"] }
        return ["linger.ms": "1", "transactional.id": transactionalID(configuration, groupID: groupID)]
    }

    /// The group `<group_id>.<pipeline>`, statistics every 5 s (lag and broker reachability for
    /// health), and `fetch.wait.max.ms` 10 (librdkafka: 500). Kafka answers a fetch as soon as a
    /// record arrives, but the embedded broker holds it this long, which set the window-close latency
    /// there (p50 64 ms at 100); the cost is up to 100 empty fetches a second per broker while the
    /// input is idle. Raise it to save requests on a large, mostly idle fleet.
    static func consumerDefaults(_ configuration: PipelineConfiguration, groupID: String) -> [String: String] {
        ["group.id": "\(groupID).\(configuration.name)", "statistics.interval.ms": "5000", "fetch.wait.max.ms": "10"]
    }

    /// In `global` scope the id is fixed, so a second instance fences the first; in `key` scope
    /// each instance has its own (EOS v2 fences zombies through the group).
    static func transactionalID(_ configuration: PipelineConfiguration, groupID: String) -> String {
        let base = "\(groupID).\(configuration.name)"
        return configuration.engine.scope == .global ? base : "\(base).\(UUID().uuidString.prefix(8))"
    }
}
