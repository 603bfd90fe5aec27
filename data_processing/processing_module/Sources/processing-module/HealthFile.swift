import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// Touches a file every 5 seconds while every pipeline is healthy (its loop beat within the last
/// 30 seconds and it is not stuck waiting for the brokers) and removes it otherwise: the file's age
/// is the service's health for a container healthcheck (`find FILE -mmin -1`).
final class HealthFile: Sendable {
    private let path: String?

    init(path: String?, runners: WatchedRunners) {
        self.path = path
        guard let path else { return }
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 5)
                let now = Int64(Date().timeIntervalSince1970 * 1_000)
                let metrics = runners.metrics
                if !metrics.isEmpty, metrics.allSatisfy({ $0.isHealthy(now: now) }) {
                    _ = FileManager.default.createFile(atPath: path, contents: Data("\(now)\n".utf8))
                } else {
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
        }
    }
}
