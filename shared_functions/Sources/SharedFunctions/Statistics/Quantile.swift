/// Quantiles and medians of sorted samples.
public enum Quantile {
    /// The `q`-quantile of ascending `sorted` values by linear interpolation between closest ranks:
    /// the same rule, arithmetic included, as numpy's default (`method="linear"`), so notebooks
    /// comparing against `numpy.quantile` see identical numbers.
    ///
    /// With `n` values the virtual index is `h = (n - 1) q`; the result interpolates between
    /// `sorted[floor(h)]` and the next value with weight `h - floor(h)`.
    /// Returns `nil` for an empty array.
    public static func linear(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let count = Double(sorted.count)
        let virtualIndex = (count - 1) * q
        let lowerIndex = virtualIndex.rounded(.down)
        let gamma = virtualIndex - lowerIndex
        let lower = min(max(Int(lowerIndex), 0), sorted.count - 1)
        let upper = min(lower + 1, sorted.count - 1)
        return interpolate(sorted[lower], sorted[upper], gamma)
    }

    /// The median of ascending `sorted` values (the 0.5-quantile above), `nil` when empty.
    public static func median(_ sorted: [Double]) -> Double? {
        linear(sorted, 0.5)
    }

    /// numpy's `_lerp`: `a + (b - a) t`, computed from the nearer end to keep it monotonic and exact
    /// at `t = 1`.
    static func interpolate(_ a: Double, _ b: Double, _ t: Double) -> Double {
        let difference = b - a
        guard difference.isFinite else { return a * (1 - t) + b * t }  // a and b near ±Double.greatestFiniteMagnitude
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }
}
