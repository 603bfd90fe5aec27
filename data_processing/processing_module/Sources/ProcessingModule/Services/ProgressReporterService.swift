import Logging
import ServiceLifecycle

/// Logs one line per pipeline every few seconds: records in and the rate, results, late, dead
/// letters, open windows, buffered bytes, lag and partitions.
public struct ProgressReporterService: Service, CustomStringConvertible {
    private let pipelines: RunningPipelines
    private let interval: Duration
    private let logger: Logger

    public init(pipelines: RunningPipelines, interval: Duration, logger: Logger) {
        self.pipelines = pipelines
        self.interval = interval
        self.logger = logger
    }

    public var description: String { "progress reporter" }

    public func run() async throws {
        var previous: [String: Int] = [:]
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            for metrics in pipelines.metrics {
                let counters = metrics.counters
                let rate = Double(counters.recordsIn - (previous[metrics.pipeline] ?? 0)) / seconds
                previous[metrics.pipeline] = counters.recordsIn
                logger.info("\(Self.line(metrics, rate: rate))")
            }
        }
    }

    static func line(_ metrics: PipelineMetrics, rate: Double) -> String {
        let counters = metrics.counters
        return "\(metrics.pipeline): in \(counters.recordsIn) (\(Int(rate))/s), out \(counters.recordsOut), late \(counters.late), "
            + "dead letters \(counters.deadLettered), open windows \(metrics.openWindows), buffered \(metrics.bufferedBytes) B, "
            + "lag \(metrics.consumerLag.map(String.init) ?? "?"), partitions \(metrics.assignedPartitions) (\(metrics.pausedPartitions) paused)"
    }
}
