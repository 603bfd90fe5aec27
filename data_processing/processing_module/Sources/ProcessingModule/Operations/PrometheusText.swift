/// Renders pipeline metrics in the Prometheus text exposition format (version 0.0.4).
public enum PrometheusText {
    public static func render(_ pipelines: [PipelineMetrics], now: Int64) -> String {
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ value: (PipelineMetrics) -> String?) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for metrics in pipelines {
                guard let value = value(metrics) else { continue }
                text += "\(name){pipeline=\"\(escape(metrics.pipeline))\",function=\"\(escape(metrics.function))\"} \(value)\n"
            }
        }
        family("processing_records_in_total", "counter", "Input records read.") { "\($0.counters.recordsIn)" }
        family("processing_records_out_total", "counter", "Result records produced.") { "\($0.counters.recordsOut)" }
        family("processing_records_late_total", "counter", "Records that arrived after their windows closed.") { "\($0.counters.late)" }
        family("processing_dead_letters_total", "counter", "Records sent to the dead-letter topic.") { "\($0.counters.deadLettered)" }
        family("processing_windows_closed_total", "counter", "Window batches closed.") { "\($0.counters.windowsClosed)" }
        family("processing_function_failures_total", "counter", "Batches whose function threw.") { "\($0.counters.functionFailures)" }
        family("processing_commits_total", "counter", "Offset commits.") { "\($0.commits)" }
        family("processing_commit_failures_total", "counter", "Offset commits that failed (retried later).") { "\($0.commitFailures)" }
        family("processing_transaction_aborts_total", "counter", "Transactions aborted and redone.") { "\($0.aborts)" }
        family("processing_open_windows", "gauge", "Open window ranges.") { "\($0.openWindows)" }
        family("processing_buffered_bytes", "gauge", "Bytes held by open windows.") { "\($0.bufferedBytes)" }
        family("processing_buffered_records", "gauge", "Records held by open windows.") { "\($0.bufferedRecords)" }
        family("processing_paused_partitions", "gauge", "Partitions paused by backpressure.") { "\($0.pausedPartitions)" }
        family("processing_assigned_partitions", "gauge", "Partitions assigned to this instance.") { "\($0.assignedPartitions)" }
        family("processing_consumer_lag", "gauge", "Messages behind the high watermarks.") { $0.consumerLag.map { "\($0)" } }
        family("processing_healthy", "gauge", "1 while the pipeline makes progress.") { $0.isHealthy(now: now) ? "1" : "0" }
        text += "# HELP processing_function_seconds Time spent in the function per window.\n"
        text += "# TYPE processing_function_seconds histogram\n"
        for metrics in pipelines {
            let labels = "pipeline=\"\(escape(metrics.pipeline))\",function=\"\(escape(metrics.function))\""
            let histogram = metrics.counters.functionLatency
            for (bound, count) in zip(LatencyHistogram.bounds, histogram.cumulativeCounts) {
                text += "processing_function_seconds_bucket{\(labels),le=\"\(bound)\"} \(count)\n"
            }
            text += "processing_function_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
            text += "processing_function_seconds_sum{\(labels)} \(histogram.sum)\n"
            text += "processing_function_seconds_count{\(labels)} \(histogram.count)\n"
        }
        return text
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

import Foundation
