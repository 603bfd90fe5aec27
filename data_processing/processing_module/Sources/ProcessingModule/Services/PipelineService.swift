import Logging
import ServiceLifecycle

/// One pipeline as a service: ``PipelineRunner/run()`` on a thread of its own
/// (``ThreadedService``). Graceful shutdown asks the loop to stop: it commits, leaves the group and
/// returns. If the graceful-shutdown bound passes first, the service logs what the pipeline leaves
/// uncommitted and throws ``PipelineStopError``; the next start replays that work.
public final class PipelineService: Service, CustomStringConvertible {
    public let runner: PipelineRunner
    private let thread: ThreadedService

    public init(runner: PipelineRunner, logger: Logger) {
        self.runner = runner
        thread = ThreadedService(
            name: "pipeline \(runner.configuration.name)", stop: runner.stop, logger: logger,
            abandonment: { PipelineStopError(pipeline: runner.configuration.name, pending: runner.metrics.pending) },
            body: { try runner.run() })
    }

    public var description: String { thread.name }

    /// Set when the pipeline did not stop within the graceful-shutdown bound.
    public var abandoned: PipelineStopError? { thread.abandoned as? PipelineStopError }

    public func run() async throws {
        try await thread.run()
    }
}

/// A pipeline that did not stop within the graceful-shutdown bound, and what it left.
public struct PipelineStopError: Error, Sendable, CustomStringConvertible {
    public let pipeline: String
    public let pending: PendingWork

    public var description: String {
        "pipeline \(pipeline) did not stop within the graceful-shutdown bound; left: \(pending). "
            + "Raise --shutdown-timeout if the brokers are slow to acknowledge."
    }
}
