import MicroBatching

/// What a parity check found: how many windows were recomputed and agreed, and every window that
/// differs or could not be checked, with the output record that names it.
public struct ParityReport: Sendable {
    /// One window whose stored results differ from the recomputed ones.
    public struct Difference: Sendable, Hashable, CustomStringConvertible {
        public var window: Window
        public var key: String?
        /// Output records (partition:offset) holding the window's stored results.
        public var outputs: [String]
        public var reason: String

        public var description: String {
            "DIFFERENT \(window) key \(key.map { "'\($0)'" } ?? "null") (output \(outputs.joined(separator: ", "))): \(reason)"
        }
    }

    /// An output record that could not be checked, and why.
    public struct Unverifiable: Sendable, Hashable, CustomStringConvertible {
        public var output: String
        public var reason: String
        public var description: String { "UNVERIFIABLE output \(output): \(reason)" }
    }

    /// Windows whose results were recomputed and matched.
    public var matched = 0
    /// Output records read (results of this pipeline).
    public var outputsRead = 0
    /// Windows delivered more than once (at-least-once redelivery), every copy identical.
    public var redelivered = 0
    /// Output records of other pipelines sharing the topic, left alone.
    public var otherPipelines = 0
    public var differences: [Difference] = []
    public var unverifiable: [Unverifiable] = []

    public var summary: String {
        "verified \(matched + differences.count) windows from \(outputsRead) output records: \(matched) identical, "
            + "\(differences.count) different, \(unverifiable.count) unverifiable; \(redelivered) delivered more than once, "
            + "all copies identical" + (otherPipelines > 0 ? "; \(otherPipelines) records of other pipelines skipped" : "")
    }
}
