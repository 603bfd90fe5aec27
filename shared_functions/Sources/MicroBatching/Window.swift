/// A half-open interval of event time, `[start, end)`, in integer milliseconds since the Unix epoch.
///
/// A record with event time `t` belongs to the window when `start <= t < end`. Windows order by
/// their end first (the order in which they close), then by their start.
///
/// ```swift
/// let window = Window(start: 0, end: 300_000)   // the first 5 minutes of 1970
/// window.contains(299_999)                       // true
/// window.contains(300_000)                       // false: the end is exclusive
/// ```
public struct Window: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Inclusive start, in milliseconds since the Unix epoch.
    public let start: Int64
    /// Exclusive end, in milliseconds since the Unix epoch. Always greater than `start`.
    public let end: Int64

    /// Creates a window. Returns `nil` unless `start < end`, so no empty window can exist.
    public init?(start: Int64, end: Int64) {
        guard start < end else { return nil }
        self.start = start
        self.end = end
    }

    /// Creates a window whose bounds the caller has already checked (`start < end`).
    @inlinable
    init(uncheckedStart start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// The window's length in milliseconds.
    public var duration: Int64 { end - start }

    /// Whether `eventTime` (ms) falls inside `[start, end)`.
    public func contains(_ eventTime: Int64) -> Bool {
        start <= eventTime && eventTime < end
    }

    public var description: String { "[\(start), \(end))" }

    private enum CodingKeys: String, CodingKey {
        case start, end
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let start = try container.decode(Int64.self, forKey: .start)
        let end = try container.decode(Int64.self, forKey: .end)
        guard let window = Window(start: start, end: end) else {
            throw DecodingError.dataCorruptedError(
                forKey: .end, in: container,
                debugDescription: "window end \(end) must be greater than its start \(start)")
        }
        self = window
    }
}

extension Window: Comparable {
    /// Windows order by end (closing order), then by start.
    public static func < (lhs: Window, rhs: Window) -> Bool {
        (lhs.end, lhs.start) < (rhs.end, rhs.start)
    }
}
