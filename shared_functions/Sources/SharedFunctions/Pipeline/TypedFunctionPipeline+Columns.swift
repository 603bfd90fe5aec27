import MicroBatching

extension TypedFunctionPipeline {
    mutating func bindColumns(_ table: ColumnTable) throws(RunError) {
        guard let reader = codec.columnReader else {
            throw .columnsUnsupported(function: Function.name)
        }
        boundColumns = try reader.bind(table, function: Function.name)
    }

    mutating func scanRow(_ row: Int, eventTime: Int64, byteCount: Int) -> RecordRefusal? {
        guard let boundColumns else { preconditionFailure("scanRow(_:eventTime:byteCount:) before bindColumns(_:)") }
        do {
            scanned = (try boundColumns.read(row: row), eventTime, byteCount)
            return nil
        } catch {
            scanned = nil
            return RecordRefusal(.invalidInput, codec.invalidRecordMessage(error, recordIndex: row))
        }
    }
}
