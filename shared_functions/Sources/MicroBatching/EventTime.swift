/// Event-time arithmetic shared by window assignment and the engine.
///
/// Every time is an `Int64` count of milliseconds since the Unix epoch. Times are limited to
/// ``supportedRange`` (about ±146 million years) so that window bounds and `end + grace` can never
/// overflow; records outside it are rejected as values, never trapped on.
public enum EventTime {
    /// Event times the window model accepts: `-2^61 ..< 2^61` milliseconds.
    public static let supportedRange: Range<Int64> = (-(1 << 61))..<(1 << 61)

    /// Largest window size, advance or grace accepted by ``WindowSpecification``: 2^52 ms
    /// (about 142,000 years), which keeps every sum of a supported time and a duration in `Int64`.
    public static let maximumDuration: Int64 = 1 << 52

    /// The largest multiple of `step` that is less than or equal to `time` (floor division that is
    /// also correct for times before the epoch). `step` must be positive.
    @inlinable
    public static func floor(_ time: Int64, toMultipleOf step: Int64) -> Int64 {
        let remainder = time % step
        return remainder < 0 ? time - remainder - step : time - remainder
    }
}
