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

/// Runs every pipeline of `service` on its own thread until `stop`; rethrows the first failure.
func runPipelines(
    _ service: ServiceConfiguration, stop: StopSignal, logger: Logger, observe: (@Sendable (PipelineRunner) -> Void)? = nil
) throws {
    let failures = FailureBox()
    let group = DispatchGroup()
    for pipeline in service.pipelines {
        let runner = PipelineRunner(configuration: pipeline, kafka: service.kafka, groupID: service.groupID, logger: logger)
        observe?(runner)
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            do {
                try runner.run(until: stop)
            } catch {
                logger.error("pipeline \(pipeline.name) failed: \(error)")
                failures.record(error)
                stop.request()
            }
        }
    }
    group.wait()
    if let failure = failures.first { throw failure }
}

/// The first error of several threads.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []

    func record(_ error: any Error) { lock.withLock { errors.append(error) } }
    var first: (any Error)? { lock.withLock { errors.first } }
}

/// Requests `stop` on SIGTERM or SIGINT, then calls `onSignal`.
func installTerminationHandler(_ stop: StopSignal, onSignal: @escaping @Sendable () -> Void = {}) {
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            stop.request()
            onSignal()
        }
        source.resume()
        TerminationSources.shared.keep(source)
    }
}

/// Keeps signal sources and servers alive for the life of the process.
final class TerminationSources: @unchecked Sendable {
    static let shared = TerminationSources()
    private let lock = NSLock()
    private var kept: [Any] = []

    func keep(_ object: Any) { lock.withLock { kept.append(object) } }
}

/// The runners of this process, for the operations endpoint, the health file and progress lines.
final class WatchedRunners: @unchecked Sendable {
    private let lock = NSLock()
    private var runners: [PipelineRunner] = []

    func add(_ runner: PipelineRunner) { lock.withLock { runners.append(runner) } }

    var metrics: [PipelineMetrics] { lock.withLock { runners }.map(\.metrics) }
}

/// Touches a file every 5 seconds while every pipeline is healthy (its loop beat within the last
/// 30 seconds and it is not stuck waiting for the brokers) and removes it otherwise: the file's age
/// is the service's health for a container healthcheck (`find FILE -mmin -1`).
final class HealthFile: Sendable {
    private let path: String?

    init(path: String?, runners: WatchedRunners) {
        self.path = path
        guard let path else { return }
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 5)
                let now = Int64(Date().timeIntervalSince1970 * 1_000)
                let metrics = runners.metrics
                if !metrics.isEmpty, metrics.allSatisfy({ $0.isHealthy(now: now) }) {
                    _ = FileManager.default.createFile(atPath: path, contents: Data("\(now)\n".utf8))
                } else {
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
        }
    }
}

/// Logs one line per pipeline every few seconds: records in and the rate, results, late, dead
/// letters, open windows, buffered bytes and lag.
enum ProgressReporter {
    static func start(every seconds: Double, runners: WatchedRunners, logger: Logger) {
        guard seconds > 0 else { return }
        Thread.detachNewThread {
            var previous: [String: Int] = [:]
            while true {
                Thread.sleep(forTimeInterval: seconds)
                for metrics in runners.metrics {
                    let counters = metrics.counters
                    let rate = Double(counters.recordsIn - (previous[metrics.pipeline] ?? 0)) / seconds
                    previous[metrics.pipeline] = counters.recordsIn
                    logger.info(
                        "\(metrics.pipeline): in \(counters.recordsIn) (\(Int(rate))/s), out \(counters.recordsOut), late \(counters.late), dead letters \(counters.deadLettered), open windows \(metrics.openWindows), buffered \(metrics.bufferedBytes) B, lag \(metrics.consumerLag.map(String.init) ?? "?"), partitions \(metrics.assignedPartitions) (\(metrics.pausedPartitions) paused)")
                }
            }
        }
    }
}

/// The environment variable naming the Kafka bootstrap servers, for every command that talks to Kafka.
let bootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS"

/// `--bootstrap-servers`, or else the environment variable; refuses to go on without either.
func requireBootstrapServers(_ option: String?) throws -> String {
    guard let servers = option ?? ProcessInfo.processInfo.environment[bootstrapServersVariable], !servers.isEmpty else {
        throw ValidationError("--bootstrap-servers (or \(bootstrapServersVariable)) is required")
    }
    return servers
}
