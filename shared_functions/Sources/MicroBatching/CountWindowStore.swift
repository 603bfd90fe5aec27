/// The open count windows of one partition (count windows are `key` scope only): per key, its
/// records from the start of its oldest open window on, in offset order, and the windows filled
/// but not emitted yet.
///
/// A key's windows start at every `advance`-th of its records, counted from its first record in
/// the partition (and again from the first after the idle rule closed its windows). The key keeps
/// the records from its oldest open window's first one: fewer than `count`. The record that makes
/// `count` passes that window (its records are copied out) and drops the first `advance` records,
/// where the next window starts. So a key's held records always begin at a window start, and the
/// offsets of those first records are all a restart needs: replaying from the committed offset,
/// the record at such an offset tells whose windows begin there
/// (``OffsetCheckpoint/countWindowStarts``).
///
/// Storage: a ring of records per key (``CountRing``, one allocation, found by key number), so an
/// append touches the key's ring and nothing else; passed windows are copied side by side into
/// one pending buffer.
///
/// Costs: ingest is a look-up by key number and a write into the key's ring; a window that fills
/// copies its `count` records once; the lowest held offset is a pass over the keys (once per
/// checkpoint).
@usableFromInline
struct CountWindowStore<Payload> {
    @usableFromInline
    let count: Int
    @usableFromInline
    let advance: Int
    /// Each key's ring, by key number (`nil`: the key holds nothing).
    @usableFromInline
    var rings: [CountRing<Payload>?] = []
    /// Keys holding records.
    @usableFromInline
    var heldKeys = 0
    /// Emptied rings, to reuse: a tumbling key empties its ring at every window.
    @usableFromInline
    var spareRings: [CountRing<Payload>] = []
    /// A new key's ring capacity: room for a whole window when that is small, else it grows.
    @usableFromInline
    var firstCapacity: Int { min(CountRing<Payload>.capacity(holding: count), 256) }
    /// The records of the windows passed and not emitted yet, window after window.
    @usableFromInline
    var pendingRecords: [CountRecord<Payload>] = []
    /// The windows passed and not emitted yet, in the order they passed.
    @usableFromInline
    var passed: [PassedCountWindow] = []
    /// After a restore, the offsets of the keys' first held records at the checkpoint not replayed
    /// yet. The replayed record at such an offset, and every later replayed record of its key, is
    /// held again; any other replayed record was emitted before the restore.
    @usableFromInline
    var restoredStarts: Set<Int64> = []

    @inlinable
    init(window: WindowSpecification) {
        count = Int(window.size)
        advance = Int(window.advance)
    }

    // MARK: Records

    /// Whether a replayed record is held again (`false`: it was emitted before the restore). Its
    /// key holds records exactly when the replay has passed the key's start: a key's held records
    /// at the checkpoint were fewer than `count`, so none of its windows fills during the replay.
    @inlinable
    mutating func holdsAgain(key: KeyID, offset: Int64) -> Bool {
        if restoredStarts.remove(offset) != nil { return true }
        return Int(key) < rings.count && rings[Int(key)] != nil
    }

    /// Appends a record of `key` (in offset order); passes the window it completes. Returns the
    /// records and bytes no open window holds any more (the passed window has its own copy).
    @inlinable
    mutating func append(
        key: KeyID, eventTime: Int64, offset: Int64, payload: Payload, byteCount: Int
    ) -> (count: Int, bytes: Int)? {
        let index = Int(key)
        if index >= rings.count { rings.append(contentsOf: repeatElement(nil, count: index + 1 - rings.count)) }
        let record = CountRecord(eventTime: eventTime, offset: offset, payload: payload, byteCount: byteCount)
        if rings[index] == nil {
            if let spare = spareRings.popLast() {
                spare.append(record)
                rings[index] = spare
            } else {
                rings[index] = CountRing.make(capacity: firstCapacity, first: record)
            }
            heldKeys += 1
            return count == 1 ? passFull(key: key) : nil
        }
        // Checked before any other reference to the ring exists (a local one would defeat it).
        if !isKnownUniquelyReferenced(&rings[index]) || rings[index]!.isFull {
            let ring = rings[index]!
            rings[index] = ring.copy(capacity: ring.isFull ? 2 * ring.ringCapacity : ring.ringCapacity)
        }
        rings[index]!.append(record)
        return rings[index]!.held == count ? passFull(key: key) : nil
    }

