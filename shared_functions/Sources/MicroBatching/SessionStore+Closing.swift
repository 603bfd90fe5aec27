extension SessionStore {
    // MARK: Closing

    /// Moves `closedThrough` forward to `candidate` (never back) and passes every session whose
    /// end it reaches; sessions emitted before a restore are dropped instead. Returns the records
    /// and bytes dropped per slot.
    ///
    /// Stream time moves closing forward at nearly every record, so for `.streamTime` only
    /// `closedThrough` moves here, and the sessions it reached are passed by the next
    /// ``passDue()``: before the passed sessions are taken, before closing moves for another
    /// reason, and before a record older than `closedThrough` (only a replayed one can be) is
    /// added. A record at or after `closedThrough` cannot overlap a session ending by then, so
    /// passing later changes nothing but the cost: one pass over the open sessions' ends per
    /// close instead of per record. After a restore, sessions the replay forms again and that were
    /// emitted before it are dropped at once, so the committable offset moves as early as it can.
    @inlinable
    mutating func advanceClosedThrough(to candidate: Int64, reason: CloseReason) -> [(slot: Int, count: Int, bytes: Int)] {
        guard candidate > closedThrough ?? .min else { return [] }
        if reason == .streamTime, earliestOpenEnd > emittedThrough ?? .min {
            closedThrough = candidate
            hasDue = hasDue || candidate >= earliestOpenEnd
            return []
        }
        drain()
        var dropped = passDue()
        closedThrough = candidate
        dropped += pass(through: candidate, reason: reason)
        return dropped
    }

    /// Passes the sessions stream time has closed and that are not passed yet (see
    /// ``advanceClosedThrough(to:reason:)``). Returns the records and bytes dropped per slot.
    @inlinable
    mutating func passDue() -> [(slot: Int, count: Int, bytes: Int)] {
        guard hasDue, let closedThrough else { return [] }
        hasDue = false
        return pass(through: closedThrough, reason: .streamTime)
    }

    /// Passes every open session whose end is at most `through`, in one pass over their ends.
    @inlinable
    mutating func pass(through: Int64, reason: CloseReason) -> [(slot: Int, count: Int, bytes: Int)] {
        guard through >= earliestOpenEnd else { return [] }
        var dropped: [(slot: Int, count: Int, bytes: Int)] = []
        var earliest = Int64.max
        for number in openEnds.indices {
            let end = openEnds[number]
            guard end <= through else {
                earliest = min(earliest, end)
                continue
            }
            openEnds[number] = .max
            unlinkOpen(Int32(number))
            if let emittedThrough, end <= emittedThrough {
                releaseRecords(of: Int32(number), into: &dropped)
                free(session: Int32(number))
                continue
            }
            makeUnique(Int32(number))
            let session = buffers[number]!.update { session in
                session.passed = true
                return session
            }
            let cut = session.end == session.bucketEnd && session.last + gap > session.bucketEnd
            passed.append((Int32(number), cut && reason == .streamTime ? .maximumDuration : reason))
        }
        earliestOpenEnd = earliest
        for entry in dropped { heldBySlot[entry.slot].trim() }
        return dropped
    }

    /// Passes every open session (the input ended, or the domain went quiet), and moves
    /// `closedThrough` to the last of their ends.
    @inlinable
    mutating func passAll(reason: CloseReason) -> [(slot: Int, count: Int, bytes: Int)] {
        drain()
        var dropped = passDue()
        if let last = latestOpenEnd { dropped += advanceClosedThrough(to: last, reason: reason) }
        return dropped
    }

    /// The largest end of an open session, if any (the caller has drained the pending records).
    @inlinable
    var latestOpenEnd: Int64? { openEnds.lazy.filter { $0 != .max }.max() }

    @inlinable
    mutating func unlinkOpen(_ session: Int32) {
        let key = Int(self.session(session).key)
        var previous: Int32 = -1
        var candidate = openByKey[key]
        while candidate >= 0, candidate != session {
            previous = candidate
            candidate = self.session(candidate).nextOfKey
        }
        guard candidate == session else { return }
        let following = self.session(session).nextOfKey
        if previous < 0 {
            openByKey[key] = following
        } else {
            makeUnique(previous)
            buffers[Int(previous)]!.update { $0.nextOfKey = following }
        }
    }

    /// Passes the sessions due (``passDue()``) and takes the passed ones, to emit them (then
    /// ``releaseEmitted(_:)``). Returns them and the records and bytes dropped per slot.
    @inlinable
    mutating func takePassed() -> (passed: [(session: Int32, reason: CloseReason)], dropped: [(slot: Int, count: Int, bytes: Int)]) {
        drain()
        let dropped = passDue()
        defer { passed.removeAll(keepingCapacity: true) }
        return (passed, dropped)
    }

    /// Frees the records of emitted sessions and the sessions; returns the records and bytes freed per slot.
    @inlinable
    mutating func releaseEmitted(_ emitted: [Int32]) -> [(slot: Int, count: Int, bytes: Int)] {
        var released: [(slot: Int, count: Int, bytes: Int)] = []
        for session in emitted {
            releaseRecords(of: session, into: &released)
            free(session: session)
        }
        for entry in released { heldBySlot[entry.slot].trim() }
        return released
    }

    /// Releases the records of `session` from their slots' logs (the caller trims them) and adds
    /// what each slot lost to `released`.
    @inlinable
    mutating func releaseRecords(of session: Int32, into released: inout [(slot: Int, count: Int, bytes: Int)]) {
        buffers[Int(session)]!.withRecords { records in
            var position = -1
            for record in records {
                let slot = Int(record.slot)
                heldBySlot[slot].release(serial: record.serial)
                if position < 0 || released[position].slot != slot {
                    position = released.firstIndex { $0.slot == slot } ?? -1
                    if position < 0 {
                        released.append((slot, 0, 0))
                        position = released.count - 1
                    }
                }
                released[position].count += 1
                released[position].bytes += Int(record.byteCount)
            }
        }
    }

    // MARK: Progress

    /// The lowest offset `slot` still holds, if any.
    @inlinable
    func lowestOffset(slot: Int) -> Int64? { slot < heldBySlot.count ? heldBySlot[slot].front?.offset : nil }

    /// The stream time when `slot`'s lowest held record arrived; `nil` when it holds none.
    @inlinable
    func replayStreamTime(slot: Int) -> Int64?? {
        slot < heldBySlot.count ? heldBySlot[slot].front.map(\.streamTimeBefore) : nil
    }

    /// The stream time when the held record `serial` of `slot` arrived (`nil`: no record preceded it).
    @inlinable
    func streamTimeBefore(slot: Int32, serial: Int) -> Int64? { heldBySlot[Int(slot)].streamTimeBefore(serial: serial) }

    /// Sessions holding records that are not emitted yet (passed ones included), the pending
    /// records in theirs (counted on a drained copy, which costs a pass over the sessions: after
    /// a close, when nothing is pending, it is a subtraction).
    @inlinable
    var openWindowCount: Int {
        guard !pending.isEmpty else { return buffers.count - freeSessions.count }
        var drained = self
        drained.drain()
        return drained.openWindowCount
    }
}
