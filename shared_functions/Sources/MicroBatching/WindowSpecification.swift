/// A validated description of how event time is cut into windows, all in milliseconds. It
/// defines windows; the engine executes them.
///
/// Fixed windows are aligned to the Unix epoch: a window starts at every multiple of `advance`.
/// - Tumbling: `advance == size`; every time belongs to exactly one window.
/// - Hopping: `advance < size` and `advance` divides `size`; every time belongs to
///   `size / advance` windows.
///
/// Session windows (``session(gap:grace:maximumDuration:)``) follow activity: each record opens
/// the interval `[t, t + gap)`, and records whose intervals overlap are one session, reported as
/// `[first event time, last event time + gap)`. A session never crosses a multiple of its
/// maximum duration (held in `size` and `advance`): that bounds what a key that never goes quiet
/// can hold, deterministically.
///
/// Count windows (``count(_:advance:)``) follow a key's records in offset order within its
/// partition: window `j` holds the key's records `j × advance ..< j × advance + count`, counted
/// from the first record the key has in the partition (or since its windows last closed by the
/// idle rule). `size` and `advance` then count records, not milliseconds, and `grace` is 0: a
/// window closes when its last record arrives, so no record is ever late. Reported bounds are
/// `[earliest event time, latest event time + 1)` of the window's records.
///
/// `grace` is how long, in event time, a window waits after its end for out-of-order records:
/// a window closes when stream time reaches `end + grace`.
///
/// ```swift
/// let fiveMinutes = try WindowSpecification.tumbling(size: 300_000, grace: 10_000)
/// fiveMinutes.windows(containing: 301_000).first   // [300000, 600000)
/// let visits = try WindowSpecification.session(gap: 1_800_000, grace: 60_000)
/// ```
public struct WindowSpecification: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Window length in milliseconds (> 0).
    public let size: Int64
    /// Distance between consecutive window starts in milliseconds (> 0, divides `size`).
    public let advance: Int64
    /// Event-time delay in milliseconds after a window's end before it closes (>= 0).
    public let grace: Int64
    /// The inactivity gap of session windows in milliseconds; `nil` for fixed windows.
    public let gap: Int64?
    /// `true` for count windows: `size` and `advance` count records.
    public let isCount: Bool

    /// Most records one count window may hold: a key buffers up to this many records.
    public static let maximumRecordsPerCountWindow: Int64 = 1_000_000

    /// The maximum duration of a session unless configured: a day, so sessions end at midnight UTC
    /// at the latest, as web analytics cuts visits.
    public static let defaultMaximumSessionDuration: Int64 = 86_400_000

    /// Most windows one record may belong to (`size / advance`): closing reads a record once per window.
    public static let maximumWindowsPerRecord: Int64 = 10_000

    /// Tumbling windows of `size` milliseconds.
    public static func tumbling(size: Int64, grace: Int64 = 0) throws(WindowSpecificationError) -> Self {
        try Self(size: size, advance: size, grace: grace)
    }

    /// Hopping windows of `size` milliseconds starting every `advance` milliseconds.
    public static func hopping(
        size: Int64, advance: Int64, grace: Int64 = 0
    ) throws(WindowSpecificationError) -> Self {
        try Self(size: size, advance: advance, grace: grace)
    }

    /// Creates and validates a specification; `advance == size` means tumbling.
    public init(size: Int64, advance: Int64, grace: Int64 = 0) throws(WindowSpecificationError) {
        let refuse = WindowSpecificationError.init(code:message:)
        try Self.requirePositive([("size", size, .sizeNotPositive), ("advance", advance, .advanceNotPositive)], kind: "window")
        try Self.requireBounded([("size", size), ("advance", advance)], grace: grace, kind: "window")
        guard advance <= size else {
            throw refuse(
                .advanceLargerThanSize,
                "window advance must not exceed size (size \(size) ms, advance \(advance) ms); "
                    + "gaps between windows would drop records")
        }
        guard size % advance == 0 else {
            throw refuse(
                .advanceDoesNotDivideSize,
                "window advance must divide size (size \(size) ms, advance \(advance) ms)")
        }
        guard size / advance <= Self.maximumWindowsPerRecord else {
            throw refuse(
                .tooManyWindowsPerRecord,
                "a record may belong to at most \(Self.maximumWindowsPerRecord) hopping windows "
                    + "(size \(size) ms / advance \(advance) ms = \(size / advance)); use a larger advance")
        }
        self.size = size
        self.advance = advance
        self.grace = grace
        gap = nil
        isCount = false
    }

    /// Count windows of `count` records per key, starting every `advance` records (default:
    /// `count`, tumbling).
    public static func count(_ count: Int64, advance: Int64? = nil) throws(WindowSpecificationError) -> Self {
        try Self(recordCount: count, advance: advance ?? count)
    }

    init(recordCount count: Int64, advance: Int64) throws(WindowSpecificationError) {
        let refuse = WindowSpecificationError.init(code:message:)
        for (name, value) in [("count", count), ("advance", advance)] where value <= 0 {
            throw refuse(.countNotPositive, "count window \(name) must be greater than 0 records (\(name) \(value))")
        }
        guard count <= Self.maximumRecordsPerCountWindow else {
            throw refuse(
                .countTooLarge,
                "count window count must be at most \(Self.maximumRecordsPerCountWindow) records (count \(count)): "
                    + "each key buffers that many")
        }
        guard advance <= count else {
            throw refuse(
                .advanceLargerThanSize,
                "count window advance must not exceed count (count \(count), advance \(advance)); records between windows would be dropped")
        }
        guard (count + advance - 1) / advance <= Self.maximumWindowsPerRecord else {
            throw refuse(
                .tooManyWindowsPerRecord,
                "a record may belong to at most \(Self.maximumWindowsPerRecord) count windows (count \(count) / advance \(advance)); "
                    + "use a larger advance")
        }
        size = count
        self.advance = advance
        grace = 0
        gap = nil
        isCount = true
    }

    /// Session windows: records whose `[t, t + gap)` intervals overlap form one session, which
    /// closes when stream time reaches its last event time plus `gap` plus `grace`. Sessions are
    /// cut at every multiple of `maximumDuration` (epoch-aligned).
    public static func session(
        gap: Int64, grace: Int64 = 0, maximumDuration: Int64 = defaultMaximumSessionDuration
    ) throws(WindowSpecificationError) -> Self {
        try Self(gap: gap, grace: grace, maximumDuration: maximumDuration)
    }

    init(gap: Int64, grace: Int64, maximumDuration: Int64) throws(WindowSpecificationError) {
        let refuse = WindowSpecificationError.init(code:message:)
        try Self.requirePositive(
            [("gap", gap, .gapNotPositive), ("maximum duration", maximumDuration, .sizeNotPositive)], kind: "session")
        try Self.requireBounded([("gap", gap), ("maximum duration", maximumDuration)], grace: grace, kind: "session")
        guard gap <= maximumDuration else {
            throw refuse(
                .gapLongerThanMaximumDuration,
                "session gap must not exceed the maximum duration (gap \(gap) ms, maximum duration \(maximumDuration) ms)")
        }
        size = maximumDuration
        advance = maximumDuration
        self.grace = grace
        self.gap = gap
        isCount = false
    }

    /// Refuses a value that is not positive, naming it: `<kind> <name> must be greater than 0 ms`.
    static func requirePositive(
        _ values: [(name: String, value: Int64, code: WindowSpecificationError.Code)], kind: String
    ) throws(WindowSpecificationError) {
        for (name, value, code) in values where value <= 0 {
            throw WindowSpecificationError(code: code, message: "\(kind) \(name) must be greater than 0 ms (\(name) \(value) ms)")
        }
    }

    /// Refuses a negative grace and durations past ``EventTime/maximumDuration``, naming them.
    static func requireBounded(_ values: [(name: String, value: Int64)], grace: Int64, kind: String) throws(WindowSpecificationError) {
        guard grace >= 0 else {
            throw WindowSpecificationError(code: .graceNegative, message: "window grace must be 0 ms or more (grace \(grace) ms)")
        }
        for (name, value) in values + [("grace", grace)] where value > EventTime.maximumDuration {
            throw WindowSpecificationError(
                code: .durationTooLarge, message: "\(kind) \(name) must be at most \(EventTime.maximumDuration) ms (\(name) \(value) ms)")
        }
    }

    /// `true` for session windows.
    @inlinable
    public var isSession: Bool { gap != nil }

    /// Fixed (tumbling or hopping), session or count windows.
    @inlinable
    public var kind: WindowKind { isCount ? .count : gap != nil ? .session : .fixed }

    /// For session windows, the longest a session may last (sessions are cut at its multiples).
    public var maximumDuration: Int64? { gap == nil ? nil : size }

    /// `true` when fixed windows do not overlap (`advance == size`).
    public var isTumbling: Bool { gap == nil && !isCount && advance == size }

    /// How many windows contain any given time: `size / advance` (1 for sessions; for count
    /// windows, the most that contain a record).
    public var windowsPerRecord: Int { Int((size + advance - 1) / advance) }

    /// The window containing `eventTime` with the latest start (the last one to close).
    /// `eventTime` must lie in ``EventTime/supportedRange``.
    @inlinable
    public func latestWindow(containing eventTime: Int64) -> Window {
        let start = EventTime.floor(eventTime, toMultipleOf: advance)
        return Window(uncheckedStart: start, end: start + size)
    }

    /// Every window containing `eventTime`, earliest first (ascending end).
    /// `eventTime` must lie in ``EventTime/supportedRange``.
    public func windows(containing eventTime: Int64) -> [Window] {
        let latest = latestWindow(containing: eventTime)
        let count = windowsPerRecord
        return (0..<count).map { index in
            let start = latest.start - Int64(count - 1 - index) * advance
            return Window(uncheckedStart: start, end: start + size)
        }
    }

    public var description: String {
        if isCount {
            return advance == size ? "count(\(size) records)" : "count(\(size) records, advance: \(advance) records)"
        }
        if let gap {
            return "session(gap: \(gap) ms, maximum duration: \(size) ms, grace: \(grace) ms)"
        }
        return isTumbling
            ? "tumbling(size: \(size) ms, grace: \(grace) ms)"
            : "hopping(size: \(size) ms, advance: \(advance) ms, grace: \(grace) ms)"
    }

    private enum CodingKeys: String, CodingKey {
        case size, advance, grace, gap, count
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(size, forKey: .size)
        try container.encode(advance, forKey: .advance)
        try container.encode(grace, forKey: .grace)
        try container.encodeIfPresent(gap, forKey: .gap)
        if isCount { try container.encode(true, forKey: .count) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let grace = try container.decodeIfPresent(Int64.self, forKey: .grace) ?? 0
        do {
            if try container.decodeIfPresent(Bool.self, forKey: .count) == true {
                let count = try container.decode(Int64.self, forKey: .size)
                try self.init(recordCount: count, advance: try container.decodeIfPresent(Int64.self, forKey: .advance) ?? count)
            } else if let gap = try container.decodeIfPresent(Int64.self, forKey: .gap) {
                let maximumDuration = try container.decodeIfPresent(Int64.self, forKey: .size) ?? Self.defaultMaximumSessionDuration
                try self.init(gap: gap, grace: grace, maximumDuration: maximumDuration)
            } else {
                let size = try container.decode(Int64.self, forKey: .size)
                let advance = try container.decodeIfPresent(Int64.self, forKey: .advance) ?? size
                try self.init(size: size, advance: advance, grace: grace)
            }
        } catch let error as WindowSpecificationError {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }
}

/// The three shapes of window, each kept by its own store in the engine.
public enum WindowKind: String, Sendable, Hashable {
    /// Tumbling or hopping windows of event time.
    case fixed
    /// Windows of activity separated by a gap of inactivity.
    case session
    /// Windows of a number of a key's records.
    case count
}
