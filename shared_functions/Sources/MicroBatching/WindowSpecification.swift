/// A validated description of how event time is cut into windows: size, advance and grace,
/// all in milliseconds. It defines windows; the engine executes them.
///
/// Windows are aligned to the Unix epoch: a window starts at every multiple of `advance`.
/// - Tumbling: `advance == size`; every time belongs to exactly one window.
/// - Hopping: `advance < size` and `advance` divides `size`; every time belongs to
///   `size / advance` windows.
///
/// `grace` is how long, in event time, a window waits after its end for out-of-order records:
/// a window closes when stream time reaches `end + grace`.
///
/// ```swift
/// let fiveMinutes = try WindowSpecification.tumbling(size: 300_000, grace: 10_000)
/// fiveMinutes.windows(containing: 301_000).first   // [300000, 600000)
/// ```
public struct WindowSpecification: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Window length in milliseconds (> 0).
    public let size: Int64
    /// Distance between consecutive window starts in milliseconds (> 0, divides `size`).
    public let advance: Int64
    /// Event-time delay in milliseconds after a window's end before it closes (>= 0).
    public let grace: Int64

    /// Most windows one record may belong to (`size / advance`): each costs a reference per record.
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
        func refuse(_ code: WindowSpecificationError.Code, _ message: String) -> WindowSpecificationError {
            WindowSpecificationError(code: code, message: message)
        }
        guard size > 0 else {
            throw refuse(.sizeNotPositive, "window size must be greater than 0 ms (size \(size) ms)")
        }
        guard advance > 0 else {
            throw refuse(.advanceNotPositive, "window advance must be greater than 0 ms (advance \(advance) ms)")
        }
        guard grace >= 0 else {
            throw refuse(.graceNegative, "window grace must be 0 ms or more (grace \(grace) ms)")
        }
        for (name, value) in [("size", size), ("advance", advance), ("grace", grace)]
        where value > EventTime.maximumDuration {
            throw refuse(
                .durationTooLarge,
                "window \(name) must be at most \(EventTime.maximumDuration) ms (\(name) \(value) ms)")
        }
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
    }

    /// `true` when windows do not overlap (`advance == size`).
    public var isTumbling: Bool { advance == size }

    /// How many windows contain any given time: `size / advance`.
    public var windowsPerRecord: Int { Int(size / advance) }

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
        isTumbling
            ? "tumbling(size: \(size) ms, grace: \(grace) ms)"
            : "hopping(size: \(size) ms, advance: \(advance) ms, grace: \(grace) ms)"
    }

    private enum CodingKeys: String, CodingKey {
        case size, advance, grace
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let size = try container.decode(Int64.self, forKey: .size)
        let advance = try container.decodeIfPresent(Int64.self, forKey: .advance) ?? size
        let grace = try container.decodeIfPresent(Int64.self, forKey: .grace) ?? 0
        do {
            try self.init(size: size, advance: advance, grace: grace)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }
}
