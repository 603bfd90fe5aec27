import Foundation

/// What the operations server answers: `/metrics` (the Prometheus registry, with each pipeline's
/// health refreshed first) and `/healthz` (200 while every pipeline makes progress, 503 with the
/// reasons otherwise).
public struct OperationsEndpoint: Sendable {
    public struct Response: Sendable, Equatable {
        public var status: String
        public var contentType: String
        public var body: String
    }

    private let pipelines: RunningPipelines
    private let metrics: PrometheusMetrics
    private let clock: @Sendable () -> Int64

    public init(
        pipelines: RunningPipelines, metrics: PrometheusMetrics,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000) }
    ) {
        self.pipelines = pipelines
        self.metrics = metrics
        self.clock = clock
    }

    public func respond(path: String) -> Response {
        switch path {
        case "/metrics":
            pipelines.refreshHealth(now: clock())
            return Response(status: "200 OK", contentType: "text/plain; version=0.0.4", body: metrics.exposition())
        case "/healthz":
            let (healthy, text) = pipelines.health(now: clock())
            return Response(status: healthy ? "200 OK" : "503 Service Unavailable", contentType: "text/plain; charset=utf-8", body: text)
        default:
            return Response(status: "404 Not Found", contentType: "text/plain; charset=utf-8", body: "try /metrics or /healthz\n")
        }
    }
}
