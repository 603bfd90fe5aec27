import MicroBatching

/// Runs a function over windows of a finite sequence of JSON records, exactly as the processing
/// module does on one partition: the same event-time reading, input validation, engine and
/// function, so a notebook sees the results production would produce.
///
/// Rows are the arrival order. Each row goes to partition 0, or to the partition its
/// `partition_field` names; offsets count a partition's rows, so per-partition stream time, and
/// with it lateness, is that of the topic the rows came from. The engine clock stands still, as in a
/// replay: nothing closes on idleness and no clock-skew check applies. At the end of the input
/// every open window closes with reason `end-of-input`. Bad records do not stop the run: each is
/// reported as a dead letter with the production error kind, as the module would dead-letter it.
public struct WindowRun {
    public let request: WindowRunRequest
    private var pipeline: any FunctionPipeline
    private let keyField: String?
    private let partitionField: String?
    /// The key's and partition's value ranges in the record being ingested.
    private var otherMembers: [Range<Int>?]
    /// The rows of each partition, by offset.
    private var rows: [Int32: [Int]] = [:]
    private var output: RunOutput

    /// Windows close in batches of this many rows, as the module closes them per poll; what
    /// closes, and which records are late, does not depend on it.
    static let rowsPerClose = 10_000

    public init(_ request: WindowRunRequest, registry: FunctionRegistry = .standard) throws(RunError) {
        self.request = request
        let function: PreparedFunction
        do {
            function = try registry.prepare(request.function, parameters: request.parameters)
        } catch {
            throw RunError(error)
        }
        guard !request.timeField.isEmpty else { throw RunError.invalidRequest("time_field must not be empty", field: "time_field") }
        keyField = request.keyField
        partitionField = request.partitionField
        let configuration: EngineConfiguration
        do {
            configuration = try EngineConfiguration(window: request.window, scope: request.scope)
        } catch {
            throw RunError(kind: "invalid_window", error.message)
        }
        // One scan per record finds the event time, the function's input, the key and the partition.
        let layout = RecordLayout(
            eventTimeField: request.timeField, otherMembers: [request.keyField, request.partitionField].compactMap { $0 })
        pipeline = function.makePipeline(layout: layout, engine: configuration, clock: ManualClock(0))
        otherMembers = Array(repeating: nil, count: layout.otherMembers.count)
        output = RunOutput()
    }

    /// Runs over every line of `records` and returns the C ABI's success envelope:
    /// `{"ok":{"windows":[…],"late":[…],"dead_letters":[…],"counts":{…}}}`.
    public static func run(_ request: WindowRunRequest, records: UnsafeRawBufferPointer) throws(RunError) -> [UInt8] {
        var run = try WindowRun(request)
        for (row, line) in RecordLines(records) {
            run.ingest(row: row, line)
            if (row + 1) % rowsPerClose == 0 { run.close(all: false) }
        }
        run.close(all: false)
        run.close(all: true)
        return run.output.envelope()
    }

    private mutating func close(all: Bool) {
        let closed = all ? pipeline.closeAllWindows() : pipeline.closeWindows(now: 0)
        let rows = self.rows
        output.append(closed) { partition, offset in rows[partition]?[Int(offset)] ?? -1 }
    }

    private mutating func ingest(row: Int, _ line: UnsafeRawBufferPointer) {
        output.counts.records += 1
        let refusal = otherMembers.withUnsafeMutableBufferPointer { members in
            pipeline.scan(line, transportTimestamp: nil, recordIndex: row, otherMembers: members)
        }
        if let refusal { return output.deadLetter(row: row, refusal) }
        var member = 0
        var key: String?
        if keyField != nil {
            key = otherMembers[member].flatMap { JSONMemberText.text(line, $0) }
            member += 1
        }
        var partition: Int32 = 0
        if let partitionField {
            guard let text = otherMembers[member].flatMap({ JSONMemberText.text(line, $0) }), let number = Int32(text),
                number >= 0
            else {
                let message = "the partition field '\(partitionField)' must hold an integer from 0"
                return output.deadLetter(row: row, RecordRefusal(.invalidInput, message))
            }
            partition = number
        }
        if rows[partition] == nil {
            rows[partition] = []
            pipeline.assign(partition, from: nil)
        }
        let offset = Int64(rows[partition]!.count)
        rows[partition]!.append(row)
        switch pipeline.admitScanned(key: key, partition: partition, offset: offset, writtenAt: nil, now: 0) {
        case .buffered: output.counts.buffered += 1
        case .late(let late): output.late(row: row, late)
        case .refused(let refusal): output.deadLetter(row: row, refusal)
        case .skipped: output.counts.skipped += 1  // rows are fresh offsets of one partition: never happens
        }
    }
}
