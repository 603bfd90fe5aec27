import Synchronization

/// The engine's only source of wall-clock time, injected so tests and replays control it.
///
/// The engine reads it once per ingest call and once per close call: for processing-time stamps,
/// for the idle rule and for the clock-skew check.
public protocol EngineClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Int64
}

/// A clock that stands still unless moved: the deterministic clock for tests and replays.
public final class ManualClock: EngineClock {
    private let milliseconds: Atomic<Int64>

    /// Creates a clock reading `milliseconds`.
    public init(_ milliseconds: Int64 = 0) {
        self.milliseconds = Atomic(milliseconds)
    }

    public func now() -> Int64 { milliseconds.load(ordering: .relaxed) }

    /// Sets the clock to `milliseconds`.
    public func set(_ milliseconds: Int64) { self.milliseconds.store(milliseconds, ordering: .relaxed) }

    /// Moves the clock by `milliseconds`.
    public func advance(by milliseconds: Int64) {
        self.milliseconds.add(milliseconds, ordering: .relaxed)
    }
}
