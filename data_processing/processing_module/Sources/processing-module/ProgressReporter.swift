import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// Logs one line per pipeline every few seconds: records in and the rate, results, late, dead
/// letters, open windows, buffered bytes and lag.
enum ProgressReporter {
    static func start(every seconds: Double, runners: WatchedRunners, logger: Logger) {
        guard seconds > 0 else { return }
        Thread.detachNewThread {
            var previous: [String: Int] = [:]
            while true {
                Thread.sleep(forTimeInterval: seconds)
                for metrics in runners.metrics {
                    let counters = metrics.counters
                    let rate = Double(counters.recordsIn - (previous[metrics.pipeline] ?? 0)) / seconds
                    previous[metrics.pipeline] = counters.recordsIn
                    logger.info(
                        "\(metrics.pipeline): in \(counters.recordsIn) (\(Int(rate))/s), out \(counters.recordsOut), late \(counters.late), dead letters \(counters.deadLettered), open windows \(metrics.openWindows), buffered \(metrics.bufferedBytes) B, lag \(metrics.consumerLag.map(String.init) ?? "?"), partitions \(metrics.assignedPartitions) (\(metrics.pausedPartitions) paused)")
                }
            }
        }
    }
}
