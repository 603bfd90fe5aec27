import Foundation
import MicroBatching

/// A registered function bound to validated parameters, ready to run on batches of JSON values.
///
/// Preparing validates the parameters once (the processing module does it at start-up); running
/// decodes each record's JSON value into the function's input, applies the function and encodes
/// each output as JSON with sorted keys, so equal inputs give byte-identical outputs.
public struct PreparedFunction: Sendable {
    /// The function's stable name, e.g. `function_a`.
    public let name: String
    /// The function's version, part of every output's provenance.
    public let version: String
    /// The effective parameters (defaults filled in), as a JSON object in definition order.
    public let parameters: [String: JSONValue]

    private let decodeRecord: @Sendable (UnsafeRawBufferPointer, Int) throws(FunctionError) -> Void
    private let runBatch: @Sendable (WindowBatch<[UInt8]>) throws(FunctionError) -> [[UInt8]]
    private let pipeline: PipelineFactory
    private let applyColumns: @Sendable (ColumnarBatch) throws(RunError) -> [[UInt8]]
    /// The columns the function reads from a DataFrame with these parameters (`nil`: it has no
    /// columnar input, so notebooks take the JSON path).
    public let inputColumns: [InputColumn]?
    /// Whether the pipeline is compiled for the function's input (``SpecializedFunction``).
    let isSpecialized: Bool

    init<Function: WindowFunction>(_ function: Function.Type, parameters: Function.Parameters) {
        name = Function.name
        version = Function.version
        self.parameters = Dictionary(uniqueKeysWithValues: parameters.jsonMembers().map { ($0.name, $0.value) })
        let codec = FunctionCodec<Function>(parameters: parameters)
        decodeRecord = { bytes, index throws(FunctionError) in _ = try codec.decode(bytes, recordIndex: index) }
        runBatch = { batch throws(FunctionError) in try codec.run(batch) }
        applyColumns = { batch throws(RunError) in try codec.apply(batch) }
        inputColumns = codec.columnReader?.descriptions
        if let specialized = Function.self as? any SpecializedFunction.Type {
            pipeline = specialized.pipelineFactory(codec)
            isSpecialized = true
        } else {
            pipeline = { layout, engine, clock in TypedFunctionPipeline(codec: codec, layout: layout, engine: engine, clock: clock) }
            isSpecialized = false
        }
    }

    /// The function's pipeline: records in (one scan each, into the function's typed input),
    /// results out as windows close.
    public func makePipeline(layout: RecordLayout, engine: EngineConfiguration, clock: any EngineClock) -> any FunctionPipeline {
        pipeline(layout, engine, clock)
    }

    /// Checks that one JSON value decodes into the function's input; throws
    /// ``FunctionError/Code/invalidRecord`` naming `recordIndex` when it does not.
    public func validate(record bytes: [UInt8], recordIndex: Int = 0) throws(FunctionError) {
        var failure: FunctionError?
        bytes.withUnsafeBytes { bytes in
            do throws(FunctionError) { try decodeRecord(bytes, recordIndex) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Runs the function on one batch given as columns (``ColumnarBatch``); returns one JSON
    /// document per output.
    public func run(_ batch: ColumnarBatch) throws(RunError) -> [[UInt8]] {
        try applyColumns(batch)
    }

    /// Runs the function on a batch whose record values are JSON bytes; returns one JSON document
    /// per output.
    public func run(_ batch: WindowBatch<[UInt8]>) throws(FunctionError) -> [[UInt8]] {
        try runBatch(batch)
    }
}

/// Decoding, application and encoding for one function type with fixed parameters.
struct FunctionCodec<Function: WindowFunction>: Sendable {
    /// One output's JSON: ``OutputEncoder``, or `JSONEncoder` (same bytes) for what it refuses.
    static func encode(_ output: Function.Output) throws -> [UInt8] {
        do {
            return try OutputEncoder.encode(output)
        } catch {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(output))
        }
    }

    let parameters: Function.Parameters
    let reader: InputReader<Function.Input>
    /// The columnar reader, when the input has one.
    let columnReader: ColumnReader<Function.Input>?

    init(parameters: Function.Parameters) {
        self.parameters = parameters
        let context = Function.decodingContext(for: parameters)
        reader = Function.inputReader(context: context) ?? .decoding(context: context)
        columnReader = Function.columnReader(context: context)
    }

    /// The invalid-record message of every entry point.
    func invalidRecordMessage(_ error: InputScanError, recordIndex: Int) -> String {
        "record \(recordIndex) does not decode into \(Function.name)'s input: \(error.message)"
    }

    func decode(_ bytes: UnsafeRawBufferPointer, recordIndex: Int) throws(FunctionError) -> Function.Input {
        do {
            return try reader.read(bytes)
        } catch {
            throw FunctionError(
                .invalidRecord, invalidRecordMessage(error, recordIndex: recordIndex), function: Function.name,
                recordIndex: recordIndex)
        }
    }

    /// Decodes every record, then applies the function.
    func run(_ batch: WindowBatch<[UInt8]>) throws(FunctionError) -> [[UInt8]] {
        var inputs: [BatchRecord<Function.Input>] = []
        inputs.reserveCapacity(batch.records.count)
        for (index, record) in batch.records.enumerated() {
            let decoded = record.value.withUnsafeBytes { bytes in
                Result { () throws(FunctionError) in try decode(bytes, recordIndex: index) }
            }
            let input = try decoded.get()
            inputs.append(
                BatchRecord(
                    eventTime: record.eventTime, partition: record.partition, offset: record.offset,
                    key: record.key, value: input))
        }
        return try apply(WindowBatch(window: batch.window, key: batch.key, records: inputs))
    }

    /// Applies the function to decoded records and encodes each output as JSON with sorted keys.
    func apply(_ batch: WindowBatch<Function.Input>) throws(FunctionError) -> [[UInt8]] {
        let outputs: [Function.Output]
        do {
            outputs = try Function.apply(batch, parameters: parameters)
        } catch let error as FunctionError {
            throw error
        } catch {
            throw FunctionError(
                .functionFailed, "\(Function.name) failed on window \(batch.window): \(error)", function: Function.name)
        }
        do {
            return try outputs.map(Self.encode)
        } catch {
            throw FunctionError(
                .invalidOutput, "\(Function.name) produced an output that is not valid JSON: \(error)",
                function: Function.name)
        }
    }
}
