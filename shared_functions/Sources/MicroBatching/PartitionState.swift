/// Everything the engine knows about one assigned partition, its records aside (they live in
/// ``PaneStore``s: the partition's own in `key` scope, the shared one in `global` scope).
@usableFromInline
struct PartitionState {
    @usableFromInline
    let partition: Int32
    /// Records and bytes the partition holds in open panes.
    @usableFromInline
    var liveRecords = 0
    @usableFromInline
    var liveBytes = 0
    /// Largest event time ingested, or restored from a checkpoint: the base of the idle rule.
    @usableFromInline
    var eventStreamTime: Int64?
    /// Stream time: `eventStreamTime`, possibly advanced further by the idle rule.
    @usableFromInline
    var streamTime: Int64?
    /// The offset after the last ingested record; lower offsets are redeliveries.
    @usableFromInline
    var nextOffset: Int64?
    /// Records below this offset were handled before a restore.
    @usableFromInline
    var replayUntil: Int64 = .min
    /// Stream time restored from a checkpoint: a replayed record beyond it cannot have been buffered.
    @usableFromInline
    var restoredStreamTime: Int64?
    /// Session windows, while replaying: the stream time the first run had at the record being
    /// replayed (from the checkpoint, then moved by each replayed record), which decides lateness.
    @usableFromInline
    var replayStreamTime: Int64?
    /// The committed offset a restore started from, until a record is seen.
    @usableFromInline
    var restoredCommittedOffset: Int64?
    /// Engine clock reading when the last record arrived (or when the partition was assigned).
    @usableFromInline
    var lastActivity: Int64

    @inlinable
    init(partition: Int32, now: Int64) {
        self.partition = partition
        self.lastActivity = now
    }

    /// Admits a record at `offset` (offsets of a partition only grow: a lower one is a redelivery).
    @inlinable
    mutating func admit(offset: Int64, now: Int64) -> ReplayStatus {
        if let nextOffset, offset < nextOffset { return .duplicate }
        let (following, overflow) = offset.addingReportingOverflow(1)
        nextOffset = overflow ? .max : following
        lastActivity = now
        return offset < replayUntil ? .alreadyHandled : .fresh
    }

    /// Counts a buffered record and moves stream time to its event time when later; returns the
    /// previous and new stream time when it moved.
    @inlinable
    mutating func buffer(eventTime: Int64, byteCount: Int) -> (previous: Int64?, streamTime: Int64)? {
        liveRecords += 1
        liveBytes += byteCount
        if eventTime > eventStreamTime ?? .min { eventStreamTime = eventTime }
        let previous = streamTime
        guard eventTime > previous ?? .min else { return nil }
        streamTime = eventTime
        return (previous, eventTime)
    }

    /// The idle rule: after `idleTimeout` of silence, stream time is the last event stream time
    /// plus the silence. Returns whether stream time moved.
    @inlinable
    mutating func applyIdleRule(now: Int64, idleTimeout: Int64?) -> Bool {
        guard let idleTimeout, isIdle(now: now, idleTimeout: idleTimeout), let base = eventStreamTime else {
            return false
        }
        let advanced = base + (now - lastActivity)
        guard advanced > streamTime ?? .min else { return false }
        streamTime = advanced
        return true
    }

    @inlinable
    func isIdle(now: Int64, idleTimeout: Int64?) -> Bool {
        guard let idleTimeout else { return false }
        return now - lastActivity >= idleTimeout
    }

    /// Whether records are being replayed (below the restored progress offset).
    @inlinable
    var isReplaying: Bool { (nextOffset ?? restoredCommittedOffset ?? .max) < replayUntil }

    /// The stream time that decides whether the next record is late: the first run's while
    /// replaying, the current one after.
    @inlinable
    var latenessStreamTime: Int64? { isReplaying ? replayStreamTime : streamTime }

    /// The committable offset given the lowest offset the partition still holds.
    @inlinable
    func committableOffset(lowestHeld: Int64?) -> Int64? {
        lowestHeld ?? nextOffset ?? restoredCommittedOffset
    }

    @inlinable
    var progressOffset: Int64? {
        guard let nextOffset else { return restoredCommittedOffset.map { max($0, replayUntil) } }
        return max(nextOffset, replayUntil)
    }
}
