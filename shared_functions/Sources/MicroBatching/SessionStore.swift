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
/// session newest first; merging links two lists. Ends sit in a min-heap as lower bounds: a session is pushed
/// when it opens, and pushed again with its current end when an older one comes up.
/// Per partition slot a queue in arrival order (which is offset order) gives the lowest offset
/// still held and the stream time when it arrived, for checkpoints.
///
/// Costs: a record costs a look-up of its key's open sessions (almost always one), a few column
/// writes and a link; a heap push when it opens a session, and one each time closing reaches a
/// session that grew since (O(log S)); memory is about 60 bytes per record plus its payload.
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

    @inlinable
    init(gap: Int64, bucket: Int64) {
        self.gap = gap
        self.bucket = bucket
    }

    /// Restores `closedThrough` from a checkpoint: sessions ending at or before it were emitted
    /// then, so the replay's fragments of them are dropped instead of emitted again.
    @inlinable
    mutating func restore(closedThrough restored: Int64) {
        closedThrough = max(closedThrough ?? .min, restored)
        emittedThrough = max(emittedThrough ?? .min, restored)
    }

    // MARK: Geometry

    /// The end of the maximum-duration slice holding `eventTime`: its next multiple of `bucket`.
    @inlinable
    static func bucketEnd(of eventTime: Int64, bucket: Int64) -> Int64 {
        EventTime.floor(eventTime, toMultipleOf: bucket) + bucket
    }

    /// The interval a record at `eventTime` opens, `[t, min(t + gap, its bucket's end))`: the
    /// session it starts, or the part of one it covers (also what a late record reports).
    @inlinable
    static func interval(of eventTime: Int64, gap: Int64, bucket: Int64) -> Window {
        Window(uncheckedStart: eventTime, end: min(eventTime + gap, bucketEnd(of: eventTime, bucket: bucket)))
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
        let recordBucketEnd = Self.bucketEnd(of: eventTime, bucket: bucket)
        let intervalEnd = Self.interval(of: eventTime, gap: gap, bucket: bucket).end
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
        // Newest first: the new record points at the old head, so linking writes only the new
        // record's slot (the old tail, one round of keys old, would be a cache miss).
        nextRecord[Int(record)] = sessions[Int(session)].head
        sessions[Int(session)].head = record
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
}
