import Foundation
import MicroBatching
import Testing

@testable import SharedFunctions

@Suite("function_b: robust z-score anomalies")
struct FunctionBTests {
    /// Reference, numpy 2.4:
    /// a = [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.3, 25.0, 10.1, 9.7]
    /// med = np.quantile(a, 0.5) == 10.05; mad = np.quantile(abs(a - med), 0.5) == 0.14999999999999947
    /// 0.6745 * (25.0 - med) / mad == 67.2251666666669, the only |score| > 3.5
    @Test("a spike is flagged with its score, median and MAD")
    func spikeIsFlagged() throws {
        let values: [Double?] = [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.3, 25.0, 10.1, 9.7]
        let outputs = FunctionB.apply(TestBatches.numeric(values), parameters: .init())
        #expect(outputs.count == 1)
        let anomaly = try #require(outputs.first)
        #expect(anomaly.value == 25.0)
        #expect(anomaly.eventTime == 7_000)
        #expect(anomaly.key == "sensor-1")
        #expect(anomaly.median == 10.05)
        #expect(anomaly.mad == 0.14999999999999947)
        #expect(anomaly.score == 67.2251666666669)
    }

    /// Reference: a = [5.0] * 8 + [9.0, 1.0]; median 5, MAD 0, mean |a - 5| = 0.8;
    /// (9 - 5) / (1.253314 * 0.8) == 3.989423241103187 > 3.5, and -3.989423241103187 for 1.0.
    @Test("when MAD is 0 the score falls back to the mean absolute deviation")
    func madZeroFallsBackToMeanAbsoluteDeviation() {
        let values: [Double?] = Array(repeating: 5.0, count: 8) + [9.0, 1.0]
        let outputs = FunctionB.apply(TestBatches.numeric(values), parameters: .init())
        #expect(outputs.map(\.value) == [9.0, 1.0])
        #expect(outputs.map(\.score) == [3.989423241103187, -3.989423241103187])
        #expect(outputs.allSatisfy { $0.mad == 0 && $0.median == 5 })
    }

    @Test("all-equal values flag nothing")
    func allEqualValuesFlagNothing() {
        #expect(FunctionB.apply(TestBatches.numeric(Array(repeating: 3, count: 50)), parameters: .init()).isEmpty)
    }

    @Test("fewer finite values than min_records give no output")
    func minRecordsIsRespected() {
        let values: [Double?] = [1, 1, 1, 1, 1, 1, 100, .nan, nil]
        #expect(FunctionB.apply(TestBatches.numeric(values), parameters: .init()).isEmpty)
        var parameters = FunctionB.Parameters()
        parameters.minRecords = 7
        #expect(FunctionB.apply(TestBatches.numeric(values), parameters: parameters).map(\.value) == [100])
    }

    @Test("the threshold decides which records are anomalous")
    func thresholdIsRespected() {
        let values: [Double?] = [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.3, 25.0, 10.1, 9.7]
        var parameters = FunctionB.Parameters()
        parameters.threshold = 100
        #expect(FunctionB.apply(TestBatches.numeric(values), parameters: parameters).isEmpty)
        parameters.threshold = 0.5
        #expect(FunctionB.apply(TestBatches.numeric(values), parameters: parameters).count > 1)
    }

    @Test("empty and single-record batches give no output; NaN and infinities are ignored")
    func degenerateBatches() {
        #expect(FunctionB.apply(TestBatches.numeric([]), parameters: .init()).isEmpty)
        var parameters = FunctionB.Parameters()
        parameters.minRecords = 1
        #expect(FunctionB.apply(TestBatches.numeric([4]), parameters: parameters).isEmpty)
        let values: [Double?] = [10.0, 10.2, 9.9, .infinity, 10.1, 10.0, .nan, 9.8, 10.3, 25.0, 10.1, 9.7]
        #expect(FunctionB.apply(TestBatches.numeric(values), parameters: .init()).map(\.value) == [25.0])
    }

    @Test("outputs follow batch order and do not depend on arrival order")
    func arrivalOrderDoesNotMatter() {
        let values: [Double?] = [-40, 10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.3, 25.0, 10.1, 9.7]
        let times: [Int64] = [9, 1, 2, 3, 4, 5, 6, 7, 0, 8, 10]
        let reference = FunctionB.apply(TestBatches.numeric(values, eventTimes: times), parameters: .init())
        #expect(reference.map(\.eventTime) == [0, 9])
        let reversed = FunctionB.apply(
            TestBatches.numeric(values.reversed(), eventTimes: times.reversed()), parameters: .init())
        #expect(reversed == reference)
    }

    @Test("a record without a key takes the batch key")
    func recordKeyFallsBackToBatchKey() {
        let batch = TestBatches.numeric([1, 1, 1, 1, 1, 1, 1, 1, 1, 50], key: nil)
        let keyed = WindowBatch(window: batch.window, key: "batch-key", records: batch.records)
        #expect(FunctionB.apply(keyed, parameters: .init()).map(\.key) == ["batch-key"])
    }

    @Test("an outlier whose score overflows is still flagged, at the largest finite score")
    func overflowingScoreIsFlagged() throws {
        let values: [Double?] = (0..<9).map { Double($0) / 100 } + [1e308]
        let outputs = FunctionB.apply(TestBatches.numeric(values), parameters: .init())
        #expect(outputs.map(\.value) == [1e308])
        #expect(outputs.first?.score == .greatestFiniteMagnitude)
        let json = try JSONEncoder().encode(try #require(outputs.first))
        #expect(!json.isEmpty)
        let spanning: [Double?] = Array(repeating: -1.7e308, count: 5) + Array(repeating: 1.7e308, count: 5)
        #expect(FunctionB.apply(TestBatches.numeric(spanning), parameters: .init()).isEmpty, "no finite scale exists")
    }
}
