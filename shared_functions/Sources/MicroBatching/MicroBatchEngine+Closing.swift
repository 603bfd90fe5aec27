extension MicroBatchEngine {
    /// Closes every window whose end plus grace stream time has reached, then applies the idle
    /// rule (partitions silent for `idleTimeout` advance their stream time by the silence) and
    /// closes what that reaches. Returns the closed batches by window end, then key, then partition.
    @inlinable
    public mutating func closeWindows() -> [ClosedBatch<Payload>] {
        closeWindows(now: clock.now())
    }

    /// ``closeWindows()`` with the engine clock read by the caller.
    @inlinable
    public mutating func closeWindows(now: Int64) -> [ClosedBatch<Payload>] {
        let idleTimeout = configuration.idleTimeout
        let grace = configuration.window.grace
        var closed = ClosingBuffer<Payload>()
        batchStorages.beginClose()
        defer { batchStorages.endClose() }
        if configuration.window.isCount {
            closeCounts(now: now, into: &closed)
            return finishClose(closed)
        }
        if configuration.window.isSession {
            closeSessions(now: now, into: &closed)
            return finishClose(closed)
        }
        switch configuration.scope {
        case .key:
            for (partition, slot) in slotByPartition {
                emitPassed(slot: slot, into: &closed)
                guard !pausedPartitions.contains(partition),
                    slots[slot]?.applyIdleRule(now: now, idleTimeout: idleTimeout) == true,
                    let streamTime = slots[slot]?.streamTime
                else { continue }
                stores[slot].advanceClosedThrough(to: streamTime - grace, reason: .idleTimeout)
                emitPassed(slot: slot, into: &closed)
            }
        case .global:
            emitPassed(slot: nil, into: &closed)
            for (partition, slot) in slotByPartition {
                if !pausedPartitions.contains(partition),
                    slots[slot]?.applyIdleRule(now: now, idleTimeout: idleTimeout) == true
                {
                    globalMinimumStreamTime = nil  // the cached minimum may have moved
                }
            }
            advanceGlobalClosedThrough(skippingIdleAt: now)
            emitPassed(slot: nil, into: &closed)
        }
        return finishClose(closed)
    }

    /// Closes every open window, whatever stream time says (the input has ended). Later records
    /// for those windows are late.
    @inlinable
    public mutating func closeAllWindows() -> [ClosedBatch<Payload>] {
        var closed = ClosingBuffer<Payload>()
        batchStorages.beginClose()
        defer { batchStorages.endClose() }
        if configuration.window.isCount {
            closeAllCounts(into: &closed)
            return finishClose(closed)
        }
        if configuration.window.isSession {
            closeAllSessions(into: &closed)
            return finishClose(closed)
        }
        switch configuration.scope {
        case .key:
            for slot in slotByPartition.values {
                stores[slot].passAll(reason: .endOfInput)
                emitPassed(slot: slot, into: &closed, reason: .endOfInput)
            }
        case .global:
            globalStore.passAll(reason: .endOfInput)
            emitPassed(slot: nil, into: &closed, reason: .endOfInput)
        }
        return finishClose(closed)
    }

    /// Emits the windows passed in `slot`'s store (`nil`: the global store), then drops the panes
    /// they leave behind. `reason` overrides the reasons recorded when they were passed.
    @inlinable
    mutating func emitPassed(
        slot: Int?, into closed: inout ClosingBuffer<Payload>, reason: CloseReason? = nil
    ) {
        let windows = slot.map { stores[$0].takePassed() } ?? globalStore.takePassed()
        guard !windows.isEmpty else { return }
        for window in windows {
            if let slot {
                makeKeyBatches(
                    window, store: stores[slot], partition: slotPartitions[slot], reason: reason ?? window.reason, into: &closed)
            } else {
                closed.append(makeGlobalBatch(window, store: globalStore, reason: reason ?? window.reason), partition: 0, key: 0)
            }
        }
        release(slot.map { stores[$0].releasePassedPanes() } ?? globalStore.releasePassedPanes())
    }

    /// Takes records and bytes freed from windows or sessions off their partitions' accounts.
    @inlinable
    mutating func release(_ released: [(slot: Int, count: Int, bytes: Int)]) {
        for entry in released {
            slots[entry.slot]?.liveRecords -= entry.count
            slots[entry.slot]?.liveBytes -= entry.bytes
        }
    }

    /// Calls `body` with every record of `window` as its store holds it: pane, column and index.
    @inlinable
    static func forEachRecord(
        of window: PassedWindow, in store: PaneStore<Payload>,
        _ body: (_ pane: Int64, _ column: PaneColumn<Payload>, _ index: Int) -> Void
    ) {
        for member in window.panes {
            guard let paneIndex = store.existingPaneIndex(member.number) else { continue }
            // What the window holds of each slot: the first records of the slot's columns.
            var remaining = member.counts
            for column in store.panes[paneIndex].columns {
                guard let entry = remaining.firstIndex(where: { $0.slot == column.slot }) else { continue }
                let taken = min(remaining[entry].count, column.count)
                for index in 0..<taken { body(member.number, column, index) }
                remaining[entry].count -= taken
            }
        }
    }

    /// The batches of one `key`-scope window: one per key, in key order, laid out side by side in
    /// one buffer (each key's records sorted in place), so the window costs one allocation however
    /// many keys it holds.
    @inlinable
    mutating func makeKeyBatches(
        _ window: PassedWindow, store: PaneStore<Payload>, partition: Int32, reason: CloseReason,
        into closed: inout ClosingBuffer<Payload>
    ) {
        // Counts per key, then (negated) each key's group; borrowed from the engine and reset below.
        var keyCounts: [Int32] = []
        swap(&keyCounts, &self.keyCounts)
        defer { swap(&keyCounts, &self.keyCounts) }
        if keyCounts.count < keys.count { keyCounts.append(contentsOf: repeatElement(0, count: keys.count - keyCounts.count)) }
        var present: [KeyID] = []
        Self.forEachRecord(of: window, in: store) { _, column, index in
            let key = Int(column.key(index))
            if keyCounts[key] == 0 { present.append(KeyID(key)) }
            keyCounts[key] += 1
        }
        keys.rankKeys()
        let keys = self.keys
        present.sort { keys.ranks[Int($0)] < keys.ranks[Int($1)] }
        // Each key's records go to `starts[group]..<starts[group + 1]` of the window's buffer.
        var starts: [Int] = []
        starts.reserveCapacity(present.count + 1)
        var total = 0
        for (group, key) in present.enumerated() {
            starts.append(total)
            total += Int(keyCounts[Int(key)])
            keyCounts[Int(key)] = Int32(-1 - group)
        }
        starts.append(total)
        var next = starts
        var ranges = [OffsetRange](repeating: OffsetRange(partition: partition, first: .max, last: .min), count: present.count)
        let length = store.length
        let storage = batchStorages.take(capacity: total)
        do {
            let base = storage.base
            Self.forEachRecord(of: window, in: store) { pane, column, index in
                let key = Int(column.key(index))
                let group = Int(-1 - keyCounts[key])
                let offset = column.offset(index)
                (base + next[group]).initialize(
                    to: BatchRecord(
                        eventTime: pane * length + column.timeInPane(index), partition: partition, offset: offset,
                        key: keys.text(KeyID(key)), value: column.payload(index)))
                next[group] += 1
                let range = ranges[group]
                ranges[group] = OffsetRange(partition: partition, first: min(range.first, offset), last: max(range.last, offset))
            }
            storage.count = total
            for group in present.indices {
                WindowBatch<Payload>.sortCanonically(
                    UnsafeMutableBufferPointer(start: base + starts[group], count: starts[group + 1] - starts[group]))
            }
        }
        let bounds = Window(uncheckedStart: window.end - configuration.window.size, end: window.end)
        for (group, key) in present.enumerated() {
            keyCounts[Int(key)] = 0
            closed.append(
                ClosedBatch(
                    batch: WindowBatch(
                        window: bounds, key: keys.text(key),
                        alreadySorted: BatchRecords(storage: storage, range: starts[group]..<starts[group + 1])),
                    reason: reason, offsetRange: ranges[group]),
                partition: partition, key: key)
        }
    }

    /// The single batch of one `global`-scope window.
    @inlinable
    mutating func makeGlobalBatch(_ window: PassedWindow, store: PaneStore<Payload>, reason: CloseReason) -> ClosedBatch<Payload> {
        var total = 0
        Self.forEachRecord(of: window, in: store) { _, _, _ in total += 1 }
        let storage = batchStorages.take(capacity: total)
        var ranges: [Int32: OffsetRange] = [:]
        let length = store.length
        let base = storage.base
        let keys = keys
        let slotPartitions = slotPartitions
        Self.forEachRecord(of: window, in: store) { pane, column, index in
            let partition = slotPartitions[column.slot]
            let offset = column.offset(index)
            (base + storage.count).initialize(
                to: BatchRecord(
                    eventTime: pane * length + column.timeInPane(index), partition: partition, offset: offset,
                    key: keys.text(column.key(index)), value: column.payload(index)))
            storage.count += 1
            let range = ranges[partition] ?? OffsetRange(partition: partition, first: offset, last: offset)
            ranges[partition] = OffsetRange(partition: partition, first: min(range.first, offset), last: max(range.last, offset))
        }
        WindowBatch<Payload>.sortCanonically(UnsafeMutableBufferPointer(start: base, count: storage.count))
        let bounds = Window(uncheckedStart: window.end - configuration.window.size, end: window.end)
        return ClosedBatch(
            batch: WindowBatch(window: bounds, key: nil, alreadySorted: BatchRecords(storage: storage, range: 0..<storage.count)),
            reason: reason, offsetRanges: ranges.values.sorted { $0.partition < $1.partition })
    }

    /// The batches of a close in output order, then the key table compacted if it is due: the
    /// batches carry key numbers from before the compaction, so they are ordered first.
    @inlinable
    mutating func finishClose(_ closed: consuming ClosingBuffer<Payload>) -> [ClosedBatch<Payload>] {
        keys.rankKeys()
        let batches = closed.ordered(ranks: keys.ranks)
        compactKeysIfNeeded()
        return batches
    }

    /// Rebuilds the key interner with the keys buffered records still use, once it has grown to
    /// more than twice what it held after the last rebuild (and past 65,536 keys).
    @inlinable
    mutating func compactKeysIfNeeded() {
        guard keys.count > 65_536, keys.count > 2 * keysAfterCompaction else { return }
        var used = [Bool](repeating: false, count: keys.count)
        func mark(_ store: PaneStore<Payload>) {
            for pane in store.panes {
                for column in pane.columns {
                    for index in 0..<column.count { used[Int(column.key(index))] = true }
                }
            }
        }
        switch configuration.scope {
        case .key:
            for slot in slotByPartition.values {
                mark(stores[slot])
                sessionStores[slot].markKeys(&used)
                countStores[slot].markKeys(&used)
            }
        case .global:
            mark(globalStore)
            globalSessions.markKeys(&used)
        }
        let (interner, newIDs) = keys.compacted(keeping: used)
        func remap(_ store: inout PaneStore<Payload>) {
            for pane in store.panes.indices {
                for column in store.panes[pane].columns.indices {
                    if !isKnownUniquelyReferenced(&store.panes[pane].columns[column]) {
                        store.panes[pane].columns[column] = store.panes[pane].columns[column].copy()
                    }
                    store.panes[pane].columns[column].remapKeys(newIDs)
                }
            }
        }
        switch configuration.scope {
        case .key:
            for slot in slotByPartition.values {
                remap(&stores[slot])
                sessionStores[slot].remapKeys(newIDs)
                countStores[slot].remapKeys(newIDs)
            }
        case .global:
            remap(&globalStore)
            globalSessions.remapKeys(newIDs)
        }
        keys = interner
        keysAfterCompaction = interner.count
        keyCounts = []
    }
}
