import Foundation
import ServiceLifecycle

/// Touches a file every few seconds while every pipeline is healthy (its loop beat within the last
/// 30 seconds, it can reach a broker and is not stuck waiting for acknowledgements) and removes
/// it otherwise, and at shutdown: the file's age is the service's health for a container
/// healthcheck (`find FILE -mmin -1`).
public struct HealthFileService: Service, CustomStringConvertible {
    public let path: String
    private let pipelines: RunningPipelines
    private let interval: Duration

    public init(path: String, pipelines: RunningPipelines, interval: Duration = .seconds(5)) {
        self.path = path
        self.pipelines = pipelines
        self.interval = interval
    }

    public var description: String { "health file \(path)" }

    public func run() async throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            update(now: Int64(Date().timeIntervalSince1970 * 1_000))
        }
    }

    /// Touches or removes the file for clock reading `now` (ms).
    public func update(now: Int64) {
        if pipelines.health(now: now).healthy {
            _ = FileManager.default.createFile(atPath: path, contents: Data("\(now)\n".utf8))
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
