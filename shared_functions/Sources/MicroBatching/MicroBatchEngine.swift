/// The pure, deterministic micro-batching engine: assigns records to windows, tracks stream time
/// per partition, closes windows at `end + grace`, reports late records, and tracks the offsets
/// and checkpoints that make recovery exact. It does no I/O; time comes from an injected
/// ``EngineClock``.
///
/// Drive it with ``ingest(_:)`` for each record (in offset order per partition) and
/// ``closeWindows()`` whenever results are wanted (after each poll). Closed batches come out by
/// window end, then key, then partition; each record's batch contents are sorted by (event time,
/// partition, offset), so the same input gives the same batches whatever the interleaving of
/// partitions. After producing a close's results, commit ``checkpoint(of:)`` for each partition;
/// after a crash, ``assign(_:from:)`` with that checkpoint and replay from its committed offset
/// reproduces exactly the outputs an uninterrupted run would have produced.
///
/// Costs: ingest is O(size/advance) dictionary operations plus O(log E) when a record opens a new
/// window end (E distinct open ends); a record is stored once whatever the number of windows it
/// belongs to; closing costs O(log E) per closed end plus sorting the closed batches.
public struct MicroBatchEngine<Payload> {
    public let configuration: EngineConfiguration
    @usableFromInline
    let clock: any EngineClock

    @usableFromInline
    var slots: [PartitionState<Payload>?] = []
    @usableFromInline
    var freeSlots: [Int] = []
    /// The partition of each slot (kept beside `slots` so reading it never copies a partition's state).
    @usableFromInline
    var slotPartitions: [Int32] = []
    @usableFromInline
    var slotByPartition: [Int32: Int] = [:]
    /// Open windows of `global` scope (unused in `key` scope, where each partition has its own).
    @usableFromInline
    var globalIndex = WindowIndex()
    /// The last computed minimum stream time over partitions (`global` scope).
    @usableFromInline
    var globalMinimumStreamTime: Int64?
    @usableFromInline
    var pausedPartitions: Set<Int32> = []

    @inlinable
    public init(configuration: EngineConfiguration, clock: any EngineClock) {
        self.configuration = configuration
        self.clock = clock
    }

    // MARK: Partitions

    /// The partitions the engine holds state for, ascending.
    @inlinable
    public var assignedPartitions: [Int32] { slotByPartition.keys.sorted() }

    /// Starts tracking `partition`, restoring its progress from `checkpoint` when given. Records
    /// must then be replayed from `checkpoint.committedOffset`: those below its progress offset
    /// whose windows are closed are reported ``IngestOutcome/alreadyHandled``, the others rebuild
    /// their open windows. Assigning a partition already assigned replaces its state.
    @discardableResult
    @inlinable
    public mutating func assign(_ partition: Int32, from checkpoint: OffsetCheckpoint? = nil) -> AssignmentReport {
        revoke(partition)
        let now = clock.now()
        var state = PartitionState<Payload>(partition: partition, now: now)
        var report = AssignmentReport(partition: partition, restored: checkpoint != nil, windowSpecificationChanged: false)
        if let checkpoint {
            state.eventStreamTime = checkpoint.streamTime
            state.streamTime = checkpoint.streamTime
            state.nextOffset = checkpoint.committedOffset
            state.replayUntil = checkpoint.progressOffset
            state.restoredStreamTime = checkpoint.streamTime
            state.restoredCommittedOffset = checkpoint.committedOffset
            if let closedThrough = checkpoint.closedThrough {
                switch configuration.scope {
                case .key: state.index.advanceClosedThrough(to: closedThrough)
                case .global: globalIndex.advanceClosedThrough(to: closedThrough)
                }
            }
            report.windowSpecificationChanged = checkpoint.windowSpecification != configuration.window
        }
        let slot = freeSlots.popLast() ?? slots.count
        if slot == slots.count {
            slots.append(nil)
            slotPartitions.append(partition)
        }
        slots[slot] = state
        slotPartitions[slot] = partition
        slotByPartition[partition] = slot
        if configuration.scope == .global { globalMinimumStreamTime = nil }
        return report
    }

    /// Stops tracking `partition` and drops its buffered records and open windows (the next owner
    /// replays them from the committed offset).
    @inlinable
    public mutating func revoke(_ partition: Int32) {
        guard let slot = slotByPartition.removeValue(forKey: partition) else { return }
        if configuration.scope == .global {
            globalIndex.removeReferences(toSlot: slot)
            globalMinimumStreamTime = nil
        }
        slots[slot] = nil
        freeSlots.append(slot)
        pausedPartitions.remove(partition)
    }

