import MicroBatching

/// Collects a ``WindowRun``'s results, late records and dead letters as JSON, in engine order.
struct RunOutput: RunRecorder {
    var counts = RunCounts()
    private var windows = JSONWriter(reservingCapacity: 1 << 16)
    private var lateRecords = JSONWriter()
    private var deadLetters = JSONWriter()

    mutating func deadLetter(row: Int, _ refusal: RecordRefusal) {
        if counts.deadLetters > 1 { deadLetters.raw(",") }
        deadLetters.raw("{\"row\":\(row),\"kind\":")
        deadLetters.string(refusal.kind.rawValue)
        deadLetters.raw(",\"message\":")
        deadLetters.string(refusal.message)
        deadLetters.raw("}")
    }

    mutating func late(row: Int, _ late: LateArrival) {
        if counts.late > 1 { lateRecords.raw(",") }
        lateRecords.raw(
            "{\"row\":\(row),\"window_start\":\(late.window.start),\"window_end\":\(late.window.end),\"lateness_ms\":\(late.lateness)}")
    }

    mutating func window(_ window: ClosedWindow) {
        if counts.windows > 1 { windows.raw(",") }
        windows.raw("{\"window_start\":\(window.window.start),\"window_end\":\(window.window.end),\"key\":")
        windows.string(window.key)
        windows.raw(",\"close_reason\":\"\(window.reason.rawValue)\",\"record_count\":\(window.recordCount),")
        switch window.outcome {
        case .success(let outputs):
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
        writer.raw("],\"counts\":\(counts.json)}}")
        return writer.bytes
    }
}
