extension MicroBatchEngine {
    // MARK: Ingest

    /// Session windows: a record is late when its event time is more than `grace` behind its
    /// partition's stream time when it arrives (in `global` scope a partition's stream time starts
    /// at the global closed-through plus grace). That bound never lets an on-time record overlap a
    /// session already closed (closing waits for stream time to pass the session's end plus
    /// grace), so sessions are exactly those of all on-time records, whatever their order; and it
    /// depends on the partition's own records only, so a replay recomputes it from the checkpoint.
    @inlinable
    mutating func ingestIntoSession(
        slot: Int, partition: Int32, offset: Int64, key: KeyID, eventTime: Int64, payload: Payload, byteCount: Int,
        replaying: Bool
    ) -> IngestOutcome<Payload> {
        let grace = configuration.window.grace
        if configuration.scope == .global, !replaying, slots[slot]?.streamTime == nil, let closedThrough = globalSessions.closedThrough {
            // A partition's first record must not reopen what the others closed: its stream time
            // starts where closing stands (and its checkpoint records that).
            slots[slot]?.streamTime = closedThrough + grace
        }
        let streamTime = replaying ? slots[slot]?.replayStreamTime : slots[slot]?.streamTime
        if let streamTime, eventTime < streamTime - grace {
            if replaying { return .alreadyHandled }
            return .late(
                LateRecord(
                    partition: partition, offset: offset, key: keys.text(key), eventTime: eventTime,
                    window: SessionStore<Payload>.interval(
                        of: eventTime, gap: configuration.window.gap ?? configuration.window.size, bucket: configuration.window.size),
                    lateness: streamTime - grace - eventTime, payload: payload))
        }
        let dropped =
            switch configuration.scope {
            case .key:
                sessionStores[slot].append(
                    slot: slot, eventTime: eventTime, offset: offset, key: key, sessionKey: key, payload: payload, byteCount: byteCount,
                    streamTimeBefore: streamTime, replaying: replaying)
            case .global:
                globalSessions.append(
                    slot: slot, eventTime: eventTime, offset: offset, key: key, sessionKey: 0, payload: payload, byteCount: byteCount,
                    streamTimeBefore: streamTime, replaying: replaying)
            }
        if !dropped.isEmpty { release(dropped) }
        if replaying, eventTime > streamTime ?? .min { slots[slot]?.replayStreamTime = eventTime }
        if let advance = slots[slot]?.buffer(eventTime: eventTime, byteCount: byteCount) {
            streamTimeAdvanced(slot: slot, from: advance.previous, to: advance.streamTime)
        }
        return .buffered
    }

    // MARK: Closing

    /// Moves a session domain's `closedThrough` (`slot` `nil`: the global one) and accounts for
    /// the records of sessions emitted before a restore, which passing drops.
    @inlinable
    mutating func advanceSessions(slot: Int?, to candidate: Int64, reason: CloseReason) {
        let dropped =
            if let slot {
                sessionStores[slot].advanceClosedThrough(to: candidate, reason: reason)
            } else {
                globalSessions.advanceClosedThrough(to: candidate, reason: reason)
            }
        release(dropped)
    }

    /// ``closeWindows(now:)`` for session windows. The idle rule closes every session of a quiet
    /// partition (`key` scope) or, in `global` scope, of the whole input once every partition is
    /// quiet or paused; a quiet partition that holds no record stops holding `global` closing
    /// back. Either way the quiet partitions' stream time moves up to what closed, so records that
    /// would have joined a closed session are late, and their next checkpoint says so.
    @inlinable
    mutating func closeSessions(now: Int64, into closed: inout ClosingBuffer<Payload>) {
        let idleTimeout = configuration.idleTimeout
        let grace = configuration.window.grace
        switch configuration.scope {
        case .key:
            for (partition, slot) in slotByPartition {
                emitPassedSessions(slot: slot, into: &closed)
                guard !pausedPartitions.contains(partition), slots[slot]?.isIdle(now: now, idleTimeout: idleTimeout) == true,
                    let end = sessionStores[slot].latestOpenEnd
                else { continue }
                advanceSessions(slot: slot, to: end, reason: .idleTimeout)
                raiseStreamTime(slot: slot, to: end + grace)
                emitPassedSessions(slot: slot, into: &closed)
            }
        case .global:
            emitPassedSessions(slot: nil, into: &closed)
            var quiet: [Int] = []
            var everyPartitionQuiet = true
            var anyIdle = false
            for (partition, slot) in slotByPartition {
                let idle = !pausedPartitions.contains(partition) && slots[slot]?.isIdle(now: now, idleTimeout: idleTimeout) == true
                if idle {
                    anyIdle = true
                    quiet.append(slot)
                } else if !pausedPartitions.contains(partition) {
                    everyPartitionQuiet = false
                }
            }
            if everyPartitionQuiet, anyIdle, let end = globalSessions.latestOpenEnd {
                advanceSessions(slot: nil, to: end, reason: .idleTimeout)
                for slot in slotByPartition.values { raiseStreamTime(slot: slot, to: end + grace) }
            } else if !quiet.isEmpty {
                // Quiet partitions holding nothing no longer hold closing back.
                let skipped = Set(quiet.filter { slots[$0]?.liveRecords == 0 })
                var minimum: Int64?
                var blocked = false
                for (slot, state) in slots.enumerated() where !skipped.contains(slot) {
                    guard let state else { continue }
                    guard let streamTime = state.streamTime else {
                        blocked = true
                        break
                    }
                    minimum = min(minimum ?? .max, streamTime)
                }
                if !blocked, let minimum { advanceSessions(slot: nil, to: minimum - grace, reason: .idleTimeout) }
                if let closedThrough = globalSessions.closedThrough {
                    for slot in skipped { raiseStreamTime(slot: slot, to: closedThrough + grace) }
                }
            }
            emitPassedSessions(slot: nil, into: &closed)
        }
    }

