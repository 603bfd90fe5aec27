import MicroBatching

/// Runs a function on one batch a notebook assembled itself (no windowing): the records are
/// validated as the module validates them, sorted as the engine sorts a window's records (event
/// time, then row), and handed to the function as one ``WindowBatch``.
///
/// Request JSON: `{"function": "function_a", "parameters": {…}, "time_field": "ts",
/// "window": {"start_ms": …, "end_ms": …}, "key": "sensor-1"}`. Without `window` the batch spans
/// the records' event times; with one, a record outside it is an error. Unlike ``WindowRun``, any
/// bad record is an error (`invalid_record`, naming the row): a hand-made batch should be clean.
public enum BatchApply {
    public struct Request: Sendable, Decodable {
        public struct Bounds: Sendable, Decodable {
            public var start: Int64
            public var end: Int64

            enum CodingKeys: String, CodingKey {
                case start = "start_ms"
                case end = "end_ms"
            }
        }

        public var function: String
        public var parameters: [String: JSONValue]?
        public var timeField: String
        public var window: Bounds?
        public var key: String?

        enum CodingKeys: String, CodingKey {
            case function, parameters, window, key
            case timeField = "time_field"
        }
    }

    /// Runs the request over every line of `records`; returns `{"ok":{"outputs":[…]}}`.
    public static func run(_ request: Request, records: UnsafeRawBufferPointer, registry: FunctionRegistry = .standard)
        throws(RunError) -> [UInt8]
    {
        let function = try registry.prepareForRun(request.function, parameters: request.parameters ?? [:])
        let reader = EventTimeReader(field: request.timeField)
        var batchRecords: [BatchRecord<[UInt8]>] = []
        for (row, line) in RecordLines(records) {
            let time: Int64
            switch reader.read(line, transportTimestamp: nil) {
            case .success(let value): time = value
            case .failure(let failure): throw RunError.invalidRecord(failure.message, row: row)
            }
            if let window = request.window, window.start < window.end, !(window.start..<window.end).contains(time) {
                throw RunError.invalidRecord(
                    "event time \(time) ms is outside the window [\(window.start), \(window.end)) ms", row: row)
            }
            let bytes = Array(line)
            do {
                try function.validate(record: bytes, recordIndex: row)
            } catch {
                throw RunError(error, row: row)
            }
            batchRecords.append(BatchRecord(eventTime: time, partition: 0, offset: Int64(row), key: request.key, value: bytes))
        }
        batchRecords.sort(by: BatchRecord.precedes)
        let window = try window(
            request.window.map { ($0.start, $0.end) }, first: batchRecords.first?.eventTime, last: batchRecords.last?.eventTime)
        let outputs: [[UInt8]]
        do {
            outputs = try function.run(WindowBatch(window: window, key: request.key, records: batchRecords))
        } catch {
            throw RunError(error)
        }
        return envelope(outputs)
    }

    static func envelope(_ outputs: [[UInt8]]) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"ok\":{\"outputs\":[")
        for (index, output) in outputs.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw(output)
        }
        writer.raw("]}}")
        return writer.bytes
    }

    /// `{"ok":{"outputs":[…]}}` for a batch given as columns (``ColumnarBatch``).
    public static func run(_ batch: ColumnarBatch, function name: String, parameters: [String: JSONValue], registry: FunctionRegistry = .standard)
        throws(RunError) -> [UInt8]
    {
        envelope(try registry.prepareForRun(name, parameters: parameters).run(batch))
    }

    /// The batch's window: the requested bounds, or from the first to the last event time.
    static func window(_ requested: (start: Int64, end: Int64)?, first: Int64?, last: Int64?) throws(RunError) -> Window {
        let bounds = requested ?? (first ?? 0, (last ?? 0) &+ 1)
        guard let window = Window(start: bounds.0, end: bounds.1) else {
            throw RunError(kind: "invalid_window", "the window must end after it starts (start \(bounds.0) ms, end \(bounds.1) ms)")
        }
        return window
    }
}
