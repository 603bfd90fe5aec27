/// A Prometheus-style histogram of durations in seconds with fixed buckets.
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds of the buckets, in seconds.
    public static let bounds: [Double] = [0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]

    /// Observations at or below each bound (cumulative, as Prometheus expects).
    public private(set) var cumulativeCounts = [Int](repeating: 0, count: LatencyHistogram.bounds.count)
    public private(set) var count = 0
    public private(set) var sum = 0.0

    public init() {}

    public mutating func record(seconds: Double) {
        count += 1
        sum += seconds
        for (index, bound) in Self.bounds.enumerated() where seconds <= bound { cumulativeCounts[index] += 1 }
    }
}
