/// Why a function could not be found, configured or run. Never a trap: every problem with user
/// data or configuration comes back as this value.
///
/// `message` says what is wrong, the offending value, and what was expected; the context fields
/// name the function, the parameter or the record index involved.
public struct FunctionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, stable for programs to match on (and for dead-letter headers).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No function with that name is registered.
        case unknownFunction = "unknown_function"
        /// The parameters named a parameter the function does not declare.
        case unknownParameter = "unknown_parameter"
        /// A parameter value had the wrong JSON type.
        case invalidParameterType = "invalid_parameter_type"
        /// A parameter value had the right type but is outside its allowed values.
        case invalidParameterValue = "invalid_parameter_value"
        /// Parameters or records were not valid JSON of the expected shape.
        case invalidJSON = "invalid_json"
        /// A record did not decode into the function's input type.
        case invalidRecord = "invalid_record"
        /// The function itself threw while processing a batch.
        case functionFailed = "function_failed"
        /// An output could not be encoded as JSON.
        case invalidOutput = "invalid_output"
    }

    public let code: Code
    /// A sentence for people: what is wrong, the value, what was expected.
    public let message: String
    /// The function involved, when known.
    public var function: String?
    /// The parameter involved, when known.
    public var parameter: String?
    /// The index of the record involved within its batch, when known.
    public var recordIndex: Int?

    public init(
        _ code: Code, _ message: String, function: String? = nil, parameter: String? = nil, recordIndex: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.function = function
        self.parameter = parameter
        self.recordIndex = recordIndex
    }

    public var description: String {
        var context: [String] = []
        if let function { context.append("function \(function)") }
        if let parameter { context.append("parameter \(parameter)") }
        if let recordIndex { context.append("record \(recordIndex)") }
        return context.isEmpty ? "\(code.rawValue): \(message)" : "\(code.rawValue) (\(context.joined(separator: ", "))): \(message)"
    }
}
