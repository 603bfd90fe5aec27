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
/// Storage: sessions by number (freed numbers reused), each one object holding its state and
/// records (``SessionBuffer``), found through the key's newest open session; each open session's
/// end in a dense array that closing passes over. Per partition slot a ``HeldLog`` in arrival
/// order (which is offset order) gives the lowest offset still held and the stream time when it
/// arrived, for checkpoints. Fresh records wait in a pending list and join their sessions 1,024 at
/// a time (``drain()``).
///
/// Costs: a record costs an entry in its slot's log and in the pending list, then a look-up of its
/// key's open sessions (almost always one) and an append to that session's buffer (a copy to twice
/// the size when full; emptied buffers are reused). Closing is a pass over the open sessions' ends
/// (8 bytes each), made at a close once the earliest end may have been reached (see
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

    /// Each session, by number (`nil`: a free number): its state and records in one object.
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
    /// Every session with `end <= closedThrough` is passed (or emitted), or due (``passDue()``);
    /// `nil` before any record.
    @usableFromInline var closedThrough: Int64?
    /// Sessions ending at or before this were emitted before a restore: passing drops them.
    @usableFromInline var emittedThrough: Int64?
    /// Per partition slot (indexed by slot): the records held, in arrival order.
    @usableFromInline var heldBySlot: [HeldLog] = []
    /// Fresh records held but not added to their sessions yet, in arrival order (``drain()``).
    @usableFromInline var pending: [(record: SessionRecord<Payload>, sessionKey: KeyID)] = []
    /// Where each session's state lies in memory, by session number, for ``drain()`` to load
    /// ahead (`nil`: a free number). Kept with ``buffers`` by ``setBuffer(_:_:)``.
    @usableFromInline var sessionAddresses: [UnsafeRawPointer?] = []
    /// What the loads ahead read, kept so that they are not optimised away.
    @usableFromInline var loadedAhead: Int64 = 0
    /// Where a buffer's record count and first record lie from its start (the same for every
    /// buffer; -1 until the first one).
    @usableFromInline var countOffset = -1
    @usableFromInline var capacityOffset = -1
    @usableFromInline var recordsOffset = -1

    /// A new session's buffer capacity; the records of spare buffers kept for reuse, at most; the
    /// pending records that make ``append(slot:eventTime:offset:key:sessionKey:payload:byteCount:streamTimeBefore:replaying:)`` drain.
    @usableFromInline static var firstCapacity: Int { 16 }
    @usableFromInline static var drainCount: Int { 1024 }
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

    /// The state of session `number` (which is not free).
    @inlinable
    func session(_ number: Int32) -> Session { buffers[Int(number)]!.session }

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
    ///
    /// A fresh record is entered in its slot's log at once but joins its session later, with the
    /// records after it (``drain()``): the sessions' state is then loaded for up to 1,024 records in
    /// a row, so the cache misses of many keys overlap instead of coming one record after the
    /// other. Nothing can tell: a fresh on-time record is at or after `closedThrough` (the lateness
    /// rule), so no session it would join or start can be passed, dropped or reached by a replayed
    /// record before the drain, and every reader of sessions drains first. A replayed record drains
    /// the pending ones and joins at once.
    @inlinable
    mutating func append(
        slot: Int, eventTime: Int64, offset: Int64, key: KeyID, sessionKey: KeyID, payload: Payload, byteCount: Int,
        streamTimeBefore: Int64?, replaying: Bool
    ) -> [(slot: Int, count: Int, bytes: Int)] {
        let serial = hold(slot: slot, offset: offset, streamTimeBefore: streamTimeBefore)
        let record = SessionRecord(
            eventTime: eventTime, offset: offset, serial: serial, key: key, slot: Int32(slot), byteCount: Int32(clamping: byteCount),
            payload: payload)
        guard replaying else {
            pending.append((record, sessionKey))
            if pending.count >= Self.drainCount { drain() }
            return []
        }
        drain()
        let dropped = hasDue && eventTime < closedThrough! ? passDue() : []
        add(record, sessionKey: sessionKey)
        return dropped
    }

    /// Adds the pending records to their sessions, in arrival order: first a loop of loads alone
    /// reads each one's newest session, so that the misses are in flight together.
    @inlinable
    mutating func drain() {
        guard !pending.isEmpty else { return }
        var loaded: Int64 = 0
        let (countOffset, capacityOffset, recordsOffset) = (countOffset, capacityOffset, recordsOffset)
        let stride = MemoryLayout<SessionRecord<Payload>>.stride
        pending.withUnsafeBufferPointer { pending in
            openByKey.withUnsafeBufferPointer { openByKey in
                sessionAddresses.withUnsafeBufferPointer { addresses in
                    // Each newest session's state: both of its cache lines.
                    for entry in pending where Int(entry.sessionKey) < openByKey.count {
                        let number = openByKey[Int(entry.sessionKey)]
                        if number >= 0, let address = addresses[Int(number)] {
                            loaded &+= address.load(as: Int64.self) &+ address.load(fromByteOffset: 64, as: Int64.self)
                        }
                    }
                    // Then, the states in cache, the line each record will be written to.
                    for entry in pending where Int(entry.sessionKey) < openByKey.count {
                        let number = openByKey[Int(entry.sessionKey)]
                        if number >= 0, let address = addresses[Int(number)] {
                            let count = address.load(fromByteOffset: countOffset, as: Int.self)
                            let capacity = address.load(fromByteOffset: capacityOffset, as: Int.self)
                            if count < capacity { loaded &+= address.load(fromByteOffset: recordsOffset + count * stride, as: Int64.self) }
                        }
                    }
                }
            }
        }
        loadedAhead = loaded
        for index in pending.indices { add(pending[index].record, sessionKey: pending[index].sessionKey) }
        pending.removeAll(keepingCapacity: true)
        // Sessions just formed may already end by `closedThrough` (it moved as they arrived).
        if let closedThrough, closedThrough >= earliestOpenEnd { hasDue = true }
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
            let session = session(candidate)
            let following = session.nextOfKey
            if session.overlaps(eventTime, gap: gap, bucket: bucket) {
                if target < 0 {
                    target = candidate
                    previous = candidate
                } else {
                    absorb(candidate, into: target)
                    makeUnique(previous)
                    buffers[Int(previous)]!.update { $0.nextOfKey = following }
                    free(session: candidate)
                }
            } else {
                previous = candidate
            }
            candidate = following
        }
        if target < 0 { target = newSession(key: sessionKey, eventTime: eventTime) }
        let index = Int(target)
        reserve(target, toHold: buffers[index]!.count + 1)
        openEnds[index] = buffers[index]!.append(record, gap: gap)
    }

    @inlinable
    mutating func newSession(key: KeyID, eventTime: Int64) -> Int32 {
        let bucketEnd = Self.bucketEnd(of: eventTime, bucket: bucket)
        let session = Session(
            key: key, bucketEnd: bucketEnd, first: eventTime, last: eventTime, end: min(eventTime + gap, bucketEnd),
            nextOfKey: openByKey[Int(key)])
        let buffer: SessionBuffer<Payload>
        if let spare = spareBuffers.popLast() {
            spareCapacity -= spare.recordCapacity
            spare.reuse(for: session)
            buffer = spare
        } else {
            buffer = .make(capacity: Self.firstCapacity, session: session)
        }
        let number = takeNumber(buffer, openEnd: session.end)
        earliestOpenEnd = min(earliestOpenEnd, session.end)
        openByKey[Int(key)] = number
        return number
    }

    /// A session number for `buffer` (a freed one first), with `openEnd` as its entry in
    /// ``openEnds``.
    @inlinable
    mutating func takeNumber(_ buffer: SessionBuffer<Payload>, openEnd: Int64) -> Int32 {
        let number: Int32
        if let free = freeSessions.popLast() {
            number = free
            openEnds[Int(free)] = openEnd
        } else {
            number = Int32(buffers.count)
            buffers.append(nil)
            sessionAddresses.append(nil)
            openEnds.append(openEnd)
        }
        setBuffer(Int(number), buffer)
        return number
    }

    /// Replaces `session`'s buffer by an unshared one with room for `count` records.
    @inlinable
    mutating func grow(_ session: Int, toHold count: Int) {
        var old = buffers[session]
        setBuffer(session, old!.copy(capacity: SessionBuffer<Payload>.capacity(from: old!.recordCapacity, holding: count)))
        recycle(&old)
    }

    /// Makes session `number`'s buffer unshared, with room for `count` records, to change it.
    @inlinable
    mutating func reserve(_ number: Int32, toHold count: Int) {
        // Checked before any other reference to the buffer exists (a local one would defeat it).
        if !isKnownUniquelyReferenced(&buffers[Int(number)]) || count > buffers[Int(number)]!.recordCapacity {
            grow(Int(number), toHold: count)
        }
    }

    /// Makes session `number`'s buffer unshared, to change it.
    @inlinable
    mutating func makeUnique(_ number: Int32) { reserve(number, toHold: 0) }

    /// Moves every record of `source` to `target` (the caller unlinks and frees `source`).
    @inlinable
    mutating func absorb(_ source: Int32, into target: Int32) {
        let other = session(source)
        reserve(target, toHold: buffers[Int(target)]!.count + other.count)
        buffers[Int(target)]!.append(contentsOf: buffers[Int(source)]!)
        let gap = gap
        buffers[Int(target)]!.update { session in
            session.include(other.first, gap: gap)
            session.include(other.last, gap: gap)
        }
    }

    /// Frees a session number and its buffer (its records' log entries are the caller's).
    @inlinable
    mutating func free(session: Int32) {
        openEnds[Int(session)] = .max
        var buffer = buffers[Int(session)].take()
        sessionAddresses[Int(session)] = nil
        recycle(&buffer)
        freeSessions.append(session)
    }

    // MARK: Buffers

    /// Makes `buffer` session `number`'s, and notes where its state lies.
    @inlinable
    mutating func setBuffer(_ number: Int, _ buffer: SessionBuffer<Payload>) {
        let address = UnsafeRawPointer(Unmanaged.passUnretained(buffer).toOpaque())
        if recordsOffset < 0 {
            let header = buffer.withUnsafeMutablePointerToHeader { UnsafeRawPointer($0) - address }
            countOffset = header + MemoryLayout<Session>.offset(of: \.count)!
            capacityOffset = header + MemoryLayout<Session>.offset(of: \.capacity)!
            recordsOffset = buffer.withUnsafeMutablePointerToElements { UnsafeRawPointer($0) - address }
        }
        sessionAddresses[number] = address
        buffers[number] = buffer
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
