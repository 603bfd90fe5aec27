import MicroBatching
import SharedFunctions

/// One pipeline: an input topic cut into windows, a function from the registry on each closed
/// window, results to an output topic, bad and late records to a dead-letter topic.
public struct PipelineConfiguration: Sendable {
    /// What happens to a record that arrives after its windows closed.
    public enum LatePolicy: String, Sendable, CaseIterable {
        case deadLetter = "dead-letter"
        case drop
    }

    /// Delivery guarantee.
    public enum Guarantee: String, Sendable, CaseIterable {
        /// Produce, wait for every delivery report, then commit offsets with the checkpoint.
        case atLeastOnce = "at-least-once"
        /// Results, dead letters and offsets in one Kafka transaction per commit interval.
        case exactlyOnce = "exactly-once"
    }

    /// Unique name; part of the consumer group and of every output's provenance.
    public var name: String
    public var inputTopic: String
    public var outputTopic: String
    public var deadLetterTopic: String
    /// The function with its validated parameters.
    public var function: PreparedFunction
    public var engine: EngineConfiguration
    /// JSON field holding the event time (epoch ms or ISO-8601); `nil`: the Kafka timestamp.
    public var eventTimeField: String?
    public var latePolicy: LatePolicy
    public var guarantee: Guarantee
    /// How often progress is committed (ms).
    public var commitInterval: Int64
    /// Buffered bytes above which the partitions furthest ahead are paused.
    public var maximumBufferedBytes: Int

    static let keys: Set<String> = [
        "name", "input", "output", "dead_letters", "function", "parameters", "window", "scope", "time", "event_time_field",
        "idle_timeout", "max_clock_skew", "late_records", "guarantee", "commit_interval", "max_buffered_bytes",
    ]

    /// Reads and validates one pipeline entry of the pipelines file.
    init(_ node: ConfigurationNode, registry: FunctionRegistry) throws {
        let mapping = try node.mapping(allowedKeys: Self.keys)
        name = try node.child("name").string()
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ConfigurationError(key: "\(node.path).name", "may contain only letters, digits, '-', '_' and '.' (got \"\(name)\")")
        }
        inputTopic = try node.child("input").string()
        outputTopic = try node.child("output").string()
        deadLetterTopic = try node.child("dead_letters").string(default: "\(inputTopic).dead-letters")
        try Self.requireDistinctTopics(input: inputTopic, output: outputTopic, deadLetters: deadLetterTopic, at: node.path)
        let functionName = try node.child("function").string()
        let parameters = try Self.jsonObject(node.child("parameters"))
        do {
            function = try registry.prepare(functionName, parameters: parameters)
        } catch {
            let key = error.parameter.map { "\(node.path).parameters.\($0)" } ?? "\(node.path).function"
            throw ConfigurationError(key: key, error.message)
        }
        let specification = try Self.windowSpecification(node.child("window"))
        do {
            engine = try EngineConfiguration(
                window: specification, scope: try node.child("scope").choice(default: BatchScope.key),
                time: try node.child("time").choice(default: TimeMode.eventTime),
                idleTimeout: node.child("idle_timeout").isAbsent ? 30_000 : try node.child("idle_timeout").optionalDuration(),
                maximumClockSkew: node.child("max_clock_skew").isAbsent
                    ? 3_600_000 : try node.child("max_clock_skew").optionalDuration())
        } catch let error as EngineConfigurationError {
            throw ConfigurationError(key: node.path, error.message)
        }
        eventTimeField = try node.child("event_time_field").optionalString()
        latePolicy = try node.child("late_records").choice(default: LatePolicy.deadLetter)
        guarantee = try node.child("guarantee").choice(default: Guarantee.atLeastOnce)
        commitInterval = try node.child("commit_interval").duration(default: 1_000)
        maximumBufferedBytes = try node.child("max_buffered_bytes").integer(
            default: 256 << 20, allowed: (1 << 20)...(1 << 40))
        _ = mapping
    }

    /// The `window` mapping: fixed windows (`size`, optional `advance`), session windows
    /// (`session_gap`, optional `max_duration`), each with an optional `grace`, or count windows
    /// (`count`, optional `advance` in records, no grace); one kind only.
    static func windowSpecification(_ window: ConfigurationNode) throws -> WindowSpecification {
        let fixedKeys = ["size", "advance"]
        let sessionKeys = ["session_gap", "max_duration"]
        let mapping = try window.mapping(allowedKeys: Set(fixedKeys + sessionKeys + ["grace", "count"]))
        let present = Set(mapping.keys)
        let kinds = "a window is fixed (size, advance), a session (session_gap, max_duration) or a count (count, advance)"
        do {
            if present.contains("count") {
                if let other = (["size", "grace"] + sessionKeys).first(where: present.contains) {
                    throw ConfigurationError(key: "\(window.path).\(other)", "cannot be combined with count: \(kinds)")
                }
                let count = try window.child("count").integer(allowed: 1...Int(WindowSpecification.maximumRecordsPerCountWindow))
                let advance = try window.child("advance").integer(default: count, allowed: 1...count)
                return try .count(Int64(count), advance: Int64(advance))
            }
            let grace = try window.child("grace").duration(default: 0, allowZero: true)
            if present.contains("session_gap") {
                if let fixed = fixedKeys.first(where: present.contains) {
                    throw ConfigurationError(key: "\(window.path).\(fixed)", "cannot be combined with session_gap: \(kinds)")
                }
                return try .session(
                    gap: try window.child("session_gap").duration(),
                    grace: grace,
                    maximumDuration: try window.child("max_duration").duration(default: WindowSpecification.defaultMaximumSessionDuration))
            }
            if present.contains("max_duration") {
                throw ConfigurationError(key: "\(window.path).max_duration", "applies to session windows only: add session_gap, or remove it")
            }
            let size = try window.child("size").duration()
            return try WindowSpecification(size: size, advance: try window.child("advance").duration(default: size), grace: grace)
        } catch let error as WindowSpecificationError {
            throw ConfigurationError(key: "\(window.path)", error.message)
        }
    }

    /// A pipeline that wrote to the topic it reads would read its own results and dead letters
    /// again (a feedback loop); results and dead letters in one topic could not be told apart.
    static func requireDistinctTopics(input: String, output: String, deadLetters: String, at path: String) throws {
        let clashes = [
            ("output", output, "input", input, "the pipeline would read its own results"),
            ("dead_letters", deadLetters, "input", input, "the pipeline would read its own dead letters"),
            ("dead_letters", deadLetters, "output", output, "results and dead letters would share a topic"),
        ]
        for (key, value, otherKey, otherValue, consequence) in clashes where value == otherValue {
            throw ConfigurationError(
                key: "\(path).\(key)", "equals \(path).\(otherKey) (both \"\(value)\"): \(consequence); name another topic")
        }
    }

    /// A JSON object of function parameters from a configuration mapping.
    static func jsonObject(_ node: ConfigurationNode) throws -> [String: JSONValue] {
        if node.isAbsent { return [:] }
        let mapping = try node.mapping(allowedKeys: Set(((node.value as? [String: Any]) ?? [:]).keys))
        var members: [String: JSONValue] = [:]
        for (key, value) in mapping {
            switch value {
            case let bool as Bool: members[key] = .bool(bool)
            case let integer as Int: members[key] = .number(Double(integer))
            case let number as Double: members[key] = .number(number)
            case let string as String: members[key] = .string(string)
            default:
                throw ConfigurationError(key: "\(node.path).\(key)", "must be a string, a number or a boolean")
            }
        }
        return members
    }
}