    @inlinable
    mutating func raiseStreamTime(slot: Int, to streamTime: Int64) {
        guard streamTime > slots[slot]?.streamTime ?? .min else { return }
        slots[slot]?.streamTime = streamTime
    }

    /// ``closeAllWindows()`` for session windows.
    @inlinable
    mutating func closeAllSessions(into closed: inout ClosingBuffer<Payload>) {
        switch configuration.scope {
        case .key:
            for slot in slotByPartition.values {
                release(sessionStores[slot].passAll(reason: .endOfInput))
                emitPassedSessions(slot: slot, into: &closed, reason: .endOfInput)
            }
        case .global:
            release(globalSessions.passAll(reason: .endOfInput))
            emitPassedSessions(slot: nil, into: &closed, reason: .endOfInput)
        }
    }

    /// Emits the sessions passed in `slot`'s store (`nil`: the global store), laid out side by
    /// side in one buffer, then frees them. `reason` overrides the reasons recorded when passed.
    @inlinable
    mutating func emitPassedSessions(slot: Int?, into closed: inout ClosingBuffer<Payload>, reason: CloseReason? = nil) {
        let (passed, dropped) = slot.map { sessionStores[$0].takePassed() } ?? globalSessions.takePassed()
        release(dropped)
        guard !passed.isEmpty else { return }
        keys.rankKeys()
        var total = 0
        var starts: [Int] = []
        starts.reserveCapacity(passed.count + 1)
        do {
            let store = slot.map { sessionStores[$0] } ?? globalSessions
            for entry in passed {
                starts.append(total)
                total += store.buffers[Int(entry.session)]!.count
            }
            starts.append(total)
            let storage = batchStorages.take(capacity: total)
            let base = storage.base
            let keys = keys
            let slotPartitions = slotPartitions
            // Per partition slot of the session: its offset range and the serial of its first
            // record (a session spans few partitions).
            var ranges: [(slot: Int32, range: OffsetRange, firstSerial: Int)] = []
            for (index, entry) in passed.enumerated() {
                let session = store.session(entry.session)
                ranges.removeAll(keepingCapacity: true)
                store.buffers[Int(entry.session)]!.withRecords { records in
                    var position = starts[index]
                    for record in records {
                        let partition = slotPartitions[Int(record.slot)]
                        (base + position).initialize(
                            to: BatchRecord(
                                eventTime: record.eventTime, partition: partition, offset: record.offset, key: keys.text(record.key),
                                value: record.payload))
                        position += 1
                        if let position = ranges.firstIndex(where: { $0.slot == record.slot }) {
                            let range = ranges[position].range
                            if record.offset < range.first { ranges[position].firstSerial = record.serial }
                            ranges[position].range = OffsetRange(
                                partition: partition, first: min(range.first, record.offset), last: max(range.last, record.offset))
                        } else {
                            ranges.append((record.slot, OffsetRange(partition: partition, first: record.offset, last: record.offset), record.serial))
                        }
                    }
                }
                storage.count = starts[index + 1]
                WindowBatch<Payload>.sortCanonically(
                    UnsafeMutableBufferPointer(start: base + starts[index], count: starts[index + 1] - starts[index]))
                let batch = WindowBatch(
                    window: session.window, key: slot == nil ? nil : keys.text(session.key),
                    alreadySorted: BatchRecords(storage: storage, range: starts[index]..<starts[index + 1]))
                var closedBatch =
                    ranges.count == 1
                    ? ClosedBatch(batch: batch, reason: reason ?? entry.reason, offsetRange: ranges[0].range)
                    : ClosedBatch(
                        batch: batch, reason: reason ?? entry.reason,
                        offsetRanges: ranges.map(\.range).sorted { $0.partition < $1.partition })
                for (recordSlot, range, firstSerial) in ranges {
                    if let streamTime = store.streamTimeBefore(slot: recordSlot, serial: firstSerial) {
                        closedBatch.streamTimes[range.partition] = streamTime
                    }
                }
                closed.append(closedBatch, partition: slot.map { slotPartitions[$0] } ?? 0, key: slot == nil ? 0 : session.key)
            }
        }
        let numbers = passed.map(\.session)
        if let slot {
            release(sessionStores[slot].releaseEmitted(numbers))
        } else {
            release(globalSessions.releaseEmitted(numbers))
        }
    }
}
