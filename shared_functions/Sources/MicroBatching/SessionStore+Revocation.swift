extension SessionStore {
    // MARK: Revocation (global scope)

    /// Drops every record of `slot`. Open sessions are formed again from the records left (a
    /// record of `slot` may have joined two sessions); passed ones keep their other records. The
    /// sessions due are passed first (``passDue()``), so what closed stays closed; returns the
    /// records and bytes that dropped per slot.
    @inlinable
    mutating func remove(slot: Int) -> [(slot: Int, count: Int, bytes: Int)] {
        drain()
        let dropped = passDue()
        // Every record kept, with the passed session it belongs to (its index in `passed`; -1: open).
        var kept: [(record: SessionRecord<Payload>, streamTimeBefore: Int64?, passedIndex: Int, sessionKey: KeyID)] = []
        func keep(_ number: Int, passedIndex: Int) {
            let sessionKey = buffers[number]!.session.key
            buffers[number]!.withRecords { records in
                for record in records where Int(record.slot) != slot {
                    let before = heldBySlot[Int(record.slot)].streamTimeBefore(serial: record.serial)
                    kept.append((record, before, passedIndex, sessionKey))
                }
            }
        }
        for (index, entry) in passed.enumerated() { keep(Int(entry.session), passedIndex: index) }
        for number in buffers.indices where buffers[number].map({ !$0.session.passed }) == true { keep(number, passedIndex: -1) }
        kept.sort { ($0.record.slot, $0.record.offset) < ($1.record.slot, $1.record.offset) }

        var rebuilt = SessionStore(gap: gap, bucket: bucket)
        rebuilt.closedThrough = closedThrough
        rebuilt.emittedThrough = emittedThrough
        // Every slot's log again in offset order.
        for index in kept.indices {
            let record = kept[index].record
            kept[index].record.serial = rebuilt.hold(slot: Int(record.slot), offset: record.offset, streamTimeBefore: kept[index].streamTimeBefore)
        }
        // Passed sessions move over with their other records, in the order they passed.
        var keptOfPassed = [[SessionRecord<Payload>]](repeating: [], count: passed.count)
        for entry in kept where entry.passedIndex >= 0 { keptOfPassed[entry.passedIndex].append(entry.record) }
        for (index, entry) in passed.enumerated() where !keptOfPassed[index].isEmpty {
            var session = self.session(entry.session)
            session.nextOfKey = -1
            let buffer = SessionBuffer<Payload>.make(
                capacity: SessionBuffer<Payload>.capacity(from: Self.firstCapacity, holding: keptOfPassed[index].count), session: session)
            // Appending widens the session to each record: its bounds are already those of all.
            for record in keptOfPassed[index] { _ = buffer.append(record, gap: gap) }
            rebuilt.passed.append((rebuilt.takeNumber(buffer, openEnd: .max), entry.reason))
        }
        // Open sessions form again from their other records, in offset order per slot.
        for entry in kept where entry.passedIndex < 0 { rebuilt.add(entry.record, sessionKey: entry.sessionKey) }
        self = rebuilt
        return dropped.filter { $0.slot != slot }
    }
}
