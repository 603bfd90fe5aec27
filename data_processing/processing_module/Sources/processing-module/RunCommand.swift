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
        name: .long,
        help: "A file touched every few seconds while every pipeline makes progress (also PROCESSING_MODULE_HEALTH_FILE); a container healthcheck tests its age."
    )
    var healthFile: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical (got \(logLevel))")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = config ?? environment["PROCESSING_MODULE_CONFIG"] else {
            throw ValidationError("--config (or PROCESSING_MODULE_CONFIG) must name the pipelines file")
        }
        var service = try ServiceConfiguration(contentsOf: path)
        if let servers = bootstrapServers ?? environment[bootstrapServersVariable] { service.kafka["bootstrap.servers"] = servers }
        guard service.kafka["bootstrap.servers"]?.isEmpty == false else {
            throw ConfigurationError(key: "kafka.bootstrap.servers", "is required to run (or pass --bootstrap-servers)")
        }
        var logger = Logger(label: "processing-module")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let stop = StopSignal()
        installTerminationHandler(stop)
        let health = HealthFile(path: healthFile ?? environment["PROCESSING_MODULE_HEALTH_FILE"])
        try runPipelines(service, stop: stop, logger: logger) { runner in health.watch(runner) }
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

/// Requests `stop` on SIGTERM or SIGINT.
func installTerminationHandler(_ stop: StopSignal) {
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { stop.request() }
        source.resume()
        TerminationSources.shared.keep(source)
    }
}

/// Keeps signal sources alive for the life of the process.
final class TerminationSources: @unchecked Sendable {
    static let shared = TerminationSources()
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []

    func keep(_ source: DispatchSourceSignal) { lock.withLock { sources.append(source) } }
}

/// Touches a file every 5 seconds while every watched pipeline's loop has beaten within the last
/// 30 seconds, and removes it otherwise: the file's age is the service's health for a container
/// healthcheck (`find FILE -mmin -1`).
final class HealthFile: @unchecked Sendable {
    private let path: String?
    private let lock = NSLock()
    private var runners: [PipelineRunner] = []

    init(path: String?) {
        self.path = path
        guard path != nil else { return }
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 5)
                update()
            }
        }
    }

    func watch(_ runner: PipelineRunner) {
        lock.withLock { runners.append(runner) }
    }

    private func update() {
        guard let path else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let healthy = lock.withLock { !runners.isEmpty && runners.allSatisfy { now - $0.lastHeartbeat < 30_000 } }
        if healthy {
            FileManager.default.createFile(atPath: path, contents: Data("\(now)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: path)
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
