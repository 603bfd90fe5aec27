extension MicroBatchEngine {
    /// Closes every window whose end plus grace stream time has reached, then applies the idle
    /// rule (partitions silent for `idleTimeout` advance their stream time by the silence) and
    /// closes what that reaches. Returns the closed batches by window end, then key, then partition.
    @inlinable
    public mutating func closeWindows() -> [ClosedBatch<Payload>] {
        let now = clock.now()
        let idleTimeout = configuration.idleTimeout
        let grace = configuration.window.grace
        var closed: [(partition: Int32, batch: ClosedBatch<Payload>)] = []
        switch configuration.scope {
        case .key:
            for (partition, slot) in slotByPartition {
                closed += closeKeyScopeWindows(slot: slot, reason: .streamTime)
                guard !pausedPartitions.contains(partition),
                    slots[slot]?.applyIdleRule(now: now, idleTimeout: idleTimeout) == true,
                    let streamTime = slots[slot]?.streamTime
                else { continue }
                slots[slot]?.index.advanceClosedThrough(to: streamTime - grace)
                closed += closeKeyScopeWindows(slot: slot, reason: .idleTimeout)
            }
        case .global:
            closed += closeGlobalWindows(reason: .streamTime)
            for (partition, slot) in slotByPartition {
                if !pausedPartitions.contains(partition),
                    slots[slot]?.applyIdleRule(now: now, idleTimeout: idleTimeout) == true
                {
                    globalMinimumStreamTime = nil  // the cached minimum may have moved
                }
            }
            advanceGlobalClosedThrough(skippingIdleAt: now)
            closed += closeGlobalWindows(reason: .idleTimeout)
        }
        return Self.ordered(closed)
    }

    /// Closes every open window, whatever stream time says (the input has ended). Later records
    /// for those windows are late.
    @inlinable
    public mutating func closeAllWindows() -> [ClosedBatch<Payload>] {
        var closed: [(partition: Int32, batch: ClosedBatch<Payload>)] = []
        switch configuration.scope {
        case .key:
            for (partition, slot) in slotByPartition {
                guard let windows = slots[slot]?.index.removeAll() else { continue }
                if let last = windows.last?.end { slots[slot]?.index.advanceClosedThrough(to: last) }
                for window in windows { closed += makeBatches(window.end, window.references, .endOfInput, partition: partition) }
            }
        case .global:
            let windows = globalIndex.removeAll()
            if let last = windows.last?.end { globalIndex.advanceClosedThrough(to: last) }
            for window in windows { closed += makeBatches(window.end, window.references, .endOfInput, partition: 0) }
        }
        return Self.ordered(closed)
    }

    @inlinable
    mutating func closeKeyScopeWindows(slot: Int, reason: CloseReason) -> [(partition: Int32, batch: ClosedBatch<Payload>)] {
        guard let closedThrough = slots[slot]?.index.closedThrough,
            let windows = slots[slot]?.index.removeWindows(endingAtOrBefore: closedThrough), !windows.isEmpty
        else { return [] }
        let partition = slotPartitions[slot]
        return windows.flatMap { makeBatches($0.end, $0.references, reason, partition: partition) }
    }

    @inlinable
    mutating func closeGlobalWindows(reason: CloseReason) -> [(partition: Int32, batch: ClosedBatch<Payload>)] {
        guard let closedThrough = globalIndex.closedThrough else { return [] }
        return globalIndex.removeWindows(endingAtOrBefore: closedThrough).flatMap {
            makeBatches($0.end, $0.references, reason, partition: 0)
        }
    }

    /// Builds the closed batches of one window range: one per key in `key` scope (in key order),
    /// a single one in `global` scope.
    @inlinable
    mutating func makeBatches(
        _ end: Int64, _ references: [RecordReference], _ reason: CloseReason, partition: Int32
    ) -> [(partition: Int32, batch: ClosedBatch<Payload>)] {
        guard configuration.scope == .key, let slot = references.first?.slot else {
            return [(partition, makeBatch(end, nil, references[...], reason))]
        }
        let keys = slots[slot]?.arena.keys(of: references) ?? []
        let grouping = KeyGrouping(keys)
        return grouping.groups.map { group in
            let members = grouping.positions[group].map { references[$0] }
            return (partition, makeBatch(end, keys[grouping.positions[group.lowerBound]], members[...], reason))
        }
    }

    /// Builds one closed batch, releasing the window's references to its records.
    @inlinable
    mutating func makeBatch(
        _ end: Int64, _ key: String?, _ references: ArraySlice<RecordReference>, _ reason: CloseReason
    ) -> ClosedBatch<Payload> {
        var records: [BatchRecord<Payload>] = []
        records.reserveCapacity(references.count)
        var ranges: [OffsetRange] = []
        for reference in references {
            let partition = slotPartitions[reference.slot]
            guard let record = slots[reference.slot]?.arena.take(reference.sequence) else { continue }
            records.append(
                BatchRecord(
                    eventTime: record.eventTime, partition: partition, offset: record.offset, key: record.key,
                    value: record.payload))
            if let index = ranges.firstIndex(where: { $0.partition == partition }) {
                let range = ranges[index]
                ranges[index] = OffsetRange(
                    partition: partition, first: min(range.first, record.offset), last: max(range.last, record.offset))
            } else {
                ranges.append(OffsetRange(partition: partition, first: record.offset, last: record.offset))
            }
        }
        let window = Window(uncheckedStart: end - configuration.window.size, end: end)
        ranges.sort { $0.partition < $1.partition }
        return ClosedBatch(
            batch: WindowBatch(window: window, key: key, records: records), reason: reason, offsetRanges: ranges)
    }

    /// The engine's output order: window end, then key (`nil` first, then UTF-8 bytes), then partition.
    /// Each partition's batches already come in this order, so usually nothing moves.
    @inlinable
    static func ordered(_ closed: [(partition: Int32, batch: ClosedBatch<Payload>)]) -> [ClosedBatch<Payload>] {
        func precedes(_ lhs: Int, _ rhs: Int) -> Bool {
            let (left, right) = (closed[lhs].batch.batch, closed[rhs].batch.batch)
            if left.window.end != right.window.end { return left.window.end < right.window.end }
            if KeyGrouping.keyOrder(left.key, right.key) { return true }
            if KeyGrouping.keyOrder(right.key, left.key) { return false }
            return closed[lhs].partition < closed[rhs].partition
        }
        if closed.indices.dropFirst().allSatisfy({ !precedes($0, $0 - 1) }) { return closed.map(\.batch) }
        return closed.indices.sorted(by: precedes).map { closed[$0].batch }
    }
}
