import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

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
