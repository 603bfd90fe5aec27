import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// `processing-module run`: the production service.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipelines of a pipelines file against Kafka until SIGTERM or SIGINT.")

    @Option(name: .long, help: "The pipelines file (YAML); default: the environment variable PROCESSING_MODULE_CONFIG.")
    var config: String?

    @Option(name: .long, help: "Overrides kafka.bootstrap.servers (also the environment variable KAFKA_BOOTSTRAP_SERVERS).")
    var bootstrapServers: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Overrides one key of the pipelines file, e.g. pipelines.statistics.window.size=10m (repeatable).",
            discussion: "Environment variables PROCESSING_MODULE__<PATH> (segments separated by __) override too; flags win."))
    var overrides: [String] = []

    @Option(
        name: .long,
        help: "A file touched every few seconds while every pipeline makes progress (also PROCESSING_MODULE_HEALTH_FILE); a container healthcheck tests its age."
    )
    var healthFile: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Log format: text or json (also PROCESSING_MODULE_LOG_FORMAT).")
    var logFormat: String?

    @Option(
        name: .long,
        help: "Port of the /metrics and /healthz endpoint; 0 for none (also PROCESSING_MODULE_METRICS_PORT; default 9464).")
    var metricsPort: Int?

    @Option(name: .long, help: "Seconds between progress lines in the log; 0 for none.")
    var progressInterval: Double = 5

    @Option(
        name: .long,
        help: "Seconds allowed for a graceful stop after SIGTERM (commit, leave the group); then the process exits 0 anyway.")
    var shutdownTimeout: Double = 30

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical (got \(logLevel))")
        }
        if let logFormat, !["text", "json"].contains(logFormat) {
            throw ValidationError("--log-format must be text or json (got \(logFormat))")
        }
        if let metricsPort, !(0...65_535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535 (got \(metricsPort))")
        }
        guard progressInterval >= 0 else { throw ValidationError("--progress-interval must be 0 or more (got \(progressInterval))") }
        guard shutdownTimeout > 0 else { throw ValidationError("--shutdown-timeout must be more than 0 (got \(shutdownTimeout))") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = config ?? environment["PROCESSING_MODULE_CONFIG"] else {
            throw ValidationError("--config (or PROCESSING_MODULE_CONFIG) must name the pipelines file")
        }
        let fromFlags = try overrides.map { try ConfigurationOverride(argument: $0) }
        var service = try ServiceConfiguration(
            contentsOf: path, overrides: ConfigurationOverride.fromEnvironment(environment) + fromFlags)
        if let servers = bootstrapServers ?? environment[bootstrapServersVariable] { service.kafka["bootstrap.servers"] = servers }
        guard service.kafka["bootstrap.servers"]?.isEmpty == false else {
            throw ConfigurationError(key: "kafka.bootstrap.servers", "is required to run (or pass --bootstrap-servers)")
        }
        let format = logFormat ?? environment["PROCESSING_MODULE_LOG_FORMAT"] ?? "text"
        guard ["text", "json"].contains(format) else {
            throw ConfigurationError(key: "PROCESSING_MODULE_LOG_FORMAT", "must be text or json (got \(format))")
        }
        var logger =
            format == "json" ? Logger(label: "processing-module") { JSONLogHandler(label: $0) } : Logger(label: "processing-module")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        logger.info(
            "starting \(ModuleVersion.description)",
            metadata: ["version": "\(ModuleVersion.current)", "librdkafka": "\(KafkaLibrary.version)"])
        let portText = metricsPort.map(String.init) ?? environment["PROCESSING_MODULE_METRICS_PORT"] ?? "9464"
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ConfigurationError(key: "PROCESSING_MODULE_METRICS_PORT", "must be a port between 0 and 65535 (got \(portText))")
        }
        let stop = StopSignal()
        let bound = shutdownTimeout
        let shutdownLogger = logger
        installTerminationHandler(stop) {
            // Whatever was not committed by then is replayed after the restart: nothing is lost.
            DispatchQueue.global().asyncAfter(deadline: .now() + bound) {
                shutdownLogger.error("graceful stop took longer than \(bound) s; exiting, uncommitted work will be replayed")
                Foundation.exit(0)
            }
        }
        let watched = WatchedRunners()
        let health = HealthFile(path: healthFile ?? environment["PROCESSING_MODULE_HEALTH_FILE"], runners: watched)
        if port != 0 {
            let server = try OperationsServer(port: port) { watched.metrics }
            logger.info("serving /metrics and /healthz on port \(server.port)")
            TerminationSources.shared.keep(server)
        }
        ProgressReporter.start(every: progressInterval, runners: watched, logger: logger)
        try runPipelines(service, stop: stop, logger: logger) { runner in watched.add(runner) }
        withExtendedLifetime(health) {}
    }
}
