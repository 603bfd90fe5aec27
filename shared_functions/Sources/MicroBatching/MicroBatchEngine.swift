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
/// Storage: records live in panes, slices of event time one `advance` long (``PaneStore``): a
/// record is stored once, in columns (event time, offset, key number, payload), whatever the number
/// of windows it belongs to, and a window is the run of panes it covers. Keys are interned
/// (``KeyInterner``): a record holds its key's number.
///
/// Costs: ingest is O(1) (a pane search from the newest, a few array appends, no per-record
/// allocation); crossing a window end snapshots the windows passed, O(open panes); closing costs
/// one pass over the closing windows' records plus sorting each batch's records and the batches.
public struct MicroBatchEngine<Payload> {
    public let configuration: EngineConfiguration
    @usableFromInline
    let clock: any EngineClock

    @usableFromInline
    var slots: [PartitionState?] = []
    @usableFromInline
    var freeSlots: [Int] = []
    /// The partition of each slot (kept beside `slots` so reading it never copies a partition's state).
    @usableFromInline
    var slotPartitions: [Int32] = []
    @usableFromInline
    var slotByPartition: [Int32: Int] = [:]
    /// `slotByPartition` as an array for partitions below ``denseLimit`` (-1: not assigned), so
    /// records alternating between partitions find their slot without hashing.
    @usableFromInline
    var denseSlots: [Int] = []
    /// The partition and slot of the last record: records come in runs of one partition.
    @usableFromInline
    var lastPartition: Int32 = -1
    @usableFromInline
    var lastSlot = 0
    /// The panes of each slot's partition (`key` scope).
    @usableFromInline
    var stores: [PaneStore<Payload>] = []
    /// The panes of every partition (`global` scope).
    @usableFromInline
    var globalStore: PaneStore<Payload>
    /// The sessions of each slot's partition (`key` scope, session windows).
    @usableFromInline
    var sessionStores: [SessionStore<Payload>] = []
    /// The sessions of every partition (`global` scope, session windows).
    @usableFromInline
    var globalSessions: SessionStore<Payload>
    /// The count windows of each slot's partition (count windows are `key` scope only).
    @usableFromInline
    var countStores: [CountWindowStore<Payload>] = []
    /// The last computed minimum stream time over partitions (`global` scope).
    @usableFromInline
    var globalMinimumStreamTime: Int64?
    @usableFromInline
    var pausedPartitions: Set<Int32> = []
    /// The keys of buffered records.
    @usableFromInline
    var keys = KeyInterner()
    @usableFromInline
    var keysAfterCompaction = 0
    /// Scratch space of window closing, indexed by key ID.
    @usableFromInline
    var keyCounts: [Int32] = []
    /// The memory of recent closes' batches, reused once the caller releases them.
    @usableFromInline
    var batchStorages = BatchStoragePool<Payload>()

    @inlinable
    public init(configuration: EngineConfiguration, clock: any EngineClock) {
        self.configuration = configuration
        self.clock = clock
        globalStore = PaneStore(window: configuration.window)
        globalSessions = SessionStore(window: configuration.window)
    }

    // MARK: Partitions

    /// The partitions the engine holds state for, ascending.
    @inlinable
    public var assignedPartitions: [Int32] { slotByPartition.keys.sorted() }

    /// Whether the engine holds state for `partition`: a table lookup, cheap enough per record.
    @inlinable
    public func isAssigned(_ partition: Int32) -> Bool {
        if partition >= 0, Int(partition) < denseSlots.count { return denseSlots[Int(partition)] >= 0 }
        return slotByPartition[partition] != nil
    }

