import Foundation

extension DecodingError {
    /// A short sentence saying what was expected where, for people reading a dead letter or an
    /// exception ("field 'value' is missing", "field 'value' must be a number, found a string").
    var explanation: String {
        switch self {
        case .keyNotFound(let key, let context):
            return "field '\(Self.path(context.codingPath + [key]))' is missing"
        case .typeMismatch(let type, let context):
            return "\(Self.location(context)) must be \(Self.typeName(type)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(Self.location(context)) must be \(Self.typeName(type)), found null"
        case .dataCorrupted(let context):
            return "\(Self.location(context)) is not valid: \(Self.underlyingMessage(context))"
        @unknown default:
            return String(describing: self)
        }
    }

    private static func location(_ context: Context) -> String {
        context.codingPath.isEmpty ? "the value" : "field '\(path(context.codingPath))'"
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func underlyingMessage(_ context: Context) -> String {
        if let underlying = context.underlyingError as NSError?,
            let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
        {
            return detail
        }
        return context.debugDescription
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }
}
