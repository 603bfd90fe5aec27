import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import ProcessingModule

@Suite("Operations endpoint")
struct OperationsServerTests {
    static func get(_ port: Int, _ path: String) async throws -> (Int, String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func metrics(heartbeat: Int64, waiting: Bool = false) -> PipelineMetrics {
        var metrics = PipelineMetrics(pipeline: "stats", function: "function_a")
        metrics.counters.recordsIn = 1_234
        metrics.counters.recordsOut = 56
        metrics.counters.late = 7
        metrics.counters.deadLettered = 3
        metrics.openWindows = 9
        metrics.bufferedBytes = 4_096
        metrics.consumerLag = 42
        metrics.commits = 5
        metrics.lastHeartbeat = heartbeat
        metrics.waitingForBrokers = waiting
        return metrics
    }

    /// A server over one pipeline reporting `metrics` (and one 2 ms function call), serving on a
    /// thread of its own until the test stops it.
    static func serving(_ metrics: PipelineMetrics, clock: @escaping @Sendable () -> Int64) throws -> OperationsServer {
        let prometheus = PrometheusMetrics()
        let reporter = PipelineReporter(pipeline: metrics.pipeline, function: metrics.function, factory: prometheus.factory)
        reporter.publish { $0 = metrics }
        reporter.recordFunctionDurations([.milliseconds(2)])
        let endpoint = OperationsEndpoint(pipelines: RunningPipelines([reporter]), metrics: prometheus, clock: clock)
        let server = try OperationsServer(host: "127.0.0.1", port: 0, endpoint: endpoint)
        Thread.detachNewThread { server.serve() }
        return server
    }

    @Test("/metrics serves Prometheus text with every family and labels")
    func metricsEndpoint() async throws {
        let server = try Self.serving(Self.metrics(heartbeat: 1_000), clock: { 2_000 })
        defer { server.stop() }
        let (status, body) = try await Self.get(server.port, "/metrics")
        #expect(status == 200)
        for line in [
            #"processing_records_in_total{pipeline="stats",function="function_a"} 1234"#,
            #"processing_records_out_total{pipeline="stats",function="function_a"} 56"#,
            #"processing_records_late_total{pipeline="stats",function="function_a"} 7"#,
            #"processing_dead_letters_total{pipeline="stats",function="function_a"} 3"#,
            #"processing_open_windows{pipeline="stats",function="function_a"} 9"#,
            #"processing_buffered_bytes{pipeline="stats",function="function_a"} 4096"#,
            #"processing_consumer_lag{pipeline="stats",function="function_a"} 42"#,
            #"processing_commits_total{pipeline="stats",function="function_a"} 5"#,
            #"processing_function_seconds_bucket{pipeline="stats",function="function_a",le="0.005"} 1"#,
            #"processing_function_seconds_bucket{pipeline="stats",function="function_a",le="0.001"} 0"#,
            #"processing_function_seconds_count{pipeline="stats",function="function_a"} 1"#,
            "# TYPE processing_function_seconds histogram",
        ] {
            #expect(body.contains(line + "\n") || body.contains(line), "missing: \(line)")
        }
    }

    @Test("/healthz is 200 while pipelines progress, 503 with the reason otherwise")
    func healthEndpoint() async throws {
        let healthy = try Self.serving(Self.metrics(heartbeat: 100_000), clock: { 110_000 })
        defer { healthy.stop() }
        #expect(try await Self.get(healthy.port, "/healthz") == (200, "ok\n"))
        let stale = try Self.serving(Self.metrics(heartbeat: 0), clock: { 45_000 })
        defer { stale.stop() }
        let (staleStatus, staleBody) = try await Self.get(stale.port, "/healthz")
        #expect(staleStatus == 503 && staleBody.contains("stats: no progress for 45 s"))
        let waiting = try Self.serving(Self.metrics(heartbeat: 100_000, waiting: true), clock: { 100_001 })
        defer { waiting.stop() }
        let (waitingStatus, waitingBody) = try await Self.get(waiting.port, "/healthz")
        #expect(waitingStatus == 503 && waitingBody.contains("waiting for the brokers"))
        #expect(try await Self.get(healthy.port, "/other").0 == 404)
    }
}
