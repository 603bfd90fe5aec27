/// How the engine cuts streams into batches. Validated on creation by its parts
/// (``WindowSpecification``) and by ``init(window:scope:time:idleTimeout:maximumClockSkew:)``.
public struct EngineConfiguration: Sendable, Hashable {
    /// Window size, advance and grace.
    public var window: WindowSpecification
    /// Batches per key (default) or one per window for the whole topic.
    public var scope: BatchScope
    /// Event time (default) or processing time.
    public var time: TimeMode
    /// Wall-clock silence (ms) after which a partition counts as idle: its stream time then
    /// advances with the clock, and `global` scope stops waiting for it. `nil`: never idle.
    public var idleTimeout: Int64?
    /// Records whose event time is more than this many ms ahead of the clock are rejected, so one
    /// bogus timestamp cannot close every open window. `nil`: no check (replays of old data).
    public var maximumClockSkew: Int64?

    public init(
        window: WindowSpecification, scope: BatchScope = .key, time: TimeMode = .eventTime, idleTimeout: Int64? = nil,
        maximumClockSkew: Int64? = nil
    ) throws(EngineConfigurationError) {
        if let idleTimeout, idleTimeout <= 0 || idleTimeout > EventTime.maximumDuration {
            throw EngineConfigurationError(
                "idle_timeout must be between 1 and \(EventTime.maximumDuration) ms, or absent (idle_timeout \(idleTimeout) ms)")
        }
        if let maximumClockSkew, maximumClockSkew < 0 || maximumClockSkew > EventTime.maximumDuration {
            throw EngineConfigurationError(
                "max_clock_skew must be between 0 and \(EventTime.maximumDuration) ms, or absent (max_clock_skew \(maximumClockSkew) ms)")
        }
        if window.isCount, scope == .global {
            throw EngineConfigurationError(
                "count windows are per key: scope 'global' would number records of all partitions in arrival order, "
                    + "which no replay reproduces; use scope 'key' (allowed with count windows: key)")
        }
        self.window = window
        self.scope = scope
        self.time = time
        self.idleTimeout = idleTimeout
        self.maximumClockSkew = maximumClockSkew
    }
}

/// Why an engine configuration was refused; the message names the key and the allowed values.
public struct EngineConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}
