import Kafka

/// What a pipeline produces, typed end to end: a window's result or a dead letter. `run`
/// produces it to Kafka, `replay` prints it, `verify` recomputes it and the demo shows it; only
/// ``OutputHeaders`` turns it into headers.
public enum PipelineOutput: Sendable, Hashable {
    case result(WindowResult)
    case deadLetter(DeadLetter)

    /// The topic it goes to.
    public var topic: String {
        switch self {
        case .result(let result): result.topic
        case .deadLetter(let letter): letter.topic
        }
    }

    public var key: [UInt8]? {
        switch self {
        case .result(let result): result.key
        case .deadLetter(let letter): letter.key
        }
    }

    public var value: [UInt8]? {
        switch self {
        case .result(let result): result.value
        case .deadLetter(let letter): letter.value
        }
    }

    public var headers: [KafkaHeader] {
        switch self {
        case .result(let result): result.headers
        case .deadLetter(let letter): letter.headers
        }
    }

    /// The value of header `name`.
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.stringValue }

    /// The record to produce.
    public var outgoing: KafkaOutgoingMessage {
        switch self {
        case .result(let result): result.outgoing
        case .deadLetter(let letter): letter.outgoing
        }
    }
}
