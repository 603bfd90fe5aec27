import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// `processing-module run`: the production service.
struct RunCommand: AsyncParsableCommand {
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
        help: "Seconds allowed for a graceful stop after SIGTERM (commit, leave the group); a stop that takes longer exits with status 3, logging what it left uncommitted.")
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

    func run() async throws {
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
        let logger = try makeLogger(environment)
        let run = try runConfiguration(environment)
        logger.info(
            "starting \(ModuleVersion.description)",
            metadata: ["version": "\(ModuleVersion.current)", "librdkafka": "\(KafkaLibrary.version)"])
        logger.info("kafka: \(service.kafka)")
        let services = try ModuleServices(service: service, run: run, logger: logger)
        if let operations = services.operations { logger.info("serving /metrics and /healthz on port \(operations.server.port)") }
        do {
            try await services.run()
        } catch let overrun as ShutdownOverrunError {
            logger.error("graceful stop took longer than \(shutdownTimeout) s: \(overrun)")
            throw ExitCode(3)
        }
    }

    private func makeLogger(_ environment: [String: String]) throws -> Logger {
        let format = logFormat ?? environment["PROCESSING_MODULE_LOG_FORMAT"] ?? "text"
        guard ["text", "json"].contains(format) else {
            throw ConfigurationError(key: "PROCESSING_MODULE_LOG_FORMAT", "must be text or json (got \(format))")
        }
        var logger =
            format == "json" ? Logger(label: "processing-module") { JSONLogHandler(label: $0) } : Logger(label: "processing-module")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }

    private func runConfiguration(_ environment: [String: String]) throws -> RunConfiguration {
        let portText = metricsPort.map(String.init) ?? environment["PROCESSING_MODULE_METRICS_PORT"] ?? "9464"
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ConfigurationError(key: "PROCESSING_MODULE_METRICS_PORT", "must be a port between 0 and 65535 (got \(portText))")
        }
        return RunConfiguration(
            metricsPort: port, healthFile: healthFile ?? environment["PROCESSING_MODULE_HEALTH_FILE"],
            progressInterval: progressInterval > 0 ? .milliseconds(Int64(progressInterval * 1_000)) : nil,
            shutdownTimeout: .milliseconds(Int64(shutdownTimeout * 1_000)))
    }
}
