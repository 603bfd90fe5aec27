import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule

/// Requests `stop` on SIGTERM or SIGINT, then calls `onSignal`.
func installTerminationHandler(_ stop: StopSignal, onSignal: @escaping @Sendable () -> Void = {}) {
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            stop.request()
            onSignal()
        }
        source.resume()
        TerminationSources.shared.keep(source)
    }
}

/// Keeps signal sources and servers alive for the life of the process.
final class TerminationSources: @unchecked Sendable {
    static let shared = TerminationSources()
    private let lock = NSLock()
    private var kept: [Any] = []

    func keep(_ object: Any) { lock.withLock { kept.append(object) } }
}
