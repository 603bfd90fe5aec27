import MicroBatching

/// What a ``WindowRun`` counted.
struct RunCounts {
    var records = 0
    var buffered = 0
    var late = 0
    var deadLetters = 0
    /// Records the engine had already seen (none in a run: each row is a fresh offset).
    var skipped = 0
    var windows = 0
    var outputs = 0

    /// `{"records":…,"buffered":…,…}`.
    var json: String {
        "{\"records\":\(records),\"buffered\":\(buffered),\"late\":\(late),\"dead_letters\":\(deadLetters),"
            + "\"windows\":\(windows),\"outputs\":\(outputs)}"
    }
}

/// Where a ``WindowRun`` reports what became of each row and window: JSON (``RunOutput``) or
/// typed columns (``RunTables``). Both see the same calls in the same order.
protocol RunRecorder {
    var counts: RunCounts { get set }
    mutating func deadLetter(row: Int, _ refusal: RecordRefusal)
    mutating func late(row: Int, _ late: LateArrival)
    /// A closed window with the function's outcome (its outputs as JSON documents, or its error).
    mutating func window(_ window: ClosedWindow)
}

extension RunRecorder {
    /// Records one row's admission.
    mutating func record(row: Int, _ admission: Admission) {
        counts.records += 1
        switch admission {
        case .buffered: counts.buffered += 1
        case .late(let late):
            counts.late += 1
            self.late(row: row, late)
        case .refused(let refusal):
            counts.deadLetters += 1
            deadLetter(row: row, refusal)
        case .skipped: counts.skipped += 1  // rows are fresh offsets of one partition: never happens
        }
    }

    /// Records closed windows. A window the function failed on is reported with its error and its
    /// records become dead letters of kind `function_failed`, as in production. `row` maps a
    /// record's partition and offset back to its row.
    mutating func record(_ closed: [ClosedWindow], row: (Int32, Int64) -> Int) {
        for closedWindow in closed {
            counts.windows += 1
            if case .success(let outputs) = closedWindow.outcome { counts.outputs += outputs.count }
            window(closedWindow)
            if case .failure(let error) = closedWindow.outcome {
                for record in closedWindow.failedRecords {
                    counts.deadLetters += 1
                    deadLetter(row: row(record.partition, record.offset), RecordRefusal(.functionFailed, error.message))
                }
            }
        }
    }
}
