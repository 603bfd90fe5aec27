import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// The runners of this process, for the operations endpoint, the health file and progress lines.
final class WatchedRunners: @unchecked Sendable {
    private let lock = NSLock()
    private var runners: [PipelineRunner] = []

    func add(_ runner: PipelineRunner) { lock.withLock { runners.append(runner) } }

    var metrics: [PipelineMetrics] { lock.withLock { runners }.map(\.metrics) }
}
