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
/// Storage: sessions by number (freed numbers reused), each with its records in one buffer
/// (``SessionBuffer``), found through the key's newest open session; each open session's end in
/// a dense array that closing passes over. Per partition slot a ``HeldLog`` in arrival order (which
/// is offset order) gives the lowest offset still held and the stream time when it arrived, for
/// checkpoints.
///
/// Costs: a record costs a look-up of its key's open sessions (almost always one), an append to
/// that session's buffer (a copy to twice the size when full; emptied buffers are reused) and an
/// entry in its slot's log. Closing is a pass over the open sessions' ends (8 bytes each), made
/// at a close once the earliest end may have been reached (see
/// ``advanceClosedThrough(to:reason:)``); a passed session's records are one contiguous run.
/// Memory is about 64 bytes per record (a payload of up to 8 bytes included) and the buffers'
/// room to grow.
@usableFromInline
struct SessionStore<Payload> {
    @usableFromInline
    let gap: Int64
    @usableFromInline
    let bucket: Int64

    // MARK: Sessions

    @usableFromInline var sessions: [Session] = []
    /// Each session's records, by session number (`nil`: a free number).
    @usableFromInline var buffers: [SessionBuffer<Payload>?] = []
    /// Each open session's end, by session number (`Int64.max`: free or passed).
    @usableFromInline var openEnds: [Int64] = []
    /// At most the least of ``openEnds``: closing before it passes nothing.
    @usableFromInline var earliestOpenEnd = Int64.max
    /// Whether `closedThrough` may have reached open sessions not passed yet (``passDue()``).
    @usableFromInline var hasDue = false
    @usableFromInline var freeSessions: [Int32] = []
    /// The newest open session of each key (-1: none), by key number; older open sessions of a
    /// key are linked through ``Session/nextOfKey``.
    @usableFromInline var openByKey: [Int32] = []
    /// Emptied buffers to reuse, and the records they have room for.
    @usableFromInline var spareBuffers: [SessionBuffer<Payload>] = []
    @usableFromInline var spareCapacity = 0
    /// Sessions passed and not emitted yet, with why they closed.
    @usableFromInline var passed: [(session: Int32, reason: CloseReason)] = []
    /// Every session with `end <= closedThrough` is passed (or emitted); `nil` before any record.
    @usableFromInline var closedThrough: Int64?
    /// Sessions ending at or before this were emitted before a restore: passing drops them.
    @usableFromInline var emittedThrough: Int64?
    /// Per partition slot (indexed by slot): the records held, in arrival order.
    @usableFromInline var heldBySlot: [HeldLog] = []

    /// A new session's buffer capacity; the records of spare buffers kept for reuse, at most.
    @usableFromInline static var firstCapacity: Int { 8 }
    @usableFromInline static var maximumSpareCapacity: Int { 16_384 }

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
    /// caller has checked that the record is on time. Returns the records and bytes dropped per
    /// slot by passing the sessions due first (``passDue()``), when the record is older than
    /// `closedThrough`.
    @inlinable
    mutating func append(
        slot: Int, eventTime: Int64, offset: Int64, key: KeyID, sessionKey: KeyID, payload: Payload, byteCount: Int,
        streamTimeBefore: Int64?
    ) -> [(slot: Int, count: Int, bytes: Int)] {
        let dropped = hasDue && eventTime < closedThrough! ? passDue() : []
        let serial = hold(slot: slot, offset: offset, streamTimeBefore: streamTimeBefore)
        add(
            SessionRecord(
                eventTime: eventTime, offset: offset, serial: serial, key: key, slot: Int32(slot),
                byteCount: Int32(clamping: byteCount), payload: payload),
            sessionKey: sessionKey)
        return dropped
    }

    /// Enters a record in its slot's log; returns its serial.
    @inlinable
    mutating func hold(slot: Int, offset: Int64, streamTimeBefore: Int64?) -> Int {
        if slot >= heldBySlot.count { heldBySlot.append(contentsOf: repeatElement(HeldLog(), count: slot + 1 - heldBySlot.count)) }
        return heldBySlot[slot].append(offset: offset, streamTimeBefore: streamTimeBefore)
    }