    /// Starts tracking `partition`, restoring its progress from `checkpoint` when given. Records
    /// must then be replayed from `checkpoint.committedOffset`: those below its progress offset
    /// whose windows are closed are reported ``IngestOutcome/alreadyHandled``, the others rebuild
    /// their open windows. Assigning a partition already assigned replaces its state.
    @discardableResult
    @inlinable
    public mutating func assign(_ partition: Int32, from checkpoint: OffsetCheckpoint? = nil) -> AssignmentReport {
        revoke(partition)
        let now = clock.now()
        var state = PartitionState(partition: partition, now: now)
        var report = AssignmentReport(partition: partition, restored: checkpoint != nil, windowSpecificationChanged: false)
        let slot = freeSlots.popLast() ?? slots.count
        if slot == slots.count {
            slots.append(nil)
            slotPartitions.append(partition)
            stores.append(PaneStore(window: configuration.window))
            sessionStores.append(SessionStore(window: configuration.window))
            countStores.append(CountWindowStore(window: configuration.window))
        }
        stores[slot] = PaneStore(window: configuration.window)
        sessionStores[slot] = SessionStore(window: configuration.window)
        countStores[slot] = CountWindowStore(window: configuration.window)
        if let checkpoint {
            state.eventStreamTime = checkpoint.streamTime
            state.streamTime = checkpoint.streamTime
            state.nextOffset = checkpoint.committedOffset
            state.replayUntil = checkpoint.progressOffset
            state.restoredStreamTime = checkpoint.streamTime
            state.restoredCommittedOffset = checkpoint.committedOffset
            // A session checkpoint's replay stream time is absent when no record preceded the
            // committed one; a fixed-window checkpoint has none, and its stream time is the bound.
            state.replayStreamTime =
                checkpoint.windowSpecification.isSession ? checkpoint.replayStreamTime : checkpoint.streamTime
            if let closedThrough = checkpoint.closedThrough {
                switch (configuration.scope, configuration.window.kind) {
                case (.key, .fixed): stores[slot].advanceClosedThrough(to: closedThrough, reason: .streamTime)
                case (.global, .fixed): globalStore.advanceClosedThrough(to: closedThrough, reason: .streamTime)
                case (.key, .session): sessionStores[slot].restore(closedThrough: closedThrough)
                case (.global, .session): globalSessions.restore(closedThrough: closedThrough)
                case (_, .count): break
                }
            }
            if configuration.window.isCount { countStores[slot].restoredStarts = Set(checkpoint.countWindowStarts ?? []) }
            report.windowSpecificationChanged = checkpoint.windowSpecification != configuration.window
        }
        slots[slot] = state
        slotPartitions[slot] = partition
        slotByPartition[partition] = slot
        setDenseSlot(partition, slot)
        lastPartition = -1
        if configuration.scope == .global { globalMinimumStreamTime = nil }
        return report
    }

