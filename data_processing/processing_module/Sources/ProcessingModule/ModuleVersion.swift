import Kafka

/// The processing module's own version, and the one line that names it with the librdkafka it
/// runs (printed by `--version`, logged at start-up).
public enum ModuleVersion {
    /// Semantic version of the module; bump with every release.
    public static let current = "0.9.0"

    /// `processing-module 0.9.0 (librdkafka 2.8.0)`.
    public static var description: String { "processing-module \(current) (librdkafka \(KafkaLibrary.version))" }
}