    /// Puts a held record into the session of `sessionKey` it overlaps, merging the others it
    /// overlaps into that one, or into a new session.
    @inlinable
    mutating func add(_ record: SessionRecord<Payload>, sessionKey: KeyID) {
        let eventTime = record.eventTime
        if Int(sessionKey) >= openByKey.count {
            openByKey.append(contentsOf: repeatElement(-1, count: Int(sessionKey) + 1 - openByKey.count))
        }
        var target: Int32 = -1
        var previous: Int32 = -1
        var candidate = openByKey[Int(sessionKey)]
        while candidate >= 0 {
            let session = sessions[Int(candidate)]
            let following = session.nextOfKey
            if session.overlaps(eventTime, gap: gap, bucket: bucket) {
                if target < 0 {
                    target = candidate
                    previous = candidate
                } else {
                    absorb(candidate, into: target)
                    sessions[Int(previous)].nextOfKey = following
                    free(session: candidate)
                }
            } else {
                previous = candidate
            }
            candidate = following
        }
        if target < 0 { target = newSession(key: sessionKey, eventTime: eventTime) }
        appendRecord(record, to: Int(target))
        sessions[Int(target)].include(eventTime, gap: gap)
        openEnds[Int(target)] = sessions[Int(target)].end
    }

    @inlinable
    mutating func newSession(key: KeyID, eventTime: Int64) -> Int32 {
        let bucketEnd = Self.bucketEnd(of: eventTime, bucket: bucket)
        let session = Session(
            key: key, bucketEnd: bucketEnd, first: eventTime, last: eventTime, end: min(eventTime + gap, bucketEnd),
            nextOfKey: openByKey[Int(key)])
        let buffer = takeBuffer()
        let number: Int32
        if let free = freeSessions.popLast() {
            number = free
            sessions[Int(free)] = session
            buffers[Int(free)] = buffer
            openEnds[Int(free)] = session.end
        } else {
            number = Int32(sessions.count)
            sessions.append(session)
            buffers.append(buffer)
            openEnds.append(session.end)
        }
        earliestOpenEnd = min(earliestOpenEnd, session.end)
        openByKey[Int(key)] = number
        return number
    }

    @inlinable
    mutating func appendRecord(_ record: SessionRecord<Payload>, to session: Int) {
        // Checked before any other reference to the buffer exists (a local one would defeat it).
        if !isKnownUniquelyReferenced(&buffers[session]) || buffers[session]!.isFull {
            grow(session, toHold: buffers[session]!.count + 1)
        }
        buffers[session]!.append(record)
    }

    /// Replaces `session`'s buffer by an unshared one with room for `count` records.
    @inlinable
    mutating func grow(_ session: Int, toHold count: Int) {
        var old = buffers[session]
        var capacity = old!.recordCapacity
        while capacity < count { capacity <<= 1 }
        buffers[session] = old!.copy(capacity: capacity)
        recycle(&old)
    }

    /// Moves every record of `source` to `target` (the caller unlinks and frees `source`).
    @inlinable
    mutating func absorb(_ source: Int32, into target: Int32) {
        let other = sessions[Int(source)]
        let total = buffers[Int(target)]!.count + buffers[Int(source)]!.count
        if !isKnownUniquelyReferenced(&buffers[Int(target)]) || total > buffers[Int(target)]!.recordCapacity {
            grow(Int(target), toHold: total)
        }
        buffers[Int(target)]!.append(contentsOf: buffers[Int(source)]!)
        sessions[Int(target)].include(other.first, gap: gap)
        sessions[Int(target)].include(other.last, gap: gap)
    }

    /// Frees a session number and its buffer (its records' log entries are the caller's).
    @inlinable
    mutating func free(session: Int32) {
        sessions[Int(session)].alive = false
        openEnds[Int(session)] = .max
        var buffer = buffers[Int(session)].take()
        recycle(&buffer)
        freeSessions.append(session)
    }

    // MARK: Buffers

    @inlinable
    mutating func takeBuffer() -> SessionBuffer<Payload> {
        guard let spare = spareBuffers.popLast() else { return .make(capacity: Self.firstCapacity) }
        spareCapacity -= spare.recordCapacity
        return spare
    }

    /// Takes `buffer` away (leaving `nil`) and keeps it, emptied, for another session when no one
    /// else holds it and the spares are not too many.
    @inlinable
    mutating func recycle(_ buffer: inout SessionBuffer<Payload>?) {
        defer { buffer = nil }
        guard let capacity = buffer?.recordCapacity, capacity <= 256, spareCapacity + capacity <= Self.maximumSpareCapacity,
            isKnownUniquelyReferenced(&buffer)
        else { return }
        buffer!.removeAll()
        spareCapacity += capacity
        spareBuffers.append(buffer!)
    }
}
