/// The sessions of one closing domain (a partition in `key` scope, the whole topic in `global`
/// scope): open sessions per key, the sessions stream time has passed but the engine has not
/// emitted yet, and their records.
///
/// Each record opens the interval `[t, min(t + gap, bucket end))`, where buckets are the
/// epoch-aligned multiples of the maximum duration; the records of one key and bucket whose
/// intervals overlap are one session, `[first, min(last + gap, bucket end))`. A record that
/// overlaps several sessions merges them. A session is passed when `closedThrough` reaches its
/// end: no on-time record can overlap it any more (the engine's lateness rule guarantees it), so
/// its records are final.
///
/// Records live in a slab (columns indexed by record number, freed numbers reused), linked per
/// session; merging links two lists. Ends sit in a min-heap, stale entries skipped when popped.
/// Per partition slot a queue in arrival order (which is offset order) gives the lowest offset
/// still held and the stream time when it arrived, for checkpoints.
///
/// Costs: a record costs a look-up of its key's open sessions (almost always one), a few column
/// writes and, when it extends a session, a heap push; passing costs O(log S) per session; memory
/// is about 60 bytes per record plus its payload.
@usableFromInline
struct SessionStore<Payload> {
    @usableFromInline
    let gap: Int64
    @usableFromInline
    let bucket: Int64

    // MARK: Records (the slab)

    @usableFromInline var times: [Int64] = []
    @usableFromInline var offsets: [Int64] = []
    @usableFromInline var keys: [KeyID] = []
    @usableFromInline var recordSlots: [Int32] = []
    @usableFromInline var byteCounts: [Int32] = []
    @usableFromInline var payloads: [Payload?] = []
    /// The next record of the same session (-1: the last).
    @usableFromInline var nextRecord: [Int32] = []
    /// Bumped when a record number is freed, so queue entries for the old record are recognised.
    @usableFromInline var recordGenerations: [UInt32] = []
    @usableFromInline var freeRecords: [Int32] = []

    // MARK: Sessions

    @usableFromInline var sessions: [Session] = []
    @usableFromInline var freeSessions: [Int32] = []
    /// The first open session of each key (-1: none), by key number; sessions of a key are linked
    /// through ``Session/nextOfKey``.
    @usableFromInline var openByKey: [Int32] = []
    @usableFromInline var endHeap: [HeapEntry] = []
    /// Sessions passed and not emitted yet, with why they closed.
    @usableFromInline var passed: [(session: Int32, reason: CloseReason)] = []
    /// Every session with `end <= closedThrough` is passed (or emitted); `nil` before any record.
    @usableFromInline var closedThrough: Int64?
    /// Sessions ending at or before this were emitted before a restore: passing drops them.
    @usableFromInline var emittedThrough: Int64?
    /// Per partition slot (indexed by slot): the records held, in arrival order (fronts released lazily).
    @usableFromInline var heldBySlot: [HeldQueue] = []

    @inlinable
    init(window: WindowSpecification) {
        gap = window.gap ?? window.size
        bucket = window.size
    }

    /// Restores `closedThrough` from a checkpoint: sessions ending at or before it were emitted
    /// then, so the replay's fragments of them are dropped instead of emitted again.
    @inlinable
    mutating func restore(closedThrough restored: Int64) {
        closedThrough = max(closedThrough ?? .min, restored)
        emittedThrough = max(emittedThrough ?? .min, restored)
    }

    // MARK: Geometry

    @inlinable
    func bucketEnd(of eventTime: Int64) -> Int64 {
        EventTime.floor(eventTime, toMultipleOf: bucket) + bucket
    }

    /// The interval a record at `eventTime` opens: the session it starts, or the part of one it covers.
    @inlinable
    func interval(of eventTime: Int64) -> Window {
        Window(uncheckedStart: eventTime, end: min(eventTime + gap, bucketEnd(of: eventTime)))
    }

    // MARK: Records

