/// A configuration value that was refused at start-up: names the key (as a path such as
/// `pipelines[0].window.size`), the value found, and the allowed values.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let key: String
    public let message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "configuration key '\(key)': \(message)" }
}