    /// Stops tracking `partition` and drops its buffered records and open windows (the next owner
    /// replays them from the committed offset).
    @inlinable
    public mutating func revoke(_ partition: Int32) {
        guard let slot = slotByPartition.removeValue(forKey: partition) else { return }
        setDenseSlot(partition, -1)
        switch configuration.scope {
        case .key:
            stores[slot] = PaneStore(window: configuration.window)
            sessionStores[slot] = SessionStore(window: configuration.window)
            countStores[slot] = CountWindowStore(window: configuration.window)
        case .global:
            if configuration.window.isSession { release(globalSessions.remove(slot: slot)) } else { globalStore.remove(slot: slot) }
            globalMinimumStreamTime = nil
        }
        slots[slot] = nil
        freeSlots.append(slot)
        pausedPartitions.remove(partition)
        lastPartition = -1
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

    // MARK: Keys

    /// The ID of the key spelled by `bytes` (UTF-8), for ``ingest(partition:offset:key:eventTime:payload:byteCount:writtenAt:now:)``;
    /// `nil` when the bytes are not UTF-8.
    @inlinable
    public mutating func keyID(bytes: UnsafeRawBufferPointer) -> KeyID? {
        keys.id(bytes: bytes)
    }

    /// The IDs of many keys, as ``keyID(bytes:)`` gives them one by one (`ids[i]` is `nil` when
    /// `spellings[i]` is not UTF-8), but faster with many distinct keys: the lookups' cache misses
    /// overlap. Give it a polled batch's keys before ingesting the batch.
    @inlinable
    public mutating func keyIDs(spellings: UnsafeBufferPointer<UnsafeRawBufferPointer>, into ids: UnsafeMutableBufferPointer<KeyID?>) {
        keys.ids(spellings: spellings, into: ids)
    }

    /// The ID of `key` (`nil`: the absent key, ID 0).
    @inlinable
    public mutating func keyID(_ key: String?) -> KeyID {
        keys.id(key)
    }

    /// The text of key `id`.
    @inlinable
    public func keyText(_ id: KeyID) -> String? {
        keys.text(id)
    }

    // MARK: Ingest

    /// Offers one record. Records of one partition must come in offset order (lower offsets after
    /// a higher one are reported as duplicates). A partition never assigned is assigned now,
    /// without a checkpoint.
    @inlinable
    public mutating func ingest(_ record: InputRecord<Payload>) -> IngestOutcome<Payload> {
        ingest(record, now: clock.now())
    }

    /// ``ingest(_:)`` with the engine clock read by the caller (once per polled batch, say).
    @inlinable
    public mutating func ingest(_ record: InputRecord<Payload>, now: Int64) -> IngestOutcome<Payload> {
        let key = keys.id(record.key)
        return ingest(
            partition: record.partition, offset: record.offset, key: key, eventTime: record.eventTime, payload: record.payload,
            byteCount: record.byteCount, writtenAt: record.writtenAt, now: now)
    }

    /// ``ingest(_:)`` for a record whose key is already interned (``keyID(bytes:)``).
    @inlinable
    public mutating func ingest(
        partition: Int32, offset: Int64, key: KeyID, eventTime recordTime: Int64, payload: Payload, byteCount: Int,
        writtenAt: Int64?, now: Int64
    ) -> IngestOutcome<Payload> {
        let slot = slotIndex(for: partition, now: now)
        let replaying: Bool
        switch admit(offset: offset, slot: slot, now: now) {
        case .duplicate: return .duplicate
        case .alreadyHandled: replaying = true
        case .fresh: replaying = false
        }
        let eventTime = configuration.time == .processingTime ? now : recordTime
        // The skew reference is when the record was written, so restarts and replays decide alike;
        // but never later than the clock: a producer can forge a far-future timestamp together
        // with a far-future event time, and the clock only moves forward, so the decision holds.
        if let rejection = Self.rejection(of: eventTime, reference: min(writtenAt ?? now, now), configuration: configuration) {
            return replaying ? .alreadyHandled : .rejected(rejection)
        }
        if replaying, configuration.time == .eventTime, eventTime > slots[slot]?.restoredStreamTime ?? .max {
            // Buffering it would have advanced stream time past the restored value: it was
            // rejected (ahead of the clock then) or handled outside before the restore.
            return .alreadyHandled
        }
        if configuration.window.isCount {
            return ingestIntoCount(
                slot: slot, offset: offset, key: key, eventTime: eventTime, payload: payload, byteCount: byteCount, replaying: replaying)
        }
        if configuration.window.isSession {
            return ingestIntoSession(
                slot: slot, partition: partition, offset: offset, key: key, eventTime: eventTime, payload: payload, byteCount: byteCount,
                replaying: replaying)
        }
        let paneStart: Int64
        let closedThrough: Int64?
        switch configuration.scope {
        case .key: (paneStart, closedThrough) = (stores[slot].paneStart(of: eventTime), stores[slot].closedThrough)
        case .global: (paneStart, closedThrough) = (globalStore.paneStart(of: eventTime), globalStore.closedThrough)
        }
        // A pane starts where its latest window starts (panes are `advance` long).
        let latestEnd = paneStart + configuration.window.size
        if let closedThrough, latestEnd <= closedThrough {
            if replaying { return .alreadyHandled }
            return .late(
                LateRecord(
                    partition: partition, offset: offset, key: keys.text(key), eventTime: eventTime,
                    window: Window(uncheckedStart: paneStart, end: latestEnd), lateness: closedThrough - latestEnd, payload: payload))
        }
        switch configuration.scope {
        case .key:
            stores[slot].append(
                slot: slot, paneStart: paneStart, eventTime: eventTime, offset: offset, key: key, payload: payload, byteCount: byteCount)
        case .global:
            globalStore.append(
                slot: slot, paneStart: paneStart, eventTime: eventTime, offset: offset, key: key, payload: payload, byteCount: byteCount)
        }
        if let advance = slots[slot]?.buffer(eventTime: eventTime, byteCount: byteCount) {
            streamTimeAdvanced(slot: slot, from: advance.previous, to: advance.streamTime)
        }
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
        if partition == lastPartition { return lastSlot }
        let slot: Int
        if partition >= 0, Int(partition) < denseSlots.count, denseSlots[Int(partition)] >= 0 {
            slot = denseSlots[Int(partition)]
        } else {
            slot = slotByPartition[partition] ?? assignedSlot(partition)
        }
        lastPartition = partition
        lastSlot = slot
        return slot
    }

    @inlinable
    static var denseLimit: Int32 { 65_536 }

    @usableFromInline
    mutating func setDenseSlot(_ partition: Int32, _ slot: Int) {
        guard partition >= 0, partition < Self.denseLimit else { return }
        if Int(partition) >= denseSlots.count {
            denseSlots.append(contentsOf: repeatElement(-1, count: Int(partition) + 1 - denseSlots.count))
        }
        denseSlots[Int(partition)] = slot
    }

    @usableFromInline
    mutating func assignedSlot(_ partition: Int32) -> Int {
        assign(partition)
        return slotByPartition[partition] ?? 0
    }

    @inlinable
    mutating func admit(offset: Int64, slot: Int, now: Int64) -> ReplayStatus {
        slots[slot]?.admit(offset: offset, now: now) ?? .duplicate
    }

    // Static, given the configuration: a method on `self` called from a mutating one can copy the
    // whole engine per record.
    @inlinable
    static func rejection(of eventTime: Int64, reference: Int64, configuration: EngineConfiguration) -> RecordRejection? {
        guard EventTime.supportedRange.contains(eventTime) else { return .eventTimeOutOfRange(eventTime: eventTime) }
        if configuration.time == .eventTime, let maximumSkew = configuration.maximumClockSkew {
            let (ahead, overflow) = eventTime.subtractingReportingOverflow(reference)
            if !overflow, ahead > maximumSkew {
                return .eventTimeAheadOfClock(eventTime: eventTime, clock: reference, maximumSkew: maximumSkew)
            }
        }
        return nil
    }

    /// Moves the closing domain of `slot` after its partition's stream time advanced.
    @inlinable
    mutating func streamTimeAdvanced(slot: Int, from previous: Int64?, to streamTime: Int64) {
        switch configuration.scope {
        case .key:
            if configuration.window.isSession {
                advanceSessions(slot: slot, to: streamTime - configuration.window.grace, reason: .streamTime)
            } else {
                stores[slot].advanceClosedThrough(to: streamTime - configuration.window.grace, reason: .streamTime)
            }
        case .global:
            if previous == nil || previous == globalMinimumStreamTime || globalMinimumStreamTime == nil {
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
        if configuration.window.isSession {
            advanceSessions(slot: nil, to: candidate - configuration.window.grace, reason: now == nil ? .streamTime : .idleTimeout)
        } else {
            globalStore.advanceClosedThrough(to: candidate - configuration.window.grace, reason: now == nil ? .streamTime : .idleTimeout)
        }
    }

    @inlinable
    func isIdle(_ state: PartitionState, now: Int64) -> Bool {
        !pausedPartitions.contains(state.partition) && state.isIdle(now: now, idleTimeout: configuration.idleTimeout)
    }

    @inlinable
    func domainClosedThrough(slot: Int) -> Int64? {
        switch (configuration.scope, configuration.window.kind) {
        case (.key, .fixed): stores[slot].closedThrough
        case (.global, .fixed): globalStore.closedThrough
        case (.key, .session): sessionStores[slot].closedThrough
        case (.global, .session): globalSessions.closedThrough
        case (_, .count): nil
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
