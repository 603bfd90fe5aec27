import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A minimal HTTP/1.1 server for operations: `GET` requests answered by ``OperationsEndpoint``,
/// one request per connection. Enough for a scraper and a healthcheck, with no dependency; the
/// socket calls are POSIX (Linux and macOS).
///
/// ``init(host:port:endpoint:)`` binds and listens, so a taken port is reported at start-up;
/// ``serve()`` blocks the calling thread (``OperationsService`` gives it one) until ``stop()``.
public final class OperationsServer: Sendable {
    /// The port listened on (the one asked for, or the one the system chose for port 0).
    public let port: Int
    private let listener: Int32
    private let endpoint: OperationsEndpoint

    public init(host: String = "0.0.0.0", port: Int, endpoint: OperationsEndpoint) throws(OperationsServerError) {
        self.endpoint = endpoint
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw OperationsServerError(.socket, host: host, port: port) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            throw OperationsServerError(.address, host: host, port: port)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let error = OperationsServerError(.bind, host: host, port: port)
            close(descriptor)
            throw error
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = descriptor
    }

    /// Answers requests until ``stop()``.
    public func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            respond(on: connection)
            close(connection)
        }
        close(listener)
    }

    /// Ends ``serve()``: the listening socket is shut down, so `accept` returns.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func respond(on connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
            var noSignal: Int32 = 1
            setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
            let sendFlags: Int32 = 0
        #else
            let sendFlags = Int32(MSG_NOSIGNAL)
        #endif
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = recv(connection, &buffer, buffer.count, 0)
        guard count > 0 else { return }
        let requestLine = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = requestLine.split(separator: " ")
        let response =
            parts.count >= 2 && parts[0] == "GET"
            ? endpoint.respond(path: String(parts[1].split(separator: "?").first ?? ""))
            : OperationsEndpoint.Response(status: "405 Method Not Allowed", contentType: "text/plain; charset=utf-8", body: "only GET is served\n")
        let bytes = Array(
            ("HTTP/1.1 \(response.status)\r\nContent-Type: \(response.contentType)\r\nContent-Length: \(response.body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(response.body)").utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, sendFlags) }
            if written <= 0 { return }
            sent += written
        }
    }
}

/// Why the operations endpoint could not listen.
public struct OperationsServerError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        case socket, address, bind
    }

    public let code: Code
    public let host: String
    public let port: Int
    /// The system's reason (`strerror`).
    public let reason: String

    init(_ code: Code, host: String, port: Int) {
        self.code = code
        self.host = host
        self.port = port
        reason = String(cString: strerror(errno))
    }

    public var description: String {
        switch code {
        case .socket: "the operations endpoint cannot open a socket: \(reason)"
        case .address: "the operations endpoint's host \(host) is not an IPv4 address"
        case .bind:
            "the operations endpoint cannot listen on \(host):\(port): \(reason); choose another port with --metrics-port "
                + "(or PROCESSING_MODULE_METRICS_PORT), or 0 for none"
        }
    }
}
