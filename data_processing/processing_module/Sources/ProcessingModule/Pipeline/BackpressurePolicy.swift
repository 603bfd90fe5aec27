/// Which partitions to pause while the buffered bytes exceed their bound, and when to resume them.
/// Pure: the runner applies its decisions to the consumer and the engine.
///
/// The engine names the partitions to pause at the current buffer level (those furthest ahead in
/// stream time, whose records wait longest for their windows to close). The bound is soft: when
/// the partitions left running deliver nothing for ``stallInterval`` ms (they reached the end of
/// their data, so the windows holding the buffer cannot close), every partition resumes for as
/// long again; holding the others paused would stop the pipeline for good.
public struct BackpressurePolicy: Sendable {
    /// What changed, for the log.
    public enum Event: Sendable, Equatable {
        /// Over the bound: these partitions are paused.
        case paused([Int32], bufferedBytes: Int)
        /// Over the bound, but the running partitions had no data: every partition resumes.
        case stalled(bufferedBytes: Int)
        /// Back under the bound: these partitions resume.
        case resumedUnderBound([Int32])
        /// Still over the bound, but these partitions are now furthest behind: their windows close first.
        case resumedFurthestBehind([Int32])
    }

    /// Partitions to pause and to resume now, and what to log.
    public struct Decision: Sendable, Equatable {
        public var pause: [Int32] = []
        public var resume: [Int32] = []
        public var events: [Event] = []
    }

    public let bufferLimit: Int
    public static let stallInterval: Int64 = 1_000
    public private(set) var paused: Set<Int32> = []
    private var stallResumedAt: Int64 = .min / 2

    public init(bufferLimit: Int) {
        self.bufferLimit = bufferLimit
    }

    /// Decides at clock reading `now` (ms). `lastDelivery` is when a poll last delivered records;
    /// `wanted` is the engine's advice for `bufferedBytes` (``MicroBatching/MicroBatchEngine/partitionsToPause(bufferLimit:)``).
    public mutating func decide(now: Int64, lastDelivery: Int64, bufferedBytes: Int, wanted engineAdvice: [Int32]) -> Decision {
        var decision = Decision()
        if !paused.isEmpty, now - lastDelivery > Self.stallInterval {
            stallResumedAt = now
            decision.events.append(.stalled(bufferedBytes: bufferedBytes))
        }
        let holdingOff = now - stallResumedAt <= Self.stallInterval
        let wanted = holdingOff ? [] : Set(engineAdvice)
        decision.pause = wanted.subtracting(paused).sorted()
        decision.resume = paused.subtracting(wanted).sorted()
        if !decision.pause.isEmpty { decision.events.append(.paused(decision.pause, bufferedBytes: bufferedBytes)) }
        if !decision.resume.isEmpty {
            decision.events.append(
                bufferedBytes <= bufferLimit ? .resumedUnderBound(decision.resume) : .resumedFurthestBehind(decision.resume))
        }
        paused = wanted
        return decision
    }

    /// A revoked partition is no longer paused by this policy.
    public mutating func forget(_ partition: Int32) {
        paused.remove(partition)
    }
}
