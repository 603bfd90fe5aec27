import Foundation
import Kafka
import SharedFunctions
import Yams

/// The whole service: Kafka client properties shared by every pipeline, the consumer group
/// prefix, and the pipelines. Read from a YAML pipelines file and validated once at start-up.
///
/// ```yaml
/// kafka:                       # any librdkafka property, passed through
///   bootstrap.servers: localhost:9092
/// group_id: processing-module  # each pipeline's consumer group is "<group_id>.<pipeline name>"
/// pipelines:
///   - name: statistics
///     input: events
///     output: statistics
///     dead_letters: events.dead-letters
///     function: function_a
///     parameters: {field: value}
///     window: {size: 5m, grace: 30s}       # advance defaults to size (tumbling)
///     event_time_field: ts                 # absent: the Kafka timestamp
/// ```
public struct ServiceConfiguration: Sendable {
    public var kafka: KafkaConfiguration
    public var groupID: String
    public var pipelines: [PipelineConfiguration]

    static let keys: Set<String> = ["kafka", "group_id", "pipelines"]

    /// Parses a YAML (or JSON) document, applies `overrides` in order, and validates the result.
    public init(yaml text: String, overrides: [ConfigurationOverride] = [], registry: FunctionRegistry = .standard) throws {
        var document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw ConfigurationError(key: "(document)", "is not valid YAML: \(error)")
        }
        if !overrides.isEmpty {
            var mapping = document as? [String: Any] ?? [:]
            for override in overrides { try override.apply(to: &mapping) }
            document = mapping
        }
        let root = ConfigurationNode(document)
        _ = try root.mapping(allowedKeys: Self.keys)
        var properties: [String: String] = [:]
        let kafka = root.child("kafka")
        if !kafka.isAbsent {
            for (key, value) in try kafka.mapping(allowedKeys: Set(((kafka.value as? [String: Any]) ?? [:]).keys)) {
                properties[key] = "\(value)"
            }
        }
        self.kafka = KafkaConfiguration(properties)
        groupID = try root.child("group_id").string(default: "processing-module")
        pipelines = try root.child("pipelines").list().map { try PipelineConfiguration($0, registry: registry) }
        guard !pipelines.isEmpty else { throw ConfigurationError(key: "pipelines", "must list at least one pipeline") }
        var seen: Set<String> = []
        for (index, pipeline) in pipelines.enumerated() where !seen.insert(pipeline.name).inserted {
            throw ConfigurationError(key: "pipelines[\(index)].name", "\"\(pipeline.name)\" is used by another pipeline")
        }
    }

    /// Reads a pipelines file, then applies `overrides`.
    public init(contentsOf path: String, overrides: [ConfigurationOverride] = [], registry: FunctionRegistry = .standard) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: "(file)", "cannot read \(path): \(error.localizedDescription)")
        }
        try self.init(yaml: text, overrides: overrides, registry: registry)
    }
}
