/// The JSON type of a function parameter.
public enum ParameterKind: String, Sendable, Hashable, Codable {
    case string
    case number
    case integer
    case boolean

    /// How an error message names the expected type ("a number", ...).
    var expectation: String {
        switch self {
        case .string: "a string"
        case .number: "a finite number"
        case .integer: "an integer"
        case .boolean: "a boolean"
        }
    }
}