    /// Stores a record and merges the sessions of `sessionKey` it overlaps (`key` is the record's
    /// own key; `sessionKey` is 0 in `global` scope, where sessions span keys). `streamTimeBefore`
    /// is the partition's stream time before this record (for ``replayStreamTime(slot:)``). The
    /// caller has checked that the record is on time.
    @inlinable
    mutating func append(
        slot: Int, eventTime: Int64, offset: Int64, key: KeyID, sessionKey: KeyID, payload: Payload, byteCount: Int,
        streamTimeBefore: Int64?
    ) {
        let record = newRecord(slot: slot, eventTime: eventTime, offset: offset, key: key, payload: payload, byteCount: byteCount)
        hold(slot: slot, HeldRecord(record: record, generation: recordGenerations[Int(record)], offset: offset, streamTimeBefore: streamTimeBefore))
        let recordBucketEnd = bucketEnd(of: eventTime)
        let intervalEnd = min(eventTime + gap, recordBucketEnd)
        if Int(sessionKey) >= openByKey.count {
            openByKey.append(contentsOf: repeatElement(-1, count: Int(sessionKey) + 1 - openByKey.count))
        }
        // The sessions of this key that the record's interval overlaps join the first of them.
        var target: Int32 = -1
        var previous: Int32 = -1
        var candidate = openByKey[Int(sessionKey)]
        while candidate >= 0 {
            let following = sessions[Int(candidate)].nextOfKey
            let session = sessions[Int(candidate)]
            if session.bucketEnd == recordBucketEnd, eventTime < session.end, intervalEnd > session.first {
                if target < 0 {
                    target = candidate
                    previous = candidate
                } else {
                    absorb(candidate, into: target)
                    sessions[Int(previous)].nextOfKey = following
                    release(session: candidate)
                    candidate = following
                    continue
                }
            } else {
                previous = candidate
            }
            candidate = following
        }
        if target < 0 {
            target = newSession(key: sessionKey, bucketEnd: recordBucketEnd, record: record, eventTime: eventTime)
            // Ends only grow: the heap keeps this lower bound, raised when it comes up (``advanceClosedThrough(to:reason:)``).
            pushEnd(sessions[Int(target)].end, session: target)
        } else {
            link(record, into: target, eventTime: eventTime)
        }
    }

    @inlinable
    mutating func hold(slot: Int, _ record: HeldRecord) {
        if slot >= heldBySlot.count { heldBySlot.append(contentsOf: repeatElement(HeldQueue(), count: slot + 1 - heldBySlot.count)) }
        heldBySlot[slot].append(record)
    }

    @inlinable
    mutating func newRecord(slot: Int, eventTime: Int64, offset: Int64, key: KeyID, payload: Payload, byteCount: Int) -> Int32 {
        let bytes = Int32(clamping: byteCount)
        if let record = freeRecords.popLast() {
            let index = Int(record)
            times[index] = eventTime
            offsets[index] = offset
            keys[index] = key
            recordSlots[index] = Int32(slot)
            byteCounts[index] = bytes
            payloads[index] = payload
            nextRecord[index] = -1
            return record
        }
        times.append(eventTime)
        offsets.append(offset)
        keys.append(key)
        recordSlots.append(Int32(slot))
        byteCounts.append(bytes)
        payloads.append(payload)
        nextRecord.append(-1)
        recordGenerations.append(0)
        return Int32(times.count - 1)
    }

    @inlinable
    mutating func newSession(key: KeyID, bucketEnd: Int64, record: Int32, eventTime: Int64) -> Int32 {
        let session = Session(
            key: key, bucketEnd: bucketEnd, first: eventTime, last: eventTime, end: min(eventTime + gap, bucketEnd), head: record,
            tail: record, nextOfKey: openByKey[Int(key)])
        let number: Int32
        if let free = freeSessions.popLast() {
            number = free
            let generation = sessions[Int(free)].generation
            sessions[Int(free)] = session
            sessions[Int(free)].generation = generation
        } else {
            number = Int32(sessions.count)
            sessions.append(session)
        }
        openByKey[Int(key)] = number
        return number
    }

    @inlinable
    mutating func link(_ record: Int32, into session: Int32, eventTime: Int64) {
        let tail = sessions[Int(session)].tail
        nextRecord[Int(tail)] = record
        sessions[Int(session)].tail = record
        sessions[Int(session)].count += 1
        sessions[Int(session)].include(eventTime, gap: gap)
    }

    /// Moves every record of `source` to `target` (the caller unlinks and releases `source`).
    @inlinable
    mutating func absorb(_ source: Int32, into target: Int32) {
        let other = sessions[Int(source)]
        nextRecord[Int(sessions[Int(target)].tail)] = other.head
        sessions[Int(target)].tail = other.tail
        sessions[Int(target)].count += other.count
        sessions[Int(target)].include(other.first, gap: gap)
        sessions[Int(target)].include(other.last, gap: gap)
    }

    /// Frees a session number (its records are the caller's).
    @inlinable
    mutating func release(session: Int32) {
        sessions[Int(session)].generation &+= 1
        sessions[Int(session)].alive = false
        freeSessions.append(session)
    }

    // MARK: The end heap

