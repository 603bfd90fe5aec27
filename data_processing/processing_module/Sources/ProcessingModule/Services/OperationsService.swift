import Foundation
import ServiceLifecycle

/// The operations endpoint as a service: its blocking accept loop on a thread the service owns,
/// serving until graceful shutdown (the pipelines stop first, so `/metrics` shows their last
/// figures while they commit).
public final class OperationsService: Service, CustomStringConvertible {
    public let server: OperationsServer

    public init(server: OperationsServer) {
        self.server = server
    }

    public var description: String { "operations endpoint on port \(server.port)" }

    public func run() async throws {
        let finished = ThreadCompletion<Void>()
        let server = self.server
        let thread = Thread {
            server.serve()
            finished.finish(.success(()))
        }
        thread.name = "operations endpoint"
        thread.start()
        try? await gracefulShutdown()
        server.stop()
        try await finished.value
    }
}
