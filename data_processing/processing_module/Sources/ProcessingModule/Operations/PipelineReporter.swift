import CoreMetrics
import Foundation
import Kafka
import Synchronization

/// Publishes one pipeline's figures: a snapshot (``PipelineMetrics``) for `/healthz`, the health
/// file, the progress line and tests, and the same figures through swift-metrics (the Prometheus
/// families of `/metrics`, names as documented, labels `pipeline` and `function`).
///
/// The pipeline's thread calls ``publish(_:)`` once per poll; counters move by the difference to
/// the previous publication, so the hot path never touches a metric. Every other member is safe
/// to call from any thread.
public final class PipelineReporter: Sendable {
    public let pipeline: String
    public let function: String
    private let snapshot: Mutex<PipelineMetrics>
    private let families: Families

    public init(pipeline: String, function: String, factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.pipeline = pipeline
        self.function = function
        snapshot = Mutex(PipelineMetrics(pipeline: pipeline, function: function))
        families = Families(dimensions: [("pipeline", pipeline), ("function", function)], factory: factory)
    }

    /// The current figures.
    public var metrics: PipelineMetrics { snapshot.withLock { $0 } }

    /// Applies `change` to the figures and moves the metric families to match.
    public func publish(_ change: (inout PipelineMetrics) -> Void) {
        let (before, after) = snapshot.withLock { metrics in
            let before = metrics
            change(&metrics)
            return (before, metrics)
        }
        families.record(after, since: before)
    }

    /// Function durations of closed windows, into the `processing_function_seconds` histogram.
    public func recordFunctionDurations(_ durations: [Duration]) {
        for duration in durations { families.functionSeconds.recordNanoseconds(Self.nanoseconds(duration)) }
    }

    /// Sets the `processing_healthy` gauge for clock reading `now` (ms); called before each scrape.
    public func refreshHealth(now: Int64) {
        families.healthy.record(metrics.isHealthy(now: now) ? 1 : 0)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}

/// The swift-metrics handles of one pipeline.
private final class Families: Sendable {
    let recordsIn, recordsOut, late, deadLetters, windowsClosed, functionFailures: Counter
    let commits, commitFailures, aborts: Counter
    let openWindows, bufferedBytes, bufferedRecords, pausedPartitions, assignedPartitions, healthy: Gauge
    let functionSeconds: CoreMetrics.Timer
    /// Made with the first statistics: until then the lag is unknown, not zero.
    private let consumerLag: Mutex<Gauge?>
    private let dimensions: [(String, String)]
    private let factory: any MetricsFactory

    init(dimensions: [(String, String)], factory: any MetricsFactory) {
        self.dimensions = dimensions
        self.factory = factory
        consumerLag = Mutex(nil)
        func counter(_ name: String) -> Counter { Counter(label: name, dimensions: dimensions, factory: factory) }
        func gauge(_ name: String) -> Gauge { Gauge(label: name, dimensions: dimensions, factory: factory) }
        recordsIn = counter("processing_records_in_total")
        recordsOut = counter("processing_records_out_total")
        late = counter("processing_records_late_total")
        deadLetters = counter("processing_dead_letters_total")
        windowsClosed = counter("processing_windows_closed_total")
        functionFailures = counter("processing_function_failures_total")
        commits = counter("processing_commits_total")
        commitFailures = counter("processing_commit_failures_total")
        aborts = counter("processing_transaction_aborts_total")
        openWindows = gauge("processing_open_windows")
        bufferedBytes = gauge("processing_buffered_bytes")
        bufferedRecords = gauge("processing_buffered_records")
        pausedPartitions = gauge("processing_paused_partitions")
        assignedPartitions = gauge("processing_assigned_partitions")
        healthy = gauge("processing_healthy")
        functionSeconds = CoreMetrics.Timer(label: "processing_function_seconds", dimensions: dimensions, factory: factory)
    }

    func record(_ now: PipelineMetrics, since before: PipelineMetrics) {
        func advance(_ counter: Counter, _ current: Int, _ previous: Int) {
            if current > previous { counter.increment(by: Int64(current - previous)) }
        }
        advance(recordsIn, now.counters.recordsIn, before.counters.recordsIn)
        advance(recordsOut, now.counters.recordsOut, before.counters.recordsOut)
        advance(late, now.counters.late, before.counters.late)
        advance(deadLetters, now.counters.deadLettered, before.counters.deadLettered)
        advance(windowsClosed, now.counters.windowsClosed, before.counters.windowsClosed)
        advance(functionFailures, now.counters.functionFailures, before.counters.functionFailures)
        advance(commits, now.commits, before.commits)
        advance(commitFailures, now.commitFailures, before.commitFailures)
        advance(aborts, now.aborts, before.aborts)
        openWindows.record(now.openWindows)
        bufferedBytes.record(now.bufferedBytes)
        bufferedRecords.record(now.bufferedRecords)
        pausedPartitions.record(now.pausedPartitions)
        assignedPartitions.record(now.assignedPartitions)
        if let lag = now.consumerLag {
            consumerLag.withLock { gauge in
                if gauge == nil { gauge = Gauge(label: "processing_consumer_lag", dimensions: dimensions, factory: factory) }
                gauge?.record(lag)
            }
        }
    }
}
