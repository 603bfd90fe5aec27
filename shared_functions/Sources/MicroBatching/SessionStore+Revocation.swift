extension SessionStore {
    // MARK: Revocation (global scope)

    /// Drops every record of `slot`. Open sessions are formed again from the records left (a
    /// record of `slot` may have joined two sessions); passed ones keep their other records.
    @inlinable
    mutating func remove(slot: Int) {
        var streamTimesBefore: [Int32: Int64?] = [:]
        for queue in heldBySlot {
            for entry in queue.entries[queue.start...] where recordGenerations[Int(entry.record)] == entry.generation {
                streamTimesBefore[entry.record] = entry.streamTimeBefore
            }
        }
        var rebuilt = SessionStore(gap: gap, bucket: bucket)
        rebuilt.closedThrough = closedThrough
        rebuilt.emittedThrough = emittedThrough
        var held: [(slot: Int32, offset: Int64, record: Int32, before: Int64?)] = []
        // Passed sessions move over with their other records.
        for entry in passed {
            var kept: [Int] = []
            forEachRecord(of: entry.session) { record in
                if Int(recordSlots[record]) != slot { kept.append(record) }
            }
            guard !kept.isEmpty else { continue }
            var copied: [Int32] = []
            for record in kept {
                let copy = rebuilt.newRecord(
                    slot: Int(recordSlots[record]), eventTime: times[record], offset: offsets[record], key: keys[record],
                    payload: payloads[record]!, byteCount: Int(byteCounts[record]))
                if let last = copied.last { rebuilt.nextRecord[Int(last)] = copy }
                copied.append(copy)
                held.append((recordSlots[record], offsets[record], copy, streamTimesBefore[Int32(record)] ?? nil))
            }
            var session = sessions[Int(entry.session)]
            session.head = copied[0]
            session.tail = copied[copied.count - 1]
            session.count = Int32(copied.count)
            session.nextOfKey = -1
            session.generation = 0
            rebuilt.sessions.append(session)
            rebuilt.passed.append((Int32(rebuilt.sessions.count - 1), entry.reason))
        }
        // Open sessions form again from their other records, in offset order per slot.
        var survivors: [Int] = []
        var sessionOf: [Int: Int32] = [:]
        for number in sessions.indices where sessions[number].alive && !sessions[number].passed {
            forEachRecord(of: Int32(number)) { record in
                if Int(recordSlots[record]) != slot {
                    survivors.append(record)
                    sessionOf[record] = Int32(number)
                }
            }
        }
        survivors.sort { (recordSlots[$0], offsets[$0]) < (recordSlots[$1], offsets[$1]) }
        for record in survivors {
            rebuilt.append(
                slot: Int(recordSlots[record]), eventTime: times[record], offset: offsets[record], key: keys[record],
                sessionKey: sessions[Int(sessionOf[record]!)].key, payload: payloads[record]!, byteCount: Int(byteCounts[record]),
                streamTimeBefore: streamTimesBefore[Int32(record)] ?? nil)
        }
        // Every slot's queue again in offset order.
        for queue in rebuilt.heldBySlot {
            for entry in queue.entries[queue.start...] {
                held.append((rebuilt.recordSlots[Int(entry.record)], entry.offset, entry.record, entry.streamTimeBefore))
            }
        }
        rebuilt.heldBySlot = []
        for entry in held.sorted(by: { ($0.slot, $0.offset) < ($1.slot, $1.offset) }) {
            rebuilt.hold(
                slot: Int(entry.slot),
                HeldRecord(
                    record: entry.record, generation: rebuilt.recordGenerations[Int(entry.record)], offset: entry.offset,
                    streamTimeBefore: entry.before))
        }
        self = rebuilt
    }
}