    @inlinable
    mutating func pushEnd(_ end: Int64, session: Int32) {
        endHeap.append(HeapEntry(end: end, session: session, generation: sessions[Int(session)].generation))
        var child = endHeap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard endHeap[child].end < endHeap[parent].end else { break }
            endHeap.swapAt(child, parent)
            child = parent
        }
    }

    @inlinable
    mutating func popEnd() {
        endHeap.swapAt(0, endHeap.count - 1)
        endHeap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < endHeap.count else { break }
            var smallest = left
            if left + 1 < endHeap.count, endHeap[left + 1].end < endHeap[left].end { smallest = left + 1 }
            guard endHeap[smallest].end < endHeap[parent].end else { break }
            endHeap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Whether a heap entry belongs to an open session (its end is a lower bound of the session's).
    @inlinable
    func isCurrent(_ entry: HeapEntry) -> Bool {
        let session = sessions[Int(entry.session)]
        return session.alive && !session.passed && session.generation == entry.generation
    }

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

    @inlinable
    init(gap: Int64, bucket: Int64) {
        self.gap = gap
        self.bucket = bucket
    }

    // MARK: Keys

    /// Marks the keys of held records and sessions in `used` (indexed by key number).
    @inlinable
    func markKeys(_ used: inout [Bool]) {
        for number in sessions.indices where sessions[number].alive {
            used[Int(sessions[number].key)] = true
            forEachRecord(of: Int32(number)) { record in used[Int(keys[record])] = true }
        }
    }

    /// Renumbers keys after the interner was compacted.
    @inlinable
    mutating func remapKeys(_ newIDs: [KeyID]) {
        var remapped = [Int32](repeating: -1, count: openByKey.count)
        for number in sessions.indices where sessions[number].alive {
            let key = newIDs[Int(sessions[number].key)]
            sessions[number].key = key
            if !sessions[number].passed {
                if Int(key) >= remapped.count { remapped.append(contentsOf: repeatElement(-1, count: Int(key) + 1 - remapped.count)) }
                sessions[number].nextOfKey = remapped[Int(key)]
                remapped[Int(key)] = Int32(number)
            }
            // A plain loop: writing `keys` from a closure over `self` would copy the array per session.
            var record = sessions[number].head
            while record >= 0 {
                keys[Int(record)] = newIDs[Int(keys[Int(record)])]
                record = nextRecord[Int(record)]
            }
        }
        openByKey = remapped
    }
}

/// One session: its key, bucket, first and last event time and end, its records' list, and its
/// place among the key's open sessions.
@usableFromInline
struct Session {
    @usableFromInline var key: KeyID
    @usableFromInline var head: Int32
    @usableFromInline var tail: Int32
    @usableFromInline var nextOfKey: Int32
    @usableFromInline var count: Int32 = 1
    @usableFromInline var generation: UInt32 = 0
    @usableFromInline var first: Int64
    @usableFromInline var last: Int64
    /// `min(last + gap, bucketEnd)`: the session is `[first, end)`.
    @usableFromInline var end: Int64
    @usableFromInline let bucketEnd: Int64
    @usableFromInline var alive = true
    @usableFromInline var passed = false

    @inlinable
    init(key: KeyID, bucketEnd: Int64, first: Int64, last: Int64, end: Int64, head: Int32, tail: Int32, nextOfKey: Int32) {
        (self.key, self.bucketEnd, self.first, self.last, self.end) = (key, bucketEnd, first, last, end)
        (self.head, self.tail, self.nextOfKey) = (head, tail, nextOfKey)
    }

    @inlinable
    var window: Window { Window(uncheckedStart: first, end: end) }

    @inlinable
    mutating func include(_ eventTime: Int64, gap: Int64) {
        if eventTime < first { first = eventTime }
        if eventTime > last {
            last = eventTime
            end = min(last + gap, bucketEnd)
        }
    }
}

/// A session end in ``SessionStore``'s heap.
@usableFromInline
struct HeapEntry {
    @usableFromInline let end: Int64
    @usableFromInline let session: Int32
    @usableFromInline let generation: UInt32

    @inlinable
    init(end: Int64, session: Int32, generation: UInt32) {
        (self.end, self.session, self.generation) = (end, session, generation)
    }
}

/// A held record in its slot's arrival queue.
@usableFromInline
struct HeldRecord {
    @usableFromInline let record: Int32
    @usableFromInline let generation: UInt32
    @usableFromInline let offset: Int64
    @usableFromInline let streamTimeBefore: Int64?

    @inlinable
    init(record: Int32, generation: UInt32, offset: Int64, streamTimeBefore: Int64?) {
        (self.record, self.generation, self.offset, self.streamTimeBefore) = (record, generation, offset, streamTimeBefore)
    }
}

/// A first-in first-out queue of held records (an array and a start, compacted as it drains).
@usableFromInline
struct HeldQueue {
    @usableFromInline var entries: [HeldRecord] = []
    @usableFromInline var start = 0

    @inlinable
    init() {}

    @inlinable
    var front: HeldRecord? { start < entries.count ? entries[start] : nil }

    @inlinable
    var isEmpty: Bool { start == entries.count }

    @inlinable
    mutating func append(_ record: HeldRecord) { entries.append(record) }

    @inlinable
    mutating func removeFront() {
        start += 1
        if start == entries.count {
            entries.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 1_024, start * 2 >= entries.count {
            entries.removeFirst(start)
            start = 0
        }
    }
}