    /// Passes `key`'s full window and drops its first `advance` records.
    @inlinable
    mutating func passFull(key: KeyID) -> (count: Int, bytes: Int) {
        var ring = rings[Int(key)]!
        let start = pendingRecords.count
        ring.copyHeld(into: &pendingRecords)
        passed.append(PassedCountWindow(key: key, records: start..<pendingRecords.count, reason: .countReached))
        let dropped = pendingRecords[start..<(start + advance)].reduce(0) { $0 + $1.byteCount }
        ring.dropFirst(advance)
        if ring.held == 0 {
            rings[Int(key)] = nil
            heldKeys -= 1
            if spareRings.count < 1_024, ring.ringCapacity == firstCapacity, isKnownUniquelyReferenced(&ring) {
                spareRings.append(ring)
            }
        }
        return (advance, dropped)
    }

    // MARK: Closing

    /// Passes every open window of every key, partial ones included (the input ended, or the
    /// partition went quiet): for a key holding `n` records, the windows starting at its held
    /// records `0, advance, 2 × advance, … < n`. Keys then start counting afresh. Returns the
    /// records and bytes released.
    @inlinable
    mutating func passAll(reason: CloseReason) -> (count: Int, bytes: Int) {
        var released = (count: 0, bytes: 0)
        // By first held offset: the same order whatever the restores in between.
        let order = rings.indices.filter { rings[$0] != nil }.sorted { rings[$0]!.first.offset < rings[$1]!.first.offset }
        for key in order {
            let ring = rings[key]!
            let first = pendingRecords.count
            ring.copyHeld(into: &pendingRecords)
            let held = first..<pendingRecords.count
            released.count += held.count
            released.bytes += pendingRecords[held].reduce(0) { $0 + $1.byteCount }
            for start in stride(from: held.lowerBound, to: held.upperBound, by: advance) {
                passed.append(PassedCountWindow(key: KeyID(key), records: start..<held.upperBound, reason: reason))
            }
            rings[key] = nil
        }
        heldKeys = 0
        return released
    }

    /// Forgets the passed windows once emitted, keeping the buffers for the next ones.
    @inlinable
    mutating func clearPassed() {
        pendingRecords.removeAll(keepingCapacity: true)
        passed.removeAll(keepingCapacity: true)
    }

    // MARK: Figures

    /// Whether any key holds records.
    @inlinable
    var isEmpty: Bool { heldKeys == 0 }

    /// The lowest offset held (passed windows included).
    @inlinable
    var lowestOffset: Int64? {
        var lowest: Int64?
        for case let ring? in rings where ring.first.offset < lowest ?? .max { lowest = ring.first.offset }
        for window in passed {
            let first = pendingRecords[window.records.lowerBound].offset
            if first < lowest ?? .max { lowest = first }
        }
        return lowest
    }

    /// Windows holding records, not emitted yet.
    @inlinable
    var openWindowCount: Int {
        var total = passed.count
        for case let ring? in rings { total += (ring.held + advance - 1) / advance }
        return total
    }

    /// Each key's first held offset, ascending, for a restart (starts restored and not replayed
    /// yet included).
    @inlinable
    var starts: [Int64] {
        var starts = Array(restoredStarts)
        for case let ring? in rings { starts.append(ring.first.offset) }
        return starts.sorted()
    }

    // MARK: Keys

    /// Marks the keys this store uses (key-table compaction).
    @inlinable
    func markKeys(_ used: inout [Bool]) {
        for key in rings.indices where rings[key] != nil { used[key] = true }
        for window in passed { used[Int(window.key)] = true }
    }

    /// Renumbers the keys (key-table compaction).
    @inlinable
    mutating func remapKeys(_ newIDs: [KeyID]) {
        var renumbered: [CountRing<Payload>?] = []
        for key in rings.indices {
            guard let ring = rings[key] else { continue }
            let new = Int(newIDs[key])
            if new >= renumbered.count { renumbered.append(contentsOf: repeatElement(nil, count: new + 1 - renumbered.count)) }
            renumbered[new] = ring
        }
        rings = renumbered
        for index in passed.indices { passed[index].key = newIDs[Int(passed[index].key)] }
    }
}

/// One record a count window holds.
@usableFromInline
struct CountRecord<Payload> {
    @usableFromInline let eventTime: Int64
    @usableFromInline let offset: Int64
    @usableFromInline let payload: Payload
    @usableFromInline let byteCount: Int

    @inlinable
    init(eventTime: Int64, offset: Int64, payload: Payload, byteCount: Int) {
        (self.eventTime, self.offset, self.payload, self.byteCount) = (eventTime, offset, payload, byteCount)
    }
}

/// A count window that filled (or was closed by the idle rule or the end of input), waiting to be
/// emitted: its key, where its records are in the store's pending buffer, and why it closed.
@usableFromInline
struct PassedCountWindow {
    @usableFromInline var key: KeyID
    @usableFromInline let records: Range<Int>
    @usableFromInline let reason: CloseReason

    @inlinable
    init(key: KeyID, records: Range<Int>, reason: CloseReason) {
        self.key = key
        self.records = records
        self.reason = reason
    }
}
