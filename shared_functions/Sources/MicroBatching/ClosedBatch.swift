/// One window the engine closed: its batch, why it closed, and which input offsets fed it.
public struct ClosedBatch<Payload> {
    public let batch: WindowBatch<Payload>
    public let reason: CloseReason
    /// The offset range of a batch from one partition (the usual case, kept without an array).
    @usableFromInline
    let onlyRange: OffsetRange?
    @usableFromInline
    let ranges: [OffsetRange]
    /// Session windows: per partition, the stream time when the batch's lowest-offset record of
    /// that partition arrived (absent: no record preceded it). With the offset ranges it lets
    /// `verify` decide lateness as the first run did.
    public var inputStreamTimes: [Int32: Int64] { streamTimes }
    @usableFromInline
    var streamTimes: [Int32: Int64] = [:]

    /// Per partition, the first and last offset of the records in the batch (provenance).
    @inlinable
    public var offsetRanges: [OffsetRange] { onlyRange.map { [$0] } ?? ranges }

    @inlinable
    init(batch: WindowBatch<Payload>, reason: CloseReason, offsetRanges: [OffsetRange]) {
        self.batch = batch
        self.reason = reason
        onlyRange = nil
        ranges = offsetRanges
    }

    @inlinable
    init(batch: WindowBatch<Payload>, reason: CloseReason, offsetRange: OffsetRange) {
        self.batch = batch
        self.reason = reason
        onlyRange = offsetRange
        ranges = []
    }
}

extension ClosedBatch: Sendable where Payload: Sendable {}

/// Why a window closed.
public enum CloseReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stream time reached the window's end plus grace.
    case streamTime = "stream-time"
    /// The partition was silent for the idle timeout and its stream time advanced with the clock.
    case idleTimeout = "idle-timeout"
    /// The input ended (replay) and every open window was closed.
    case endOfInput = "end-of-input"
    /// A session reached its maximum duration (a multiple of it in event time) and was cut there.
    case maximumDuration = "maximum-duration"
    /// A count window received its last record.
    case countReached = "count-reached"
}

/// An inclusive range of offsets within one partition.
public struct OffsetRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public let partition: Int32
    public let first: Int64
    public let last: Int64

    @inlinable
    public init(partition: Int32, first: Int64, last: Int64) {
        self.partition = partition
        self.first = first
        self.last = last
    }

    /// `partition:first-last`, the form used in provenance headers.
    public var description: String { "\(partition):\(first)-\(last)" }
}
