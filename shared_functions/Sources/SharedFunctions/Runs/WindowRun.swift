import Foundation
import MicroBatching

/// Runs a function over windows of a finite sequence of records, exactly as the processing
/// module does on one partition: the same event-time reading, input validation, engine and
/// function, so a notebook sees the results production would produce.
///
/// Records come as JSON lines (``run(_:records:)``) or as the typed columns of a DataFrame
/// (``run(_:columns:)``, see ``ColumnarInput``); a row gives the same outcome either way.
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
    /// The key's and partition's value ranges in the record being ingested.
    private var otherMembers: [Range<Int>?]
    /// The function's declared output fields (the columns of a columnar run's results).
    private let outputFields: [OutputField]
    /// The rows of each partition seen, by offset: `rows[partitionIndex[p]][o]` is the row of offset
    /// `o` on partition `p` (an array per partition, not a dictionary lookup per row).
    private var rows: [[Int]] = []
    private var partitionIndex: [Int32: Int] = [:]
    /// The last partition admitted and its index in ``rows`` (rows mostly repeat their partition).
    private var lastPartition: (partition: Int32, index: Int)?

    /// Windows close in batches of this many rows, as the module closes them per poll; what
    /// closes, and which records are late, does not depend on it.
    static let rowsPerClose = 10_000

    public init(_ request: WindowRunRequest, registry: FunctionRegistry = .standard) throws(RunError) {
        self.request = request
        let function = try registry.prepareForRun(request.function, parameters: request.parameters)
        outputFields = registry.descriptions.first { $0.name == request.function }?.outputs ?? []
        guard !request.timeField.isEmpty else { throw RunError.invalidRequest("time_field must not be empty", field: "time_field") }
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
    }

    // MARK: JSON lines

    /// Runs over every line of `records` and returns the C ABI's success envelope:
    /// `{"ok":{"windows":[…],"late":[…],"dead_letters":[…],"counts":{…}}}`.
    public static func run(_ request: WindowRunRequest, records: UnsafeRawBufferPointer) throws(RunError) -> [UInt8] {
        var run = try WindowRun(request)
        var output = OverlappedRecorder(RunOutput())
        for (row, line) in RecordLines(records) {
            output.record(row: row, run.ingest(row: row, line))
            if (row + 1) % rowsPerClose == 0 { run.close(all: false, into: &output) }
        }
        run.close(all: true, into: &output)
        return output.output.envelope()
    }

    private mutating func ingest(row: Int, _ line: UnsafeRawBufferPointer) -> Admission {
        let refusal = otherMembers.withUnsafeMutableBufferPointer { members in
            pipeline.scan(line, transportTimestamp: nil, recordIndex: row, otherMembers: members)
        }
        if let refusal { return .refused(refusal) }
        var member = 0
        var key: String?
        if request.keyField != nil {
            key = otherMembers[member].flatMap { JSONMemberText.text(line, $0) }
            member += 1
        }
        var partition: Int32 = 0
        if request.partitionField != nil {
            guard let text = otherMembers[member].flatMap({ JSONMemberText.text(line, $0) }), let number = Int32(text),
                number >= 0
            else { return .refused(partitionRefusal) }
            partition = number
        }
        return admit(row: row, keyID: pipeline.keyID(key), partition: partition)
    }

    // MARK: Columns

    /// Runs over the rows of `table` (the time, key and partition columns the request names, and
    /// the function's input columns) and returns the results as typed tables.
    public static func run(_ request: WindowRunRequest, columns table: ColumnTable) throws(RunError) -> RunTables {
        var run = try WindowRun(request)
        var columns = try RunColumns(request: request, table: table, pipeline: &run.pipeline)
        var output = OverlappedRecorder(RunTables(outputFields: try run.declaredOutputFields()))
        for row in 0..<table.rows {
            output.record(row: row, run.ingest(row: row, &columns))
            if (row + 1) % rowsPerClose == 0 { run.close(all: false, into: &output) }
        }
        run.close(all: true, into: &output)
        if let mismatch = output.output.mismatch { throw mismatch }
        return output.output
    }

    private func declaredOutputFields() throws(RunError) -> [OutputField] {
        guard !outputFields.isEmpty else {
            throw RunError(
                kind: "columns_unsupported", "\(request.function) declares no output fields, so its results have no columns",
                context: ["function": .string(request.function)])
        }
        return outputFields
    }

    private mutating func ingest(row: Int, _ columns: inout RunColumns) -> Admission {
        let eventTime: Int64
        switch columns.time.read(row) {
        case .success(let time): eventTime = time
        case .failure(let failure): return .refused(RecordRefusal(.noEventTime, failure.message))
        }
        if let refusal = pipeline.scanRow(row, eventTime: eventTime, byteCount: columns.bytesPerRow) { return .refused(refusal) }
        var partition: Int32 = 0
        if let column = columns.partition {
            guard column.isPresent(row), let number = Int32(exactly: column.int64(row)), number >= 0 else {
                return .refused(partitionRefusal)
            }
            partition = number
        }
        return admit(row: row, keyID: columns.keyID(row), partition: partition)
    }

    // MARK: Both

    private var partitionRefusal: RecordRefusal {
        RecordRefusal(.invalidInput, "the partition field '\(request.partitionField ?? "")' must hold an integer from 0")
    }

    private mutating func admit(row: Int, keyID: KeyID, partition: Int32) -> Admission {
        let index: Int
        if let last = lastPartition, last.partition == partition {
            index = last.index
        } else if let known = partitionIndex[partition] {
            index = known
        } else {
            index = rows.count
            rows.append([])
            partitionIndex[partition] = index
            pipeline.assign(partition, from: nil)
        }
        lastPartition = (partition, index)
        let offset = Int64(rows[index].count)
        rows[index].append(row)
        return pipeline.admitScanned(keyID: keyID, partition: partition, offset: offset, writtenAt: nil, now: 0)
    }

    /// Closes what stream time allows (its function runs while the next rows come in), or at the
    /// end of the input everything that is open (applied on every core), and records it in order.
    private mutating func close<Recorder>(all: Bool, into output: inout OverlappedRecorder<Recorder>) {
        let rows = self.rows
        let partitionIndex = self.partitionIndex
        let row = { (partition: Int32, offset: Int64) in partitionIndex[partition].map { rows[$0][Int(offset)] } ?? -1 }
        if all {
            output.close(pipeline.closeBatches(now: 0), inline: true, row: row)
            output.close(pipeline.closeBatches(now: nil), inline: true, row: row)
        } else {
            output.close(pipeline.closeBatches(now: 0), row: row)
        }
    }
}
