/// A snapshot of one pipeline's figures for `/metrics`, `/healthz` and the progress line.
public struct PipelineMetrics: Sendable {
    public var pipeline: String
    public var function: String
    public var counters = PipelineCounters()
    public var openWindows = 0
    public var bufferedBytes = 0
    public var bufferedRecords = 0
    /// Messages between the consumer's position and the high watermarks, from librdkafka's
    /// statistics; `nil` until the first statistics arrive.
    public var consumerLag: Int64?
    public var commits = 0
    public var commitFailures = 0
    /// Transactions aborted (exactly-once), each followed by a rewind.
    public var aborts = 0
    public var pausedPartitions = 0
    public var assignedPartitions = 0
    /// Clock reading (ms) of the last loop that made progress.
    public var lastHeartbeat: Int64 = 0
    /// Set while the loop waits for the brokers (a flush that does not complete).
    public var waitingForBrokers = false
    /// False while the consumer's last statistics showed no broker connection up: the pipeline
    /// can neither read nor deliver, whether or not it has work waiting.
    public var brokersReachable = true
    /// What a stop now would leave uncommitted (logged when a stop overruns its bound).
    public var pending = PendingWork()

    public init(pipeline: String, function: String) {
        self.pipeline = pipeline
        self.function = function
    }

    /// Healthy: the loop beat within `tolerance` ms of `now`, is not stuck waiting for brokers,
    /// and can reach at least one broker.
    public func isHealthy(now: Int64, tolerance: Int64 = 30_000) -> Bool {
        !waitingForBrokers && brokersReachable && now - lastHeartbeat < tolerance
    }

    /// Why the pipeline is unhealthy, for `/healthz`; `nil` when healthy.
    public func unhealthyReason(now: Int64, tolerance: Int64 = 30_000) -> String? {
        if waitingForBrokers { return "\(pipeline): waiting for the brokers to acknowledge" }
        if !brokersReachable { return "\(pipeline): no broker reachable" }
        if now - lastHeartbeat >= tolerance { return "\(pipeline): no progress for \((now - lastHeartbeat) / 1_000) s" }
        return nil
    }
}
