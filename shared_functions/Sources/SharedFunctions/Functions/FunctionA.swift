import MicroBatching

/// `function_a`: statistics of one numeric field over the records of a window.
///
/// Outputs one ``Output`` per non-empty batch: count, sum, mean, min, max, sample standard
/// deviation (`null` when fewer than two values), p50/p95/p99, and the first and last event
/// time of the batch. Percentiles use linear interpolation between closest ranks, the same rule
/// as numpy's default `linear` method (`numpy.quantile(x, q)`). Values that are `null` or not
/// finite are counted in `invalid` and excluded from every statistic. Summation is compensated
/// (Neumaier), so sums of millions of values stay exact to the last bits. An empty batch has no
/// output.
public enum FunctionA: WindowFunction {
    public typealias Input = NumericField

    public static let name = "function_a"
    public static let version = "1.0.0"
    public static let summary = "Windowed statistics of a numeric field: count, sum, mean, min, max, stddev, p50/p95/p99"

    public static let outputFields = [
        OutputField("count", .integer, "number of finite values summarised"),
        OutputField("invalid", .integer, "records whose field was null or not finite"),
        OutputField("sum", .number, nullable: true, "compensated sum"),
        OutputField("mean", .number, nullable: true, "arithmetic mean"),
        OutputField("min", .number, nullable: true, "smallest value"),
        OutputField("max", .number, nullable: true, "largest value"),
        OutputField("stddev", .number, nullable: true, "sample standard deviation; null below two values"),
        OutputField("p50", .number, nullable: true, "median (numpy's linear quantile)"),
        OutputField("p95", .number, nullable: true, "95th percentile (numpy's linear quantile)"),
        OutputField("p99", .number, nullable: true, "99th percentile (numpy's linear quantile)"),
        OutputField("first_event_time", .integer, "event time (ms) of the batch's first record"),
        OutputField("last_event_time", .integer, "event time (ms) of the batch's last record"),
    ]

    /// Parameters of `function_a`.
    public struct Parameters: FunctionParameters {
        /// The JSON field holding the number to summarise.
        public var field = NumericField.defaultFieldName

        public init() {}

        public static var definitions: [ParameterDefinition<Self>] {
            [.string("field", \.field, "JSON field holding the number to summarise", allowed: .nonEmpty)]
        }
    }

    /// The statistics of one batch. Statistics over no valid value are `null`.
    public struct Output: Codable, Sendable, Equatable {
        /// Number of finite values summarised.
        public var count: Int
        /// Number of records whose field was `null` or not finite.
        public var invalid: Int
        public var sum: Double?
        public var mean: Double?
        public var min: Double?
        public var max: Double?
        /// Sample standard deviation (divisor `count - 1`); `null` when `count < 2`.
        public var stddev: Double?
        public var p50: Double?
        public var p95: Double?
        public var p99: Double?
        /// Event time (ms) of the batch's first record.
        public var firstEventTime: Int64
        /// Event time (ms) of the batch's last record.
        public var lastEventTime: Int64

        enum CodingKeys: String, CodingKey {
            case count, invalid, sum, mean, min, max, stddev, p50, p95, p99
            case firstEventTime = "first_event_time"
            case lastEventTime = "last_event_time"
        }

        /// Encodes every key, writing `null` for missing statistics so the shape never varies.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encode(invalid, forKey: .invalid)
            try container.encode(sum, forKey: .sum)
            try container.encode(mean, forKey: .mean)
            try container.encode(min, forKey: .min)
            try container.encode(max, forKey: .max)
            try container.encode(stddev, forKey: .stddev)
            try container.encode(p50, forKey: .p50)
            try container.encode(p95, forKey: .p95)
            try container.encode(p99, forKey: .p99)
            try container.encode(firstEventTime, forKey: .firstEventTime)
            try container.encode(lastEventTime, forKey: .lastEventTime)
        }
    }

    public static func decodingContext(for parameters: Parameters) -> [CodingUserInfoKey: any Sendable] {
        [NumericField.fieldNameKey: parameters.field]
    }

    public static func apply(_ batch: WindowBatch<NumericField>, parameters: Parameters) -> [Output] {
        guard let first = batch.records.first, let last = batch.records.last else { return [] }
        var values: [Double] = []
        values.reserveCapacity(batch.records.count)
        for record in batch.records {
            if let value = record.value.value, value.isFinite { values.append(value) }
        }
        let statistics = SummaryStatistics(finiteValues: values)
        return [
            Output(
                count: statistics.count, invalid: batch.records.count - values.count,
                sum: statistics.sum, mean: statistics.mean, min: statistics.minimum, max: statistics.maximum,
                stddev: statistics.standardDeviation, p50: statistics.p50, p95: statistics.p95, p99: statistics.p99,
                firstEventTime: first.eventTime, lastEventTime: last.eventTime)
        ]
    }
}

extension FunctionA: SpecializedFunction {
    /// The pipeline compiled for `Input` (see `SpecializedFunction`).
    struct Pipeline: SpecializedPipeline { var base: TypedFunctionPipeline<FunctionA> }
}
