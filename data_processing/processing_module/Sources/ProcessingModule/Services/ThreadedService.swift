import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Blocking work as a service: `body` runs on a thread the service owns, never on Swift's
/// cooperative pool, until it returns; graceful shutdown requests `stop`, which `body` must honour.
///
/// If the task is cancelled first (the group's graceful-shutdown bound passed), the service stops
/// waiting for the thread, logs the error `abandonment` makes and throws it (it is also kept in
/// ``abandoned``); the thread ends with the process.
public final class ThreadedService: Service, CustomStringConvertible {
    public let name: String
    private let stop: StopSignal
    private let logger: Logger
    private let body: @Sendable () throws -> Void
    private let abandonment: @Sendable () -> any Error
    private let abandonedError = Mutex<(any Error)?>(nil)

    public init(
        name: String, stop: StopSignal, logger: Logger, abandonment: @escaping @Sendable () -> any Error,
        body: @escaping @Sendable () throws -> Void
    ) {
        self.name = name
        self.stop = stop
        self.logger = logger
        self.abandonment = abandonment
        self.body = body
    }

    public var description: String { name }

    /// The error the service was abandoned with, once its task was cancelled before `body` returned.
    public var abandoned: (any Error)? { abandonedError.withLock { $0 } }

    public func run() async throws {
        let completion = ThreadCompletion<Void>()
        let body = self.body
        let thread = Thread { completion.finish(Result { try body() }) }
        thread.name = name
        thread.start()
        let stop = self.stop
        let logger = self.logger
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await completion.value
            } onGracefulShutdown: {
                stop.request()
            }
        } onCancel: {
            stop.request()
            let error = abandonment()
            if completion.abandon(error) {
                abandonedError.withLock { $0 = error }
                logger.error("\(error)")
            }
        }
    }
}
