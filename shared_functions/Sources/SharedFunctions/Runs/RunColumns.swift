import MicroBatching

/// The columns a columnar ``WindowRun`` reads besides the function's input: event time, key and
/// partition, checked once against the request.
struct RunColumns {
    var time: ColumnEventTime
    /// The engine's key ID of each dictionary string of the key column (interned once, not per row).
    private let keyIDs: [KeyID]
    private let key: Column?
    let partition: Column?
    /// What the engine counts per buffered record (8 bytes a column read).
    let bytesPerRow: Int

    init(request: WindowRunRequest, table: ColumnTable, pipeline: inout any FunctionPipeline) throws(RunError) {
        time = ColumnEventTime(try table.column(request.timeField, role: "time", types: ColumnEventTime.types))
        key = try request.keyField.map { name throws(RunError) in try table.column(name, role: "key", types: [.text]) }
        partition = try request.partitionField.map { name throws(RunError) in
            try table.column(name, role: "partition", types: [.int64])
        }
        try pipeline.bindColumns(table)
        var ids: [KeyID] = []
        if let key {
            ids.reserveCapacity(key.dictionaryCount)
            for code in 0..<key.dictionaryCount { ids.append(pipeline.keyID(key.text(code: code))) }
        }
        keyIDs = ids
        bytesPerRow = 8 * table.columns.count
    }

    /// The key ID of row `row` (the absent key without a key column or for a missing value).
    func keyID(_ row: Int) -> KeyID {
        guard let key, key.isPresent(row) else { return 0 }
        return keyIDs[key.code(row)]
    }
}
