extension MicroBatchEngine {
    /// Progress of one partition, or `nil` when it is not assigned.
    @inlinable
    public func progress(of partition: Int32) -> PartitionProgress? {
        guard let slot = slotByPartition[partition], let state = slots[slot] else { return nil }
        let lowestHeld =
            switch (configuration.scope, configuration.window.kind) {
            case (.key, .fixed): stores[slot].lowestOffset(slot: slot)
            case (.global, .fixed): globalStore.lowestOffset(slot: slot)
            case (.key, .session): sessionStores[slot].lowestOffset(slot: slot)
            case (.global, .session): globalSessions.lowestOffset(slot: slot)
            case (_, .count): countStores[slot].lowestOffset
            }
        return PartitionProgress(
            partition: partition, committableOffset: state.committableOffset(lowestHeld: lowestHeld),
            progressOffset: state.progressOffset, streamTime: state.streamTime, closedThrough: domainClosedThrough(slot: slot),
            bufferedRecords: state.liveRecords, bufferedBytes: state.liveBytes)
    }

    /// The checkpoint to commit for `partition` once every batch closed so far has been produced;
    /// `nil` when nothing is known yet (no record seen and nothing restored).
    @inlinable
    public func checkpoint(of partition: Int32) -> OffsetCheckpoint? {
        guard let progress = progress(of: partition), let committed = progress.committableOffset,
            let progressOffset = progress.progressOffset
        else { return nil }
        var replayStreamTime: Int64?
        if configuration.window.isSession, let slot = slotByPartition[partition] {
            // The stream time when the lowest held record arrived; holding none, the one the next
            // record will meet.
            let held =
                configuration.scope == .key
                ? sessionStores[slot].replayStreamTime(slot: slot) : globalSessions.replayStreamTime(slot: slot)
            replayStreamTime = held ?? slots[slot]?.latenessStreamTime
        }
        return OffsetCheckpoint(
            committedOffset: committed, progressOffset: max(progressOffset, committed), streamTime: progress.streamTime,
            closedThrough: progress.closedThrough, windowSpecification: configuration.window, replayStreamTime: replayStreamTime,
            countWindowStarts: configuration.window.isCount ? countWindowStarts(of: partition) : nil)
    }

    /// Checkpoints of every assigned partition that has one, by partition.
    @inlinable
    public func checkpoints() -> [Int32: OffsetCheckpoint] {
        var result: [Int32: OffsetCheckpoint] = [:]
        for partition in slotByPartition.keys {
            if let checkpoint = checkpoint(of: partition) { result[partition] = checkpoint }
        }
        return result
    }

    // MARK: Memory

    /// Bytes held by open windows over all partitions (the records' `byteCount`s).
    @inlinable
    public var bufferedBytes: Int {
        slots.reduce(0) { $0 + ($1?.liveBytes ?? 0) }
    }

    /// Records held by open windows over all partitions.
    @inlinable
    public var bufferedRecords: Int {
        slots.reduce(0) { $0 + ($1?.liveRecords ?? 0) }
    }

    /// Open (not yet closed) windows over all partitions.
    @inlinable
    public var openWindowCount: Int {
        switch (configuration.scope, configuration.window.kind) {
        case (.key, .fixed): slotByPartition.values.reduce(0) { $0 + stores[$1].openWindowCount }
        case (.global, .fixed): globalStore.openWindowCount
        case (.key, .session): slotByPartition.values.reduce(0) { $0 + sessionStores[$1].openWindowCount }
        case (.global, .session): globalSessions.openWindowCount
        case (_, .count): slotByPartition.values.reduce(0) { $0 + countStores[$1].openWindowCount }
        }
    }

    /// The partitions to pause while ``bufferedBytes`` exceeds `limit`, first to pause first: every
    /// assigned partition except the one furthest behind in stream time, furthest ahead first
    /// (ties by partition). The furthest-behind partition keeps running because closing windows,
    /// which is what frees memory, waits for it. Empty when within the limit.
    @inlinable
    public func partitionsToPause(bufferLimit limit: Int) -> [Int32] {
        guard bufferedBytes > limit else { return [] }
        let byStreamTime = slots.compactMap { $0 }.sorted { lhs, rhs in
            let left = lhs.streamTime ?? .min
            let right = rhs.streamTime ?? .min
            return left != right ? left > right : lhs.partition < rhs.partition
        }
        return byStreamTime.dropLast().map(\.partition)
    }
}
