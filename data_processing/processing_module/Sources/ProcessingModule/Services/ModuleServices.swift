import Kafka
import Logging
import ServiceLifecycle

/// Every service of one `run`, as a `ServiceGroup`: one ``PipelineService`` per pipeline, the
/// operations endpoint, the health file and the progress reporter. SIGTERM and SIGINT start a
/// graceful shutdown, pipelines first (they commit and leave their groups), then the others; a
/// pipeline that fails shuts the others down gracefully too.
///
/// Threads: each pipeline's librdkafka loop and the endpoint's accept loop run on threads their
/// services own; the health file and progress reporter are tasks that sleep between beats.
public struct ModuleServices: Sendable {
    public let pipelines: [PipelineService]
    public let running: RunningPipelines
    public let metrics: PrometheusMetrics
    public let operations: OperationsService?
    private let group: ServiceGroup
    private let logger: Logger

    /// Creates every client and binds the endpoint (a taken port or a refused property fails here,
    /// before anything runs); nothing is contacted yet.
    public init(
        service: ServiceConfiguration, run: RunConfiguration, logger: Logger,
        observe: (@Sendable (PipelineOutput) -> Void)? = nil
    ) throws {
        self.logger = logger
        let running = RunningPipelines()
        let metrics = PrometheusMetrics()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        operations =
            run.metricsPort == 0
            ? nil
            : OperationsService(
                server: try OperationsServer(
                    host: run.metricsHost, port: run.metricsPort,
                    endpoint: OperationsEndpoint(pipelines: running, metrics: metrics)))
        if let operations { services.append(.init(service: operations)) }
        if let path = run.healthFile { services.append(.init(service: HealthFileService(path: path, pipelines: running))) }
        if let interval = run.progressInterval {
            services.append(.init(service: ProgressReporterService(pipelines: running, interval: interval, logger: logger)))
        }
        var pipelines: [PipelineService] = []
        for pipeline in service.pipelines {
            let reporter = PipelineReporter(pipeline: pipeline.name, function: pipeline.function.name, factory: metrics.factory)
            running.add(reporter)
            let runner = try PipelineRunner(
                configuration: pipeline, kafka: service.kafka, groupID: service.groupID, logger: logger, reporter: reporter,
                observe: observe)
            pipelines.append(PipelineService(runner: runner, logger: logger))
        }
        // Last in the group, so shut down first.
        services += pipelines.map {
            .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = run.shutdownTimeout
        self.pipelines = pipelines
        self.running = running
        self.metrics = metrics
        group = ServiceGroup(configuration: configuration)
    }

    /// Runs until every pipeline has stopped. Throws the first pipeline failure, or
    /// ``ShutdownOverrunError`` when a graceful stop overran its bound.
    public func run() async throws {
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            failure = error
        }
        let abandoned = pipelines.compactMap(\.abandoned)
        if !abandoned.isEmpty { throw ShutdownOverrunError(pipelines: abandoned) }
        if let failure { throw failure }
    }

    /// Starts a graceful shutdown, as SIGTERM does.
    public func stop() async {
        await group.triggerGracefulShutdown()
    }
}

/// A graceful stop that overran its bound: which pipelines it left, and what they left.
public struct ShutdownOverrunError: Error, Sendable, CustomStringConvertible {
    public let pipelines: [PipelineStopError]

    public var description: String { pipelines.map(\.description).joined(separator: "\n") }
}
