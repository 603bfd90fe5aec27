import Foundation
import MicroBatching

/// The functions the product can run, by name. The processing module, the replay command and
/// the notebooks all go through ``standard``, so a function registered here is available
/// everywhere at once.
public struct FunctionRegistry: Sendable {
    /// Every function of the product. Adding a function adds one line here.
    public static let standard = FunctionRegistry([
        FunctionA.self,
        FunctionB.self,
    ])

    private let entries: [String: Entry]
    /// The registered functions' names, sorted.
    public let names: [String]

    /// Creates a registry; a later function with the same name replaces an earlier one.
    public init(_ functions: [any WindowFunction.Type]) {
        var entries: [String: Entry] = [:]
        for function in functions {
            let entry = Entry(function)
            entries[entry.description.name] = entry
        }
        self.entries = entries
        names = entries.keys.sorted()
    }

    /// Name, version, description and parameters of every function, sorted by name.
    public var descriptions: [FunctionDescription] {
        names.compactMap { entries[$0]?.description }
    }

    /// The description of one function.
    public func description(of name: String) throws(FunctionError) -> FunctionDescription {
        try entry(name).description
    }

    /// Binds a function to parameters given as JSON object members; unknown parameters, wrong
    /// types and disallowed values are refused here, before any record is processed.
    public func prepare(_ name: String, parameters: [String: JSONValue] = [:]) throws(FunctionError) -> PreparedFunction {
        try entry(name).prepare(parameters)
    }

    /// Binds a function to parameters given as the bytes of a JSON object.
    public func prepare(_ name: String, parametersJSON: [UInt8]) throws(FunctionError) -> PreparedFunction {
        let entry = try entry(name)
        let members: [String: JSONValue]
        do {
            members = try JSONDecoder().decode([String: JSONValue].self, from: Data(parametersJSON))
        } catch {
            throw FunctionError(
                .invalidJSON, "parameters of \(name) must be a JSON object, e.g. {\"threshold\": 3.5}", function: name)
        }
        return try entry.prepare(members)
    }

    /// Runs a function on records given as one JSON document: an array of objects with
    /// `event_time` (ms, required), `value` (the record's JSON value, required), and optional
    /// `key`, `partition` (default 0) and `offset` (default: the record's index). Returns one JSON
    /// document per output.
    public func run(
        _ name: String, window: Window, key: String? = nil, recordsJSON: [UInt8], parametersJSON: [UInt8] = Array("{}".utf8)
    ) throws(FunctionError) -> [[UInt8]] {
        let function = try prepare(name, parametersJSON: parametersJSON)
        let envelopes: [RecordEnvelope]
        do {
            envelopes = try JSONDecoder().decode([RecordEnvelope].self, from: Data(recordsJSON))
        } catch let error as DecodingError {
            throw FunctionError(
                .invalidJSON,
                "records must be a JSON array of objects with event_time and value: \(error.explanation)",
                function: name, recordIndex: error.recordIndex)
        } catch {
            throw FunctionError(.invalidJSON, "records are not valid JSON: \(error)", function: name)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var records: [BatchRecord<[UInt8]>] = []
        records.reserveCapacity(envelopes.count)
        for (index, envelope) in envelopes.enumerated() {
            guard let value = try? encoder.encode(envelope.value) else {
                throw FunctionError(.invalidJSON, "record \(index) has an unencodable value", function: name, recordIndex: index)
            }
            records.append(
                BatchRecord(
                    eventTime: envelope.eventTime, partition: envelope.partition ?? 0,
                    offset: envelope.offset ?? Int64(index), key: envelope.key, value: Array(value)))
        }
        return try function.run(WindowBatch(window: window, key: key, records: records))
    }

    private func entry(_ name: String) throws(FunctionError) -> Entry {
        guard let entry = entries[name] else {
            throw FunctionError(
                .unknownFunction,
                "no function named '\(name)'; registered functions: \(names.joined(separator: ", "))",
                function: name)
        }
        return entry
    }
}

extension FunctionRegistry {
    /// One registered function: its description and how to bind it to parameters.
    struct Entry: Sendable {
        let description: FunctionDescription
        let prepare: @Sendable ([String: JSONValue]) throws(FunctionError) -> PreparedFunction

        init<Function: WindowFunction>(_ function: Function.Type) {
            description = FunctionDescription(function)
            prepare = { members throws(FunctionError) in
                PreparedFunction(function, parameters: try Function.Parameters.parse(members, function: Function.name))
            }
        }
    }

    /// One record of ``run(_:window:key:recordsJSON:parametersJSON:)``'s input.
    struct RecordEnvelope: Decodable {
        let eventTime: Int64
        let partition: Int32?
        let offset: Int64?
        let key: String?
        let value: JSONValue

        enum CodingKeys: String, CodingKey {
            case eventTime = "event_time"
            case partition, offset, key, value
        }
    }
}

extension DecodingError {
    /// The index of the array element the error is in, when the path starts at an array.
    fileprivate var recordIndex: Int? {
        let context: Context? =
            switch self {
            case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
                .dataCorrupted(let context):
                context
            @unknown default: nil
            }
        return context?.codingPath.first?.intValue
    }
}
