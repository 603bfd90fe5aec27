/// How `run` operates around its pipelines: the operations endpoint, the health file, progress
/// lines and the graceful-stop bound. Validated once at start-up by the `run` command.
public struct RunConfiguration: Sendable {
    /// Port of `/metrics` and `/healthz`; 0 for none.
    public var metricsPort: Int
    /// Address the endpoint listens on.
    public var metricsHost: String
    /// A file touched while every pipeline is healthy; `nil` for none.
    public var healthFile: String?
    /// Time between progress lines; `nil` for none.
    public var progressInterval: Duration?
    /// How long a graceful stop may take before the process gives up on it and exits non-zero.
    public var shutdownTimeout: Duration

    public init(
        metricsPort: Int = 9464, metricsHost: String = "0.0.0.0", healthFile: String? = nil,
        progressInterval: Duration? = .seconds(5), shutdownTimeout: Duration = .seconds(30)
    ) {
        self.metricsPort = metricsPort
        self.metricsHost = metricsHost
        self.healthFile = healthFile
        self.progressInterval = progressInterval
        self.shutdownTimeout = shutdownTimeout
    }
}
