import Synchronization

/// The pipelines of this process, as their reporters: what `/metrics`, `/healthz`, the health file
/// and the progress line read. Safe to use from any thread.
public final class RunningPipelines: Sendable {
    private let reporters = Mutex<[PipelineReporter]>([])

    public init(_ reporters: [PipelineReporter] = []) {
        self.reporters.withLock { $0 = reporters }
    }

    public func add(_ reporter: PipelineReporter) { reporters.withLock { $0.append(reporter) } }

    /// Each pipeline's current figures, in the order they were added.
    public var metrics: [PipelineMetrics] { reporters.withLock { $0 }.map(\.metrics) }

    /// Sets every pipeline's `processing_healthy` gauge for clock reading `now` (ms).
    public func refreshHealth(now: Int64) {
        for reporter in reporters.withLock({ $0 }) { reporter.refreshHealth(now: now) }
    }

    /// 200 and `ok` while every pipeline is healthy; 503 with the reasons otherwise.
    public func health(now: Int64) -> (healthy: Bool, text: String) {
        let pipelines = metrics
        if pipelines.isEmpty { return (false, "no pipeline is running\n") }
        let reasons = pipelines.compactMap { $0.unhealthyReason(now: now) }
        return reasons.isEmpty ? (true, "ok\n") : (false, reasons.joined(separator: "\n") + "\n")
    }
}
