import MicroBatching

/// `function_b`: records whose value is anomalous within their window, by robust z-score.
///
/// For the finite values `x` of the batch, with `median` and `MAD = median(|x - median|)`
/// (medians as `numpy.quantile(x, 0.5)`):
/// - the score is `0.6745 * (x - median) / MAD`;
/// - when `MAD == 0` (more than half the values equal), the score falls back to
///   `(x - median) / (1.253314 * meanAD)` with `meanAD = mean(|x - median|)`;
/// - when both are 0 (all values equal) nothing is anomalous.
///
/// A record is anomalous when `|score| > threshold`; one ``Output`` per anomalous record, in batch
/// order. A score beyond `Double`'s range is reported as ±`Double.greatestFiniteMagnitude`. Batches with fewer than `min_records` finite values have no output. `null` and
/// non-finite values are ignored.
public enum FunctionB: WindowFunction {
    public typealias Input = NumericField

    public static let name = "function_b"
    public static let version = "1.0.0"
    public static let summary = "Anomalous records in the window by robust z-score (median and MAD)"

    public static let outputFields = [
        OutputField("key", .string, nullable: true, "the record's message key (or the batch key)"),
        OutputField("event_time", .integer, "the record's event time in ms"),
        OutputField("value", .number, "the anomalous value"),
        OutputField("score", .number, "signed robust z-score"),
        OutputField("median", .number, "median of the window's finite values"),
        OutputField("mad", .number, "median absolute deviation from the median"),
    ]

    /// Scales MAD to the standard deviation of a normal distribution (the 0.75 quantile of N(0, 1)).
    static let madConsistency = 0.6745
    /// Scales the mean absolute deviation to the standard deviation of a normal distribution (√(π/2)).
    static let meanAbsoluteDeviationConsistency = 1.253314

    /// Parameters of `function_b`.
    public struct Parameters: FunctionParameters {
        /// The JSON field holding the number to test.
        public var field = NumericField.defaultFieldName
        /// Absolute robust z-score above which a record is anomalous.
        public var threshold = 3.5
        /// Fewest finite values a batch needs before anything is flagged.
        public var minRecords = 8

        public init() {}

        public static var definitions: [ParameterDefinition<Self>] {
            [
                .string("field", \.field, "JSON field holding the number to test", allowed: .nonEmpty),
                .number(
                    "threshold", \.threshold, "Absolute robust z-score above which a record is anomalous",
                    allowed: .positive),
                .integer(
                    "min_records", \.minRecords, "Fewest finite values a window needs before anything is flagged",
                    allowed: .within(1...1_000_000_000)),
            ]
        }
    }

    /// One anomalous record.
    public struct Output: Codable, Sendable, Equatable {
        /// The record's message key (or the batch key).
        public var key: String?
        /// The record's event time in ms.
        public var eventTime: Int64
        public var value: Double
        /// The robust z-score (signed).
        public var score: Double
        /// Median of the batch's finite values.
        public var median: Double
        /// Median absolute deviation from the median.
        public var mad: Double

        enum CodingKeys: String, CodingKey {
            case key
            case eventTime = "event_time"
            case value, score, median, mad
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(eventTime, forKey: .eventTime)
            try container.encode(value, forKey: .value)
            try container.encode(score, forKey: .score)
            try container.encode(median, forKey: .median)
            try container.encode(mad, forKey: .mad)
        }
    }

    public static func decodingContext(for parameters: Parameters) -> [CodingUserInfoKey: any Sendable] {
        [NumericField.fieldNameKey: parameters.field]
    }

    public static func apply(_ batch: WindowBatch<NumericField>, parameters: Parameters) -> [Output] {
        let finite = batch.records.compactMap { record -> (record: BatchRecord<NumericField>, value: Double)? in
            guard let value = record.value.value, value.isFinite else { return nil }
            return (record, value)
        }
        guard finite.count >= parameters.minRecords,
            let median = Quantile.median(finite.map(\.value).sorted())
        else { return [] }
        let deviations = finite.map { abs($0.value - median) }
        // Deviations beyond Double's range (values spanning ±1.8e308) leave no usable scale.
        guard let mad = Quantile.median(deviations.sorted()), mad.isFinite else { return [] }
        let score: (Double) -> Double
        if mad > 0 {
            score = { madConsistency * ($0 - median) / mad }
        } else {
            let meanDeviation = CompensatedSum.of(deviations) / Double(deviations.count)
            guard meanDeviation > 0, meanDeviation.isFinite else { return [] }
            score = { ($0 - median) / (meanAbsoluteDeviationConsistency * meanDeviation) }
        }
        return finite.compactMap { entry in
            // A score beyond Double's range (an extreme outlier) is the most anomalous of all: report
            // it at the largest finite magnitude, since JSON has no infinity.
            let raw = score(entry.value)
            guard !raw.isNaN else { return nil }
            let score = raw.isFinite ? raw : (raw > 0 ? Double.greatestFiniteMagnitude : -Double.greatestFiniteMagnitude)
            guard abs(score) > parameters.threshold else { return nil }
            return Output(
                key: entry.record.key ?? batch.key, eventTime: entry.record.eventTime, value: entry.value,
                score: score, median: median, mad: mad)
        }
    }
}

extension FunctionB: SpecializedFunction {
    /// The pipeline compiled for `Input` (see `SpecializedFunction`).
    struct Pipeline: SpecializedPipeline { var base: TypedFunctionPipeline<FunctionB> }
}
