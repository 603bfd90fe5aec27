import CoreMetrics
import Prometheus

/// The process's Prometheus registry, fed through swift-metrics: ``factory`` makes the handlers
/// (``PipelineReporter`` uses it), ``exposition()`` renders the text format that `/metrics`
/// serves. Each family is registered with its help text; the function-time histogram gets buckets
/// from 0.1 ms to 5 s.
public final class PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: any MetricsFactory

    /// Upper bounds of `processing_function_seconds`.
    public static let functionSecondsBuckets: [Duration] = [
        .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
        .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    public init() {
        registry = PrometheusCollectorRegistry()
        factory = DescribedMetricsFactory(registry: registry)
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func exposition() -> String { registry.emitToString() }

    /// What each family measures (the `# HELP` lines).
    static let help: [String: String] = [
        "processing_records_in_total": "Input records read.",
        "processing_records_out_total": "Result records produced.",
        "processing_records_late_total": "Records that arrived after their windows closed.",
        "processing_dead_letters_total": "Records sent to the dead-letter topic.",
        "processing_windows_closed_total": "Window batches closed.",
        "processing_function_failures_total": "Batches whose function threw.",
        "processing_commits_total": "Offset commits.",
        "processing_commit_failures_total": "Offset commits that failed (retried later).",
        "processing_transaction_aborts_total": "Transactions aborted and redone.",
        "processing_open_windows": "Open window ranges.",
        "processing_buffered_bytes": "Bytes held by open windows.",
        "processing_buffered_records": "Records held by open windows.",
        "processing_paused_partitions": "Partitions paused by backpressure.",
        "processing_assigned_partitions": "Partitions assigned to this instance.",
        "processing_consumer_lag": "Messages behind the high watermarks.",
        "processing_healthy": "1 while the pipeline makes progress.",
        "processing_function_seconds": "Time spent in the function per window.",
    ]
}

/// A swift-metrics factory over a Prometheus registry that registers every family with its help
/// text (swift-prometheus' own factory registers none).
struct DescribedMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: PrometheusMetrics.help[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            descriptor: descriptor(label), labels: dimensions, buckets: PrometheusMetrics.functionSecondsBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