    /// Tells the engine that the caller paused or resumed fetching `partition`. A paused
    /// partition is never treated as idle: its silence is the caller's doing, not the stream's.
    @inlinable
    public mutating func setPaused(_ partition: Int32, _ paused: Bool) {
        if paused { pausedPartitions.insert(partition) } else { pausedPartitions.remove(partition) }
        if !paused, let slot = slotByPartition[partition] {
            let now = clock.now()
            slots[slot]?.lastActivity = now
        }
    }

    // MARK: Ingest

    /// Offers one record. Records of one partition must come in offset order (lower offsets after
    /// a higher one are reported as duplicates). A partition never assigned is assigned now,
    /// without a checkpoint.
    @inlinable
    public mutating func ingest(_ record: InputRecord<Payload>) -> IngestOutcome<Payload> {
        let now = clock.now()
        let slot = slotIndex(for: record.partition, now: now)
        let replaying: Bool
        switch admit(offset: record.offset, slot: slot, now: now) {
        case .duplicate: return .duplicate
        case .alreadyHandled: replaying = true
        case .fresh: replaying = false
        }
        let eventTime = configuration.time == .processingTime ? now : record.eventTime
        // The skew reference is when the record was written, so restarts and replays decide alike;
        // but never later than the clock: a producer can forge a far-future timestamp together
        // with a far-future event time, and the clock only moves forward, so the decision holds.
        if let rejection = rejection(of: eventTime, reference: min(record.writtenAt ?? now, now)) {
            return replaying ? .alreadyHandled : .rejected(rejection)
        }
        if replaying, configuration.time == .eventTime, eventTime > slots[slot]?.restoredStreamTime ?? .max {
            // Buffering it would have advanced stream time past the restored value: it was
            // rejected (ahead of the clock then) or handled outside before the restore.
            return .alreadyHandled
        }
        let specification = configuration.window
        let latest = specification.latestWindow(containing: eventTime)
        let closedThrough = domainClosedThrough(slot: slot)
        var openWindows = specification.windowsPerRecord
        if let closedThrough {
            if latest.end <= closedThrough {
                if replaying { return .alreadyHandled }
                return .late(
                    LateRecord(
                        partition: record.partition, offset: record.offset, key: record.key, eventTime: eventTime,
                        window: latest, lateness: closedThrough - latest.end, payload: record.payload))
            }
            openWindows = min(openWindows, Int((latest.end - closedThrough - 1) / specification.advance) + 1)
        }
        buffer(record, eventTime: eventTime, latestEnd: latest.end, openWindows: openWindows, slot: slot)
        advanceStreamTime(slot: slot, eventTime: eventTime)
        return .buffered
    }

    /// Records that a record was handled outside the engine (for example dead-lettered because
    /// its value is malformed), so progress moves past it. Returns whether the caller should act
    /// on it (``ReplayStatus/fresh``) or skip it because it was handled before a restore or is a
    /// redelivery.
    @inlinable
    public mutating func recordHandledOutside(partition: Int32, offset: Int64) -> ReplayStatus {
        let now = clock.now()
        return admit(offset: offset, slot: slotIndex(for: partition, now: now), now: now)
    }

    @inlinable
    mutating func slotIndex(for partition: Int32, now: Int64) -> Int {
        if let slot = slotByPartition[partition] { return slot }
        assign(partition)
        return slotByPartition[partition] ?? 0
    }

    @inlinable
    mutating func admit(offset: Int64, slot: Int, now: Int64) -> ReplayStatus {
        guard var state = slots[slot].take() else { return .duplicate }
        defer { slots[slot] = state }
        if let next = state.nextOffset, offset < next { return .duplicate }
        let (following, overflow) = offset.addingReportingOverflow(1)
        state.nextOffset = overflow ? .max : following
        state.lastActivity = now
        return offset < state.replayUntil ? .alreadyHandled : .fresh
    }

