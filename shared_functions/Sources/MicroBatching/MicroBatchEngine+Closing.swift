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
            for slot in slots.indices where slots[slot] != nil {
                closed += closeKeyScopeWindows(slot: slot, reason: .streamTime)
                let partition = slots[slot]?.partition ?? 0
                guard !pausedPartitions.contains(partition),
                    slots[slot]?.applyIdleRule(now: now, idleTimeout: idleTimeout) == true,
                    let streamTime = slots[slot]?.streamTime
                else { continue }
                slots[slot]?.index.advanceClosedThrough(to: streamTime - grace)
                closed += closeKeyScopeWindows(slot: slot, reason: .idleTimeout)
            }
        case .global:
            closed += closeGlobalWindows(reason: .streamTime)
            for slot in slots.indices where slots[slot] != nil {
                let partition = slots[slot]?.partition ?? 0
                if !pausedPartitions.contains(partition) {
                    _ = slots[slot]?.applyIdleRule(now: now, idleTimeout: idleTimeout)
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
            for slot in slots.indices where slots[slot] != nil {
                guard let windows = slots[slot]?.index.removeAll() else { continue }
                if let last = windows.last?.end { slots[slot]?.index.advanceClosedThrough(to: last) }
                let partition = slots[slot]?.partition ?? 0
                closed += windows.map { (partition, makeBatch($0.end, $0.key, $0.references, .endOfInput)) }
            }
        case .global:
            let windows = globalIndex.removeAll()
            if let last = windows.last?.end { globalIndex.advanceClosedThrough(to: last) }
            closed += windows.map { (0, makeBatch($0.end, $0.key, $0.references, .endOfInput)) }
        }
        return Self.ordered(closed)
    }

    @inlinable
    mutating func closeKeyScopeWindows(slot: Int, reason: CloseReason) -> [(partition: Int32, batch: ClosedBatch<Payload>)] {
        guard let closedThrough = slots[slot]?.index.closedThrough,
            let windows = slots[slot]?.index.removeWindows(endingAtOrBefore: closedThrough)
        else { return [] }
        let partition = slots[slot]?.partition ?? 0
        return windows.map { (partition, makeBatch($0.end, $0.key, $0.references, reason)) }
    }

    @inlinable
    mutating func closeGlobalWindows(reason: CloseReason) -> [(partition: Int32, batch: ClosedBatch<Payload>)] {
        guard let closedThrough = globalIndex.closedThrough else { return [] }
        return globalIndex.removeWindows(endingAtOrBefore: closedThrough).map {
            (0, makeBatch($0.end, $0.key, $0.references, reason))
        }
    }

    /// Builds one closed batch, releasing the window's references to its records.
    @inlinable
    mutating func makeBatch(
        _ end: Int64, _ key: String?, _ references: [RecordReference], _ reason: CloseReason
    ) -> ClosedBatch<Payload> {
        var records: [BatchRecord<Payload>] = []
        records.reserveCapacity(references.count)
        var ranges: [Int32: (first: Int64, last: Int64)] = [:]
        for reference in references {
            guard let partition = slots[reference.slot]?.partition,
                let record = slots[reference.slot]?.arena.take(reference.sequence)
            else { continue }
            records.append(
                BatchRecord(
                    eventTime: record.eventTime, partition: partition, offset: record.offset, key: record.key,
                    value: record.payload))
            let range = ranges[partition] ?? (record.offset, record.offset)
            ranges[partition] = (min(range.first, record.offset), max(range.last, record.offset))
        }
        let window = Window(uncheckedStart: end - configuration.window.size, end: end)
        return ClosedBatch(
            batch: WindowBatch(window: window, key: key, records: records), reason: reason,
            offsetRanges: ranges.keys.sorted().compactMap { partition in
                ranges[partition].map { OffsetRange(partition: partition, first: $0.first, last: $0.last) }
            })
    }

    /// The engine's output order: window end, then key (`nil` first, then UTF-8 bytes), then partition.
    @inlinable
    static func ordered(_ closed: [(partition: Int32, batch: ClosedBatch<Payload>)]) -> [ClosedBatch<Payload>] {
        closed.sorted { lhs, rhs in
            let left = lhs.batch.batch
            let right = rhs.batch.batch
            if left.window.end != right.window.end { return left.window.end < right.window.end }
            if left.key != right.key { return WindowIndex.keyOrder(left.key, right.key) }
            return lhs.partition < rhs.partition
        }.map(\.batch)
    }
}
