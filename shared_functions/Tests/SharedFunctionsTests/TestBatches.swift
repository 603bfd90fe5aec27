import MicroBatching
import SharedFunctions

/// Builders for batches used across the function tests.
enum TestBatches {
    static let window = Window(start: 0, end: 300_000)!

    /// A batch of `values`, one record per value, event times 1 s apart unless given.
    static func numeric(_ values: [Double?], eventTimes: [Int64]? = nil, key: String? = "sensor-1")
        -> WindowBatch<NumericField>
    {
        let records = values.enumerated().map { index, value in
            BatchRecord(
                eventTime: eventTimes?[index] ?? Int64(index) * 1_000, partition: 0, offset: Int64(index), key: key,
                value: NumericField(value))
        }
        return WindowBatch(window: window, key: key, records: records)
    }
}
