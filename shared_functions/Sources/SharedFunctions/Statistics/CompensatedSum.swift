/// A running sum with Neumaier's compensation: the error stays near one rounding of the final
/// result however many terms are added, instead of growing with their count.
///
/// `[1e16, 1, -1e16]` sums to `1` here, where naive summation gives `0`.
public struct CompensatedSum: Sendable {
    private var sum = 0.0
    private var compensation = 0.0

    public init() {}

    /// Adds one term.
    public mutating func add(_ term: Double) {
        let total = sum + term
        if abs(sum) >= abs(term) {
            compensation += (sum - total) + term
        } else {
            compensation += (term - total) + sum
        }
        sum = total
    }

    /// The compensated total (non-finite when the terms overflow `Double`).
    public var value: Double { sum + compensation }

    /// Sums `terms` with compensation.
    public static func of<S: Sequence>(_ terms: S) -> Double where S.Element == Double {
        var total = CompensatedSum()
        for term in terms { total.add(term) }
        return total.value
    }
}
