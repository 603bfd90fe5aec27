import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 server for operations: `GET /metrics` (Prometheus text) and `GET /healthz`
/// (200 while every pipeline makes progress, 503 otherwise, with the reason). One thread, one
/// request per connection; enough for a scraper and a healthcheck, and no dependency.
public final class OperationsServer: @unchecked Sendable {
    public let port: Int
    private let socket: Int32
    private let metrics: @Sendable () -> [PipelineMetrics]
    private let clock: @Sendable () -> Int64

    /// Listens on `host:port` (port 0: any free port, see ``port``).
    public init(
        host: String = "0.0.0.0", port: Int, metrics: @escaping @Sendable () -> [PipelineMetrics],
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000) }
    ) throws {
        self.metrics = metrics
        self.clock = clock
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ConfigurationError(key: "metrics_port", "cannot open a socket: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            throw ConfigurationError(key: "metrics_host", "\(host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw ConfigurationError(key: "metrics_port", "cannot listen on \(host):\(port) (errno \(errno)); choose another port")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        socket = descriptor
        Thread.detachNewThread { [self] in serve() }
    }

    private func serve() {
        while true {
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            respond(on: connection)
            close(connection)
        }
    }

    private func respond(on connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = recv(connection, &buffer, buffer.count, 0)
        guard count > 0 else { return }
        let requestLine = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = requestLine.split(separator: " ")
        let (status, body): (String, String)
        if parts.count >= 2, parts[0] == "GET" {
            switch parts[1].split(separator: "?").first.map(String.init) ?? "" {
            case "/metrics": (status, body) = ("200 OK", PrometheusText.render(metrics(), now: clock()))
            case "/healthz": (status, body) = health()
            default: (status, body) = ("404 Not Found", "try /metrics or /healthz\n")
            }
        } else {
            (status, body) = ("405 Method Not Allowed", "only GET is served\n")
        }
        let contentType = status.hasPrefix("200") && parts.count >= 2 && parts[1].hasPrefix("/metrics")
            ? "text/plain; version=0.0.4" : "text/plain; charset=utf-8"
        let response = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        let bytes = Array(response.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            sent += written
        }
    }

    private func health() -> (String, String) {
        let now = clock()
        let pipelines = metrics()
        let unhealthy = pipelines.filter { !$0.isHealthy(now: now) }
        if pipelines.isEmpty { return ("503 Service Unavailable", "no pipeline is running\n") }
        if unhealthy.isEmpty { return ("200 OK", "ok\n") }
        let reasons = unhealthy.compactMap { $0.unhealthyReason(now: now) }
        return ("503 Service Unavailable", reasons.joined(separator: "\n") + "\n")
    }
}
