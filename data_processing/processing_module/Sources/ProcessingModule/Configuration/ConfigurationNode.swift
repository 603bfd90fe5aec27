import Foundation

/// One value of a parsed configuration document (YAML or JSON), with its path for error messages.
/// Readers refuse wrong types and unknown keys with a ``ConfigurationError`` naming the key.
struct ConfigurationNode {
    let value: Any?
    let path: String

    init(_ value: Any?, path: String = "") {
        self.value = value
        self.path = path
    }

    var isAbsent: Bool { value == nil || value is NSNull }

    func child(_ key: String) -> ConfigurationNode {
        let childPath = path.isEmpty ? key : "\(path).\(key)"
        return ConfigurationNode((value as? [String: Any])?[key], path: childPath)
    }

    func mapping(allowedKeys: Set<String>) throws -> [String: Any] {
        guard let mapping = value as? [String: Any] else {
            throw ConfigurationError(key: path.isEmpty ? "(document)" : path, "must be a mapping of keys to values")
        }
        for key in mapping.keys.sorted() where !allowedKeys.contains(key) {
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            throw ConfigurationError(key: childPath, "unknown key; allowed keys here: \(allowedKeys.sorted().joined(separator: ", "))")
        }
        return mapping
    }

    func list() throws -> [ConfigurationNode] {
        guard let items = value as? [Any] else { throw ConfigurationError(key: path, "must be a list") }
        return items.enumerated().map { ConfigurationNode($1, path: "\(path)[\($0)]") }
    }

    func string(default fallback: String? = nil) throws -> String {
        if isAbsent, let fallback { return fallback }
        if let string = value as? String, !string.isEmpty { return string }
        if let number = value as? Int { return String(number) }
        throw ConfigurationError(key: path, isAbsent ? "is required" : "must be a non-empty string (got \(describe()))")
    }

    func optionalString() throws -> String? {
        isAbsent ? nil : try string()
    }

    func integer(default fallback: Int? = nil, allowed: ClosedRange<Int>) throws -> Int {
        if isAbsent, let fallback { return fallback }
        let number: Int? = (value as? Int) ?? (value as? String).flatMap(Int.init)
        guard let number, allowed.contains(number) else {
            throw ConfigurationError(
                key: path, "must be an integer between \(allowed.lowerBound) and \(allowed.upperBound) (got \(describe()))")
        }
        return number
    }

    func choice<Choice: RawRepresentable & CaseIterable>(default fallback: Choice) throws -> Choice where Choice.RawValue == String {
        if isAbsent { return fallback }
        guard let text = value as? String, let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(key: path, "must be one of \(allowed) (got \(describe()))")
        }
        return choice
    }

    /// A duration in milliseconds: an integer (ms) or a string with a unit: `250ms`, `30s`, `5m`,
    /// `1h`, `1d`.
    func duration(default fallback: Int64? = nil, allowZero: Bool = false) throws -> Int64 {
        if isAbsent, let fallback { return fallback }
        let expectation = "must be a duration such as 300000 (ms), \"250ms\", \"30s\", \"5m\", \"1h\" or \"1d\""
        if let number = value as? Int {
            guard number > 0 || (allowZero && number == 0) else { throw ConfigurationError(key: path, "\(expectation) (got \(number))") }
            return Int64(number)
        }
        guard let text = (value as? String)?.trimmingCharacters(in: .whitespaces), let milliseconds = Self.parseDuration(text),
            milliseconds > 0 || (allowZero && milliseconds == 0)
        else { throw ConfigurationError(key: path, isAbsent ? "is required; \(expectation)" : "\(expectation) (got \(describe()))") }
        return milliseconds
    }

    /// `nil` when `off`/`none`/`never`, else a positive duration.
    func optionalDuration() throws -> Int64? {
        if isAbsent { return nil }
        if let flag = value as? Bool, !flag { return nil }  // YAML reads an unquoted `off` as false
        if let text = value as? String, ["off", "none", "never"].contains(text.lowercased()) { return nil }
        return try duration()
    }

    static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let amount = Int64(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), amount >= 0,
                amount <= Int64.max / factor
            else { continue }
            return amount * factor
        }
        return Int64(text)
    }

    func describe() -> String {
        guard let value, !(value is NSNull) else { return "nothing" }
        if let string = value as? String { return "\"\(string)\"" }
        return "\(value)"
    }
}
