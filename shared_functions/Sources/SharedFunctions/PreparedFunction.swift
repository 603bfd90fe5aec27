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

    private let decodeRecord: @Sendable ([UInt8], Int) throws(FunctionError) -> Void
    private let runBatch: @Sendable (WindowBatch<[UInt8]>) throws(FunctionError) -> [[UInt8]]

    init<Function: WindowFunction>(_ function: Function.Type, parameters: Function.Parameters) {
        name = Function.name
        version = Function.version
        self.parameters = Dictionary(uniqueKeysWithValues: parameters.jsonMembers().map { ($0.name, $0.value) })
        let codec = FunctionCodec<Function>(parameters: parameters)
        decodeRecord = { bytes, index throws(FunctionError) in _ = try codec.decode(bytes, recordIndex: index) }
        runBatch = { batch throws(FunctionError) in try codec.run(batch) }
    }

    /// Checks that one JSON value decodes into the function's input; throws
    /// ``FunctionError/Code/invalidRecord`` naming `recordIndex` when it does not.
    public func validate(record bytes: [UInt8], recordIndex: Int = 0) throws(FunctionError) {
        try decodeRecord(bytes, recordIndex)
    }

    /// Runs the function on a batch whose record values are JSON bytes; returns one JSON document
    /// per output.
    public func run(_ batch: WindowBatch<[UInt8]>) throws(FunctionError) -> [[UInt8]] {
        try runBatch(batch)
    }
}

/// Decoding, application and encoding for one function type with fixed parameters.
struct FunctionCodec<Function: WindowFunction>: Sendable {
    let parameters: Function.Parameters
    let context: [CodingUserInfoKey: any Sendable]
    let scanner: InputScanner<Function.Input>?

    init(parameters: Function.Parameters) {
        self.parameters = parameters
        self.context = Function.decodingContext(for: parameters)
        self.scanner = Function.inputScanner(context: context)
    }

    func decode(_ bytes: [UInt8], recordIndex: Int, using decoder: JSONDecoder? = nil) throws(FunctionError)
        -> Function.Input
    {
        if let scanner {
            // No Result here: this code runs unspecialized, and a Result of the generic input would
            // cost a metadata lookup per record.
            do {
                return try bytes.withUnsafeBytes { buffer in try scanner(buffer) }
            } catch {
                let message = (error as? InputScanError)?.message ?? "\(error)"
                throw FunctionError(
                    .invalidRecord, "record \(recordIndex) does not decode into \(Function.name)'s input: \(message)",
                    function: Function.name, recordIndex: recordIndex)
            }
        }
        let decoder = decoder ?? makeDecoder()
        do {
            return try decoder.decode(Function.Input.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw FunctionError(
                .invalidRecord, "record \(recordIndex) does not decode into \(Function.name)'s input: \(error.explanation)",
                function: Function.name, recordIndex: recordIndex)
        } catch {
            throw FunctionError(
                .invalidRecord, "record \(recordIndex) does not decode into \(Function.name)'s input: \(error)",
                function: Function.name, recordIndex: recordIndex)
        }
    }

    func run(_ batch: WindowBatch<[UInt8]>) throws(FunctionError) -> [[UInt8]] {
        let decoder = makeDecoder()
        var inputs: [BatchRecord<Function.Input>] = []
        inputs.reserveCapacity(batch.records.count)
        for (index, record) in batch.records.enumerated() {
            let input = try decode(record.value, recordIndex: index, using: decoder)
            inputs.append(
                BatchRecord(
                    eventTime: record.eventTime, partition: record.partition, offset: record.offset,
                    key: record.key, value: input))
        }
        let outputs: [Function.Output]
        do {
            outputs = try Function.apply(
                WindowBatch(window: batch.window, key: batch.key, records: inputs), parameters: parameters)
        } catch let error as FunctionError {
            throw error
        } catch {
            throw FunctionError(
                .functionFailed, "\(Function.name) failed on window \(batch.window): \(error)", function: Function.name)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try outputs.map { Array(try encoder.encode($0)) }
        } catch {
            throw FunctionError(
                .invalidOutput, "\(Function.name) produced an output that is not valid JSON: \(error)",
                function: Function.name)
        }
    }

    private func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.userInfo = context
        return decoder
    }
}
