import Yams

/// One override of a pipelines-file key, from a command-line flag (`--set PATH=VALUE`) or an
/// environment variable (`PROCESSING_MODULE__PATH=VALUE`, path segments separated by `__`).
///
/// Paths: `kafka.<librdkafka property>`, `group_id`, `pipelines.<pipeline name>.<key>[.<key>]`
/// (for example `pipelines.statistics.window.size=10m`). Values are read as YAML scalars, so
/// numbers, booleans and strings keep their types. In environment variable names the kafka
/// property's dots are written as underscores (`PROCESSING_MODULE__KAFKA__SASL_PASSWORD`) and a
/// pipeline name matches whatever its case and its `-` or `.` (written `_`).
public struct ConfigurationOverride: Sendable {
    public let path: [String]
    public let value: String
    /// Where it came from, for error messages (`--set` or the variable's name).
    public let origin: String

    /// The prefix of override environment variables.
    public static let environmentPrefix = "PROCESSING_MODULE__"

    /// Parses `PATH=VALUE`.
    public init(argument: String) throws {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw ConfigurationError(key: argument, "an override must look like PATH=VALUE, e.g. pipelines.statistics.window.size=10m")
        }
        let path = argument[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let first = path.first ?? ""
        // A kafka property keeps its dots: kafka.sasl.password is one property.
        self.path = first == "kafka" ? [first, path.dropFirst().joined(separator: ".")] : path
        value = String(argument[argument.index(after: equals)...])
        origin = "--set \(argument[..<equals])"
    }

    /// The overrides found in `environment`, sorted by variable name.
    public static func fromEnvironment(_ environment: [String: String]) -> [ConfigurationOverride] {
        environment.keys.sorted().compactMap { name in
            guard name.hasPrefix(environmentPrefix), let value = environment[name] else { return nil }
            let segments = name.dropFirst(environmentPrefix.count).components(separatedBy: "__").map { $0.lowercased() }
            guard let first = segments.first, !first.isEmpty else { return nil }
            let path =
                first == "kafka"
                ? [first, segments.dropFirst().joined(separator: ".").replacingOccurrences(of: "_", with: ".")] : segments
            return ConfigurationOverride(path: path, value: value, origin: name)
        }
    }

    init(path: [String], value: String, origin: String) {
        self.path = path
        self.value = value
        self.origin = origin
    }

    /// Writes the override into a parsed pipelines document.
    func apply(to document: inout [String: Any]) throws {
        guard let first = path.first, path.allSatisfy({ !$0.isEmpty }) else {
            throw ConfigurationError(key: origin, "the key path is empty")
        }
        let scalar = (try? Yams.load(yaml: value)).flatMap { $0 } ?? value
        switch first {
        case "kafka" where path.count == 2:
            var kafka = document["kafka"] as? [String: Any] ?? [:]
            kafka[path[1]] = value
            document["kafka"] = kafka
        case "group_id" where path.count == 1:
            document["group_id"] = value
        case "pipelines" where path.count >= 3:
            var pipelines = document["pipelines"] as? [Any] ?? []
            guard let index = pipelines.firstIndex(where: { Self.sameName(($0 as? [String: Any])?["name"], path[1]) }),
                var pipeline = pipelines[index] as? [String: Any]
            else {
                let names = pipelines.compactMap { ($0 as? [String: Any])?["name"] as? String }
                throw ConfigurationError(key: origin, "no pipeline named \(path[1]); pipelines: \(names.joined(separator: ", "))")
            }
            Self.set(&pipeline, Array(path.dropFirst(2)), scalar)
            pipelines[index] = pipeline
            document["pipelines"] = pipelines
        default:
            throw ConfigurationError(
                key: origin, "unknown key path \(path.joined(separator: ".")); use kafka.<property>, group_id or pipelines.<name>.<key>")
        }
    }

    private static func set(_ mapping: inout [String: Any], _ path: [String], _ value: Any) {
        guard let key = path.first else { return }
        if path.count == 1 {
            mapping[key] = value
            return
        }
        var child = mapping[key] as? [String: Any] ?? [:]
        set(&child, Array(path.dropFirst()), value)
        mapping[key] = child
    }

    private static func sameName(_ name: Any?, _ wanted: String) -> Bool {
        guard let name = name as? String else { return false }
        func normal(_ text: String) -> String {
            text.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
        }
        return normal(name) == normal(wanted)
    }
}

import Foundation
