extension SessionStore {
    // MARK: Closing

    /// Moves `closedThrough` forward to `candidate` (never back) and passes every session whose
    /// end it reaches; sessions emitted before a restore are dropped instead. Returns the records
    /// and bytes dropped per slot.
    @inlinable
    mutating func advanceClosedThrough(to candidate: Int64, reason: CloseReason) -> [(slot: Int, count: Int, bytes: Int)] {
        guard candidate > closedThrough ?? .min else { return [] }
        closedThrough = candidate
        var dropped: [(slot: Int, count: Int, bytes: Int)] = []
        while let top = endHeap.first, top.end <= candidate {
            popEnd()
            guard isCurrent(top) else { continue }
            let end = sessions[Int(top.session)].end
            if end > top.end {
                pushEnd(end, session: top.session)
                continue
            }
            unlinkOpen(top.session)
            let session = sessions[Int(top.session)]
            if let emittedThrough, session.end <= emittedThrough {
                dropped += releaseRecords(of: top.session)
                release(session: top.session)
                continue
            }
            sessions[Int(top.session)].passed = true
            let cut = session.end == session.bucketEnd && session.last + gap > session.bucketEnd
            passed.append((top.session, cut && reason == .streamTime ? .maximumDuration : reason))
        }
        return dropped
    }

    /// Passes every open session (the input ended, or the domain went quiet), and moves
    /// `closedThrough` to the last of their ends.
    @inlinable
    mutating func passAll(reason: CloseReason) -> [(slot: Int, count: Int, bytes: Int)] {
        guard let last = latestOpenEnd else { return [] }
        return advanceClosedThrough(to: last, reason: reason)
    }

    /// The largest end of an open session, if any.
    @inlinable
    var latestOpenEnd: Int64? { sessions.lazy.filter { $0.alive && !$0.passed }.map(\.end).max() }

    @inlinable
    mutating func unlinkOpen(_ session: Int32) {
        let key = Int(sessions[Int(session)].key)
        var previous: Int32 = -1
        var candidate = openByKey[key]
        while candidate >= 0, candidate != session {
            previous = candidate
            candidate = sessions[Int(candidate)].nextOfKey
        }
        guard candidate == session else { return }
        let following = sessions[Int(session)].nextOfKey
        if previous < 0 { openByKey[key] = following } else { sessions[Int(previous)].nextOfKey = following }
    }

    /// Takes the passed sessions, to emit them (then ``releaseEmitted(_:)``).
    @inlinable
    mutating func takePassed() -> [(session: Int32, reason: CloseReason)] {
        defer { passed.removeAll(keepingCapacity: true) }
        return passed
    }

    /// Calls `body` with every record number of `session`.
    @inlinable
    func forEachRecord(of session: Int32, _ body: (Int) -> Void) {
        var record = sessions[Int(session)].head
        while record >= 0 {
            body(Int(record))
            record = nextRecord[Int(record)]
        }
    }

    /// Frees the records of emitted sessions and the sessions; returns the records and bytes freed per slot.
    @inlinable
    mutating func releaseEmitted(_ emitted: [Int32]) -> [(slot: Int, count: Int, bytes: Int)] {
        var released: [(slot: Int, count: Int, bytes: Int)] = []
        for session in emitted {
            released += releaseRecords(of: session)
            release(session: session)
        }
        return released
    }

    /// Frees the records of `session`; returns what each slot lost.
    @inlinable
    mutating func releaseRecords(of session: Int32) -> [(slot: Int, count: Int, bytes: Int)] {
        var bySlot: [(slot: Int, count: Int, bytes: Int)] = []
        var record = sessions[Int(session)].head
        while record >= 0 {
            let index = Int(record)
            let following = nextRecord[index]
            let slot = Int(recordSlots[index])
            if let position = bySlot.firstIndex(where: { $0.slot == slot }) {
                bySlot[position].count += 1
                bySlot[position].bytes += Int(byteCounts[index])
            } else {
                bySlot.append((slot, 1, Int(byteCounts[index])))
            }
            payloads[index] = nil
            recordGenerations[index] &+= 1
            nextRecord[index] = -1
            freeRecords.append(record)
            record = following
        }
        for entry in bySlot { trimHeld(slot: entry.slot) }
        return bySlot
    }

    /// Drops released records from the front of `slot`'s queue.
    @inlinable
    mutating func trimHeld(slot: Int) {
        guard slot < heldBySlot.count else { return }
        while let front = heldBySlot[slot].front, recordGenerations[Int(front.record)] != front.generation {
            heldBySlot[slot].removeFront()
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

    /// The stream time when `slot`'s record at `offset` arrived, if that record is held (`.some(nil)`:
    /// no record preceded it).
    @inlinable
    func streamTimeBefore(slot: Int32, offset: Int64) -> Int64?? {
        guard Int(slot) < heldBySlot.count else { return nil }
        let queue = heldBySlot[Int(slot)]
        var low = queue.start
        var high = queue.entries.count
        while low < high {
            let middle = (low + high) / 2
            if queue.entries[middle].offset < offset { low = middle + 1 } else { high = middle }
        }
        guard low < queue.entries.count, queue.entries[low].offset == offset else { return nil }
        return .some(queue.entries[low].streamTimeBefore)
    }

    /// Sessions holding records that are not emitted yet (passed ones included).
    @inlinable
    var openWindowCount: Int { sessions.count - freeSessions.count }
}