    @inlinable
    func rejection(of eventTime: Int64, reference: Int64) -> RecordRejection? {
        guard EventTime.supportedRange.contains(eventTime) else { return .eventTimeOutOfRange(eventTime: eventTime) }
        if configuration.time == .eventTime, let maximumSkew = configuration.maximumClockSkew {
            let (ahead, overflow) = eventTime.subtractingReportingOverflow(reference)
            if !overflow, ahead > maximumSkew {
                return .eventTimeAheadOfClock(eventTime: eventTime, clock: reference, maximumSkew: maximumSkew)
            }
        }
        return nil
    }

    @inlinable
    mutating func buffer(
        _ record: InputRecord<Payload>, eventTime: Int64, latestEnd: Int64, openWindows: Int, slot: Int
    ) {
        let advance = configuration.window.advance
        let sequence =
            slots[slot]?.arena.append(
                offset: record.offset, eventTime: eventTime, key: record.key, payload: record.payload,
                byteCount: record.byteCount, windows: Int32(openWindows)) ?? 0
        let reference = RecordReference(slot: slot, sequence: sequence)
        for step in 0..<openWindows {
            let end = latestEnd - Int64(step) * advance
            switch configuration.scope {
            case .key: slots[slot]?.index.add(reference, end: end)
            case .global: globalIndex.add(reference, end: end)
            }
        }
    }

    @inlinable
    mutating func advanceStreamTime(slot: Int, eventTime: Int64) {
        guard var state = slots[slot].take() else { return }
        let previous = state.streamTime
        state.eventStreamTime = max(state.eventStreamTime ?? .min, eventTime)
        state.streamTime = max(previous ?? .min, eventTime)
        let advanced = state.streamTime != previous
        let streamTime = state.streamTime ?? eventTime
        switch configuration.scope {
        case .key:
            if advanced { state.index.advanceClosedThrough(to: streamTime - configuration.window.grace) }
            slots[slot] = state
        case .global:
            slots[slot] = state
            if advanced, previous == nil || previous == globalMinimumStreamTime || globalMinimumStreamTime == nil {
                advanceGlobalClosedThrough(skippingIdleAt: nil)
            }
        }
    }

    /// Recomputes `global` scope's closed-through from the minimum stream time over partitions;
    /// with a clock reading, partitions idle at that time are skipped (all idle: the minimum of
    /// their advanced stream times). A partition without any record blocks closing.
    @inlinable
    mutating func advanceGlobalClosedThrough(skippingIdleAt now: Int64?) {
        var minimum: Int64?
        var idleMinimum: Int64?
        var blocked = false
        for case let state? in slots {
            let idle = now.map { isIdle(state, now: $0) } ?? false
            guard let streamTime = state.streamTime else {
                if !idle { blocked = true }
                continue
            }
            if idle {
                idleMinimum = min(idleMinimum ?? .max, streamTime)
            } else {
                minimum = min(minimum ?? .max, streamTime)
            }
        }
        if now == nil { globalMinimumStreamTime = blocked ? nil : minimum }
        guard !blocked, let candidate = minimum ?? idleMinimum else { return }
        globalIndex.advanceClosedThrough(to: candidate - configuration.window.grace)
    }

    @inlinable
    func isIdle(_ state: PartitionState<Payload>, now: Int64) -> Bool {
        !pausedPartitions.contains(state.partition) && state.isIdle(now: now, idleTimeout: configuration.idleTimeout)
    }

    @inlinable
    func domainClosedThrough(slot: Int) -> Int64? {
        switch configuration.scope {
        case .key: slots[slot]?.index.closedThrough
        case .global: globalIndex.closedThrough
        }
    }
}

/// Whether a record's offset is new to the engine.
public enum ReplayStatus: Sendable, Hashable {
    /// Not seen before: act on it.
    case fresh
    /// Below the restored progress offset: it was handled before the restore.
    case alreadyHandled
    /// Below an offset already seen on the partition: a redelivery.
    case duplicate
}

/// What ``MicroBatchEngine/assign(_:from:)`` restored.
public struct AssignmentReport: Sendable, Hashable {
    public let partition: Int32
    /// Whether a checkpoint was applied.
    public let restored: Bool
    /// The checkpoint was written under another window specification: windows that closed
    /// before are not reopened, and the first windows after the change may miss records that
    /// preceded the committed offset.
    public var windowSpecificationChanged: Bool

    @inlinable
    init(partition: Int32, restored: Bool, windowSpecificationChanged: Bool) {
        self.partition = partition
        self.restored = restored
        self.windowSpecificationChanged = windowSpecificationChanged
    }
}
