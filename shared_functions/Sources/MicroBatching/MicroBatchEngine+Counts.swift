extension MicroBatchEngine {
    // MARK: Ingest

    /// Count windows: every record joins its key's windows (none is ever late). While replaying,
    /// a record is held again only from its key's restored start on
    /// (``OffsetCheckpoint/countWindowStarts``): the others were emitted before the restore.
    @inlinable
    mutating func ingestIntoCount(
        slot: Int, offset: Int64, key: KeyID, eventTime: Int64, payload: Payload, byteCount: Int, replaying: Bool
    ) -> IngestOutcome<Payload> {
        if replaying {
            guard countStores[slot].holdsAgain(key: key, offset: offset) else { return .alreadyHandled }
        } else if !countStores[slot].restoredStarts.isEmpty {
            countStores[slot].restoredStarts = []  // starts the topic no longer holds
        }
        let dropped = countStores[slot].append(key: key, eventTime: eventTime, offset: offset, payload: payload, byteCount: byteCount)
        // Stream time only feeds the idle rule and the checkpoint here.
        _ = slots[slot]?.buffer(eventTime: eventTime, byteCount: byteCount)
        if let dropped { release([(slot, dropped.count, dropped.bytes)]) }
        return .buffered
    }

    // MARK: Closing

    /// ``closeWindows(now:)`` for count windows: the windows that filled, then, for each quiet
    /// partition (silent for the idle timeout, not paused, not replaying), every open window,
    /// partial ones included. A replaying partition is never idle: its keys not replayed yet
    /// would lose the records they held.
    @inlinable
    mutating func closeCounts(now: Int64, into closed: inout ClosingBuffer<Payload>) {
        for (partition, slot) in slotByPartition {
            if !pausedPartitions.contains(partition), let state = slots[slot], !state.isReplaying,
                state.isIdle(now: now, idleTimeout: configuration.idleTimeout), !countStores[slot].isEmpty
            {
                release(countStores[slot].passAll(reason: .idleTimeout), slot: slot)
            }
            emitPassedCounts(slot: slot, into: &closed)
        }
    }

    /// ``closeAllWindows()`` for count windows.
    @inlinable
    mutating func closeAllCounts(into closed: inout ClosingBuffer<Payload>) {
        for slot in slotByPartition.values {
            release(countStores[slot].passAll(reason: .endOfInput), slot: slot)
            emitPassedCounts(slot: slot, into: &closed)
        }
    }

    @inlinable
    mutating func release(_ released: (count: Int, bytes: Int), slot: Int) {
        release([(slot, released.count, released.bytes)])
    }

    /// Emits the count windows passed in `slot`'s store, laid out side by side in one buffer,
    /// each sorted canonically, with bounds `[earliest event time, latest + 1)`.
    @inlinable
    mutating func emitPassedCounts(slot: Int, into closed: inout ClosingBuffer<Payload>) {
        let passed = countStores[slot].passed
        guard !passed.isEmpty else { return }
        let total = passed.reduce(0) { $0 + $1.records.count }
        let storage = batchStorages.take(capacity: total)
        let base = storage.base
        let partition = slotPartitions[slot]
        let keys = keys
        // Read in place: the pending buffer is kept (and reused) by the store.
        countStores[slot].pendingRecords.withUnsafeBufferPointer { records in
            for window in passed {
                let start = storage.count
                let key = keys.text(window.key)
                var earliest = Int64.max
                var latest = Int64.min
                for record in records[window.records] {
                    (base + storage.count).initialize(
                        to: BatchRecord(
                            eventTime: record.eventTime, partition: partition, offset: record.offset, key: key, value: record.payload))
                    storage.count += 1
                    earliest = min(earliest, record.eventTime)
                    latest = max(latest, record.eventTime)
                }
                WindowBatch<Payload>.sortCanonically(UnsafeMutableBufferPointer(start: base + start, count: storage.count - start))
                let batch = WindowBatch(
                    window: Window(uncheckedStart: earliest, end: latest + 1), key: key,
                    alreadySorted: BatchRecords(storage: storage, range: start..<storage.count))
                let range = OffsetRange(
                    partition: partition, first: records[window.records.lowerBound].offset,
                    last: records[window.records.upperBound - 1].offset)
                closed.append(ClosedBatch(batch: batch, reason: window.reason, offsetRange: range), partition: partition, key: window.key)
            }
        }
        countStores[slot].clearPassed()
    }

    // MARK: Restarts

    /// The offsets where the keys' open count windows begin in `partition`, ascending (they go in
    /// its checkpoint); empty for other windows.
    @inlinable
    public func countWindowStarts(of partition: Int32) -> [Int64] {
        guard configuration.window.isCount, let slot = slotByPartition[partition] else { return [] }
        return countStores[slot].starts
    }
}
