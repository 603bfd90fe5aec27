import MicroBatching

/// What became of a record offered to a ``FunctionPipeline``; every record gets exactly one.
public enum Admission: Sendable {
    /// Held by an open window.
    case buffered
    /// Handled before a restore, or delivered twice: nothing to do.
    case skipped
    /// Every window of the record had closed.
    case late(LateArrival)
    /// Refused: dead-letter it with the refusal's kind.
    case refused(RecordRefusal)
}

/// A record that came after every window it belongs to had closed: the latest of those windows,
/// and by how much stream time had passed its end.
public struct LateArrival: Sendable, Hashable {
    public let window: Window
    /// `closed_through - window.end` in ms of stream time, never negative.
    public let lateness: Int64

    public init(window: Window, lateness: Int64) {
        self.window = window
        self.lateness = lateness
    }
}

/// Why a record was refused, as its dead letter says it.
public struct RecordRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public let kind: DeadLetterKind
    public let message: String

    public init(_ kind: DeadLetterKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
