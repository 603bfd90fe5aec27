import MicroBatching

/// One batch a notebook assembled itself, as columns: what ``BatchApply`` takes as JSON lines.
/// The rows are validated as ``BatchApply`` validates them (any bad row is an error naming it),
/// sorted by (event time, row) and handed to the function as one ``WindowBatch``.
public struct ColumnarBatch {
    public let table: ColumnTable
    public let timeColumn: String
    /// `[start, end)` of the batch's window; `nil`: from the first to the last event time.
    public let window: (start: Int64, end: Int64)?
    public let key: String?

    public init(table: ColumnTable, timeColumn: String, window: (start: Int64, end: Int64)?, key: String?) {
        self.table = table
        self.timeColumn = timeColumn
        self.window = window
        self.key = key
    }
}

extension FunctionCodec {
    /// Reads every row of `batch`, then applies the function.
    func apply(_ batch: ColumnarBatch) throws(RunError) -> [[UInt8]] {
        guard let columnReader else {
            throw .columnsUnsupported(function: Function.name)
        }
        let reader = try columnReader.bind(batch.table, function: Function.name)
        var times = ColumnEventTime(try batch.table.column(batch.timeColumn, role: "time", types: ColumnEventTime.types))
        var records: [BatchRecord<Function.Input>] = []
        records.reserveCapacity(batch.table.rows)
        for row in 0..<batch.table.rows {
            let time: Int64
            switch times.read(row) {
            case .success(let value): time = value
            case .failure(let failure): throw RunError.invalidRecord(failure.message, row: row)
            }
            if let window = batch.window, window.start < window.end, !(window.start..<window.end).contains(time) {
                throw RunError.invalidRecord("event time \(time) ms is outside the window [\(window.start), \(window.end)) ms", row: row)
            }
            let input: Function.Input
            do {
                input = try reader.read(row: row)
            } catch {
                throw RunError(
                    FunctionError(
                        .invalidRecord, invalidRecordMessage(error, recordIndex: row), function: Function.name, recordIndex: row),
                    row: row)
            }
            records.append(BatchRecord(eventTime: time, partition: 0, offset: Int64(row), key: batch.key, value: input))
        }
        records.sort(by: BatchRecord.precedes)
        let window = try BatchApply.window(batch.window, first: records.first?.eventTime, last: records.last?.eventTime)
        do {
            return try apply(WindowBatch(window: window, key: batch.key, records: records))
        } catch {
            throw RunError(error)
        }
    }
}
