/// Descriptive statistics of a sample of finite numbers, computed to stay accurate for large and
/// extreme samples.
///
/// - `sum` uses Neumaier-compensated summation, so its error does not grow with the count.
/// - `mean` is `sum / count`; when the sum overflows it is the compensated sum of `x / count`.
/// - `standardDeviation` is the sample deviation (divisor `count - 1`, numpy's `ddof=1`), computed
///   in two passes around the mean and scaled by the largest deviation so magnitudes near 1e300 do
///   not overflow; `nil` when `count < 2`.
/// - Quantiles follow ``Quantile/linear(_:_:)`` (numpy's default `linear` method).
///
/// Every statistic is `nil` for an empty sample, and so is any statistic that cannot be represented
/// as a finite `Double` (a sum beyond ±1.8e308).
public struct SummaryStatistics: Sendable, Equatable {
    public let count: Int
    public let sum: Double?
    public let mean: Double?
    public let minimum: Double?
    public let maximum: Double?
    public let standardDeviation: Double?
    public let p50: Double?
    public let p95: Double?
    public let p99: Double?

    /// Computes the statistics of `values`, which must all be finite.
    public init(finiteValues values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        let total = CompensatedSum.of(sorted)
        sum = total.isFinite && !sorted.isEmpty ? total : nil
        let mean = Self.mean(of: sorted, total: total)
        self.mean = mean
        minimum = sorted.first
        maximum = sorted.last
        standardDeviation = mean.flatMap { Self.sampleStandardDeviation(of: sorted, mean: $0) }
        p50 = Quantile.linear(sorted, 0.50)
        p95 = Quantile.linear(sorted, 0.95)
        p99 = Quantile.linear(sorted, 0.99)
    }

    private static func mean(of values: [Double], total: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let count = Double(values.count)
        if total.isFinite { return total / count }
        let scaled = CompensatedSum.of(values.lazy.map { $0 / count })
        return scaled.isFinite ? scaled : nil
    }

    private static func sampleStandardDeviation(of values: [Double], mean: Double) -> Double? {
        guard values.count >= 2 else { return nil }
        var scale = 0.0
        for value in values { scale = max(scale, abs(value - mean)) }
        guard scale > 0 else { return scale == 0 ? 0 : nil }
        guard scale.isFinite else { return nil }
        var squares = CompensatedSum()
        for value in values {
            let deviation = (value - mean) / scale
            squares.add(deviation * deviation)
        }
        let deviation = scale * (squares.value / Double(values.count - 1)).squareRoot()
        return deviation.isFinite ? deviation : nil
    }
}
