import Synchronization

/// A flag that asks running pipelines to stop (set on SIGTERM/SIGINT or by the demo's end).
public final class StopSignal: Sendable {
    private let requested = Atomic(false)

    public init() {}

    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    public func request() { requested.store(true, ordering: .releasing) }
}
