import Testing

@testable import SharedFunctions

@Suite("Compensated summation and quantiles")
struct StatisticsTests {
    @Test("compensated summation recovers what naive summation loses")
    func compensatedSummation() {
        #expect(CompensatedSum.of([1e16, 1, -1e16]) == 1)
        #expect(CompensatedSum.of([1, 1e100, 1, -1e100]) == 2)
        #expect(CompensatedSum.of(Array(repeating: 0.1, count: 10)) == 1.0)
        #expect(CompensatedSum.of([]) == 0)
    }

    /// Reference: numpy 2.4, np.quantile([1, 2, 3, 4], q) for q in (0, 0.25, 0.5, 0.95, 1)
    /// == [1.0, 1.75, 2.5, 3.8499999999999996, 4.0]
    @Test(
        "quantiles follow numpy's linear method",
        arguments: [(0.0, 1.0), (0.25, 1.75), (0.5, 2.5), (0.95, 3.8499999999999996), (1.0, 4.0)])
    func linearQuantile(q: Double, expected: Double) {
        #expect(Quantile.linear([1, 2, 3, 4], q) == expected)
    }

    @Test("quantiles of empty, single and extreme samples")
    func quantileEdgeCases() {
        #expect(Quantile.linear([], 0.5) == nil)
        #expect(Quantile.linear([7], 0.99) == 7)
        let extreme = Quantile.linear([-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude], 0.5)
        #expect(extreme == 0)
    }
}
