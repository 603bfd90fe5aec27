import Foundation
import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("function_a: windowed statistics")
struct FunctionATests {
    let defaults = FunctionA.Parameters()

    func statistics(_ values: [Double?], eventTimes: [Int64]? = nil) throws -> FunctionA.Output {
        try #require(FunctionA.apply(TestBatches.numeric(values, eventTimes: eventTimes), parameters: defaults).first)
    }

    /// Reference, Python 3.11:
    /// xs = [2.5, -1.0, 7.25, 3.0, 3.0, 10.0, 0.5, 4.75, -2.0, 6.0]
    /// float(sum(map(Fraction, xs))) == 34.0; statistics.fmean(xs) == 3.4
    /// statistics.stdev(xs) == 3.727152621863863   (exact rational arithmetic, then rounded)
    /// numpy 2.4 np.quantile(xs, [0.5, 0.95, 0.99]) == [3.0, 8.762499999999998, 9.752500000000001]
    @Test("known values match statistics and numpy references")
    func knownValues() throws {
        let output = try statistics([2.5, -1.0, 7.25, 3.0, 3.0, 10.0, 0.5, 4.75, -2.0, 6.0])
        #expect(output.count == 10)
        #expect(output.invalid == 0)
        #expect(output.sum == 34.0)
        #expect(output.mean == 3.4)
        #expect(output.min == -2.0)
        #expect(output.max == 10.0)
        #expect(abs(try #require(output.stddev) - 3.727152621863863) <= 4e-16 * 3.727152621863863)
        #expect(output.p50 == 3.0)
        #expect(output.p95 == 8.762499999999998)
        #expect(output.p99 == 9.752500000000001)
        #expect(output.firstEventTime == 0)
        #expect(output.lastEventTime == 9_000)
    }

    @Test("an empty batch has no output")
    func emptyBatch() {
        #expect(FunctionA.apply(TestBatches.numeric([]), parameters: defaults).isEmpty)
    }

    @Test("a single record has every statistic equal to it and no standard deviation")
    func singleRecord() throws {
        let output = try statistics([-42.5])
        #expect(output.count == 1)
        #expect([output.sum, output.mean, output.min, output.max, output.p50, output.p95, output.p99].allSatisfy { $0 == -42.5 })
        #expect(output.stddev == nil)
    }

    @Test("all-equal values give zero deviation and equal percentiles")
    func allEqualValues() throws {
        let output = try statistics(Array(repeating: 0.1, count: 1_001))
        #expect(output.stddev == 0)
        #expect(output.mean == 0.1)
        #expect(output.p50 == 0.1 && output.p99 == 0.1)
    }

    @Test("null, NaN and infinities are counted as invalid and excluded")
    func nonFiniteValuesAreInvalid() throws {
        let output = try statistics([1, .nan, 2, .infinity, nil, -.infinity, 3])
        #expect(output.count == 3)
        #expect(output.invalid == 4)
        #expect(output.sum == 6 && output.mean == 2 && output.min == 1 && output.max == 3)
        #expect(output.stddev == 1)
    }

    @Test("a batch with only invalid values reports them and null statistics")
    func onlyInvalidValues() throws {
        let output = try statistics([.nan, nil])
        #expect(output.count == 0 && output.invalid == 2)
        #expect(output.sum == nil && output.mean == nil && output.p50 == nil && output.stddev == nil)
        let json = String(decoding: try JSONEncoder().encode(output), as: UTF8.self)
        #expect(json.contains("\"mean\":null") && json.contains("\"stddev\":null"))
    }

    /// Reference: 1e300 * [1, 2, 3, 4] has mean 2.5e300 and sample deviation
    /// 1e300 * sqrt(5/3) = 1.2909944487358056e300 (Python: math.sqrt(5/3) * 1e300).
    @Test("magnitudes near 1e300 neither overflow the deviation nor lose the mean")
    func hugeMagnitudes() throws {
        let output = try statistics([1e300, 2e300, 3e300, 4e300])
        #expect(output.mean == 2.5e300)
        #expect(abs(try #require(output.stddev) / 1.2909944487358056e300 - 1) < 1e-15)
        let overflowing = try statistics([1.5e308, 1.5e308, 1.5e308])
        #expect(overflowing.sum == nil, "the sum 4.5e308 is not representable")
        #expect(overflowing.mean == 1.5e308)
        #expect(overflowing.stddev == 0)
    }

    /// Reference: statistics.stdev([1e-300, 2e-300, 3e-300]) == 1e-300 and fmean == 2e-300.
    @Test("tiny magnitudes keep full precision")
    func tinyMagnitudes() throws {
        let output = try statistics([1e-300, 2e-300, 3e-300])
        #expect(abs(try #require(output.mean) / 2e-300 - 1) < 1e-15)
        #expect(abs(try #require(output.stddev) / 1e-300 - 1) < 1e-15)
    }

    @Test("negative values and duplicate timestamps")
    func negativeValuesAndDuplicateTimestamps() throws {
        let output = try statistics([-3, -1, -2, -1], eventTimes: [5, 5, 5, 7])
        #expect(output.sum == -7 && output.min == -3 && output.max == -1)
        #expect(output.p50 == -1.5)
        #expect(output.firstEventTime == 5 && output.lastEventTime == 7)
    }

    @Test("unsorted input gives the same output as sorted input")
    func arrivalOrderDoesNotMatter() throws {
        let values: [Double] = (0..<200).map { Double(($0 * 7_919) % 101) - 50.5 }
        let times: [Int64] = (0..<200).map { Int64(($0 * 31) % 200) * 10 }
        let reference = try statistics(values, eventTimes: times)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let order = Array(0..<200).shuffled(using: &generator)
            let shuffled = try statistics(order.map { values[$0] }, eventTimes: order.map { times[$0] })
            #expect(shuffled == reference)
        }
    }

    /// 1,000,000 values: the repeating triple (1e16, 1, -1e16) for the first 999,999, then 0.5.
    /// Exact sum: 333,333 triples of 1 plus 0.5 = 333333.5; naive left-to-right summation gives 0.5
    /// (1e16 + 1 rounds back to 1e16), pairwise summation is also wrong here.
    @Test("a 1,000,000-record batch has an exact sum and mean")
    func millionRecordsExactSum() throws {
        var values: [Double?] = []
        values.reserveCapacity(1_000_000)
        for index in 0..<999_999 { values.append([1e16, 1, -1e16][index % 3]) }
        values.append(0.5)
        let output = try statistics(values)
        #expect(output.count == 1_000_000)
        #expect(output.sum == 333_333.5)
        #expect(output.mean == 333_333.5 / 1_000_000)
    }

    @Test("the field parameter selects the JSON field read")
    func fieldParameterSelectsTheField() throws {
        let function = try FunctionRegistry.standard.prepare("function_a", parameters: ["field": .string("temperature")])
        let batch = WindowBatch(
            window: TestBatches.window, key: nil,
            records: [
                BatchRecord(eventTime: 1, offset: 0, value: Array(#"{"temperature": 20.5, "value": 1}"#.utf8)),
                BatchRecord(eventTime: 2, offset: 1, value: Array(#"{"temperature": 21.5, "value": 1}"#.utf8)),
            ])
        let output = try JSONDecoder().decode(FunctionA.Output.self, from: Data(try #require(try function.run(batch).first)))
        #expect(output.mean == 21.0)
    }
}
