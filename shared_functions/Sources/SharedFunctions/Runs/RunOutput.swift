import MicroBatching

/// Collects a ``WindowRun``'s results, late records and dead letters as JSON, in engine order.
struct RunOutput {
    struct Counts {
        var records = 0
        var buffered = 0
        var late = 0
        var deadLetters = 0
        /// Records the engine had already seen (none in a run: each row is a fresh offset).
        var skipped = 0
        var windows = 0
        var outputs = 0
    }

    var counts = Counts()
    private var windows = JSONWriter(reservingCapacity: 1 << 16)
    private var lateRecords = JSONWriter()
    private var deadLetters = JSONWriter()

    mutating func deadLetter(row: Int, _ refusal: RecordRefusal) {
        counts.deadLetters += 1
        if counts.deadLetters > 1 { deadLetters.raw(",") }
        deadLetters.raw("{\"row\":\(row),\"kind\":")
        deadLetters.string(refusal.kind.rawValue)
        deadLetters.raw(",\"message\":")
        deadLetters.string(refusal.message)
        deadLetters.raw("}")
    }

    mutating func late(row: Int, _ late: LateArrival) {
        counts.late += 1
        if counts.late > 1 { lateRecords.raw(",") }
        lateRecords.raw(
            "{\"row\":\(row),\"window_start\":\(late.window.start),\"window_end\":\(late.window.end),\"lateness_ms\":\(late.lateness)}")
    }

    /// Appends each closed window with the function's outcome. A window the function failed on is
    /// reported with its error and its records become dead letters of kind `function_failed`, as
    /// in production. `row` maps a record's partition and offset back to its row.
    mutating func append(_ closed: [ClosedWindow], row: (Int32, Int64) -> Int) {
        for window in closed {
            counts.windows += 1
            if counts.windows > 1 { windows.raw(",") }
            windows.raw("{\"window_start\":\(window.window.start),\"window_end\":\(window.window.end),\"key\":")
            windows.string(window.key)
            windows.raw(",\"close_reason\":\"\(window.reason.rawValue)\",\"record_count\":\(window.recordCount),")
            switch window.outcome {
            case .success(let outputs):
                counts.outputs += outputs.count
                windows.raw("\"outputs\":[")
                for (index, output) in outputs.enumerated() {
                    if index > 0 { windows.raw(",") }
                    windows.raw(output)
                }
                windows.raw("]}")
            case .failure(let error):
                windows.raw("\"outputs\":[],\"error\":")
                windows.raw(RunError(error).json)
                windows.raw("}")
                for record in window.failedRecords {
                    deadLetter(row: row(record.partition, record.offset), RecordRefusal(.functionFailed, error.message))
                }
            }
        }
    }

    func envelope() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: windows.bytes.count + lateRecords.bytes.count + deadLetters.bytes.count + 256)
        writer.raw("{\"ok\":{\"windows\":[")
        writer.raw(windows.bytes)
        writer.raw("],\"late\":[")
        writer.raw(lateRecords.bytes)
        writer.raw("],\"dead_letters\":[")
        writer.raw(deadLetters.bytes)
        writer.raw(
            "],\"counts\":{\"records\":\(counts.records),\"buffered\":\(counts.buffered),\"late\":\(counts.late),"
                + "\"dead_letters\":\(counts.deadLetters),\"windows\":\(counts.windows),\"outputs\":\(counts.outputs)}}}")
        return writer.bytes
    }
}
