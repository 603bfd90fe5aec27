/// The open count windows of one partition (count windows are `key` scope only): per key, its
/// records from the start of its oldest open window on, in offset order, and the windows filled
/// but not emitted yet.
///
/// A key's windows start at every `advance`-th of its records, counted from its first record in
/// the partition (and again from the first after the idle rule closed its windows). The key keeps
/// the records from its oldest open window's first one: fewer than `count`. The record that makes
/// `count` passes that window (its records are copied to ``passed``) and drops the first `advance`
/// records, where the next window starts. So a key's held records always begin at a window start,
/// and the offsets of those first records are all a restart needs: replaying from the committed
/// offset, the record at such an offset tells whose windows begin there
/// (``OffsetCheckpoint/countWindowStarts``).
///
/// Costs: ingest is a table lookup by key ID and an append to the key's records; a window that
/// fills copies its `count` records once; the lowest held offset is a pass over the keys that
/// hold records (once per checkpoint).
@usableFromInline
struct CountWindowStore<Payload> {
    @usableFromInline
    let count: Int
    @usableFromInline
    let advance: Int
    /// The index in `keyStates` of each key ID's records (-1: the key holds none).
    @usableFromInline
    var stateOfKey: [Int32] = []
    @usableFromInline
    var keyStates: [CountKeyRecords<Payload>] = []
    @usableFromInline
    var freeStates: [Int32] = []
    /// Windows passed and not emitted yet, in the order they passed.
    @usableFromInline
    var passed: [PassedCountWindow<Payload>] = []
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
        return Int(key) < stateOfKey.count && stateOfKey[Int(key)] >= 0
    }

    /// Appends a record of `key` (in offset order); passes the window it completes. Returns the
    /// records and bytes no open window holds any more (the passed window has its own copy).
    @inlinable
    mutating func append(
        key: KeyID, eventTime: Int64, offset: Int64, payload: Payload, byteCount: Int
    ) -> (count: Int, bytes: Int)? {
        let index = stateIndex(of: key)
        keyStates[index].records.append(CountRecord(eventTime: eventTime, offset: offset, payload: payload, byteCount: byteCount))
        guard keyStates[index].heldCount == count else { return nil }
        let held = keyStates[index].held
        passed.append(PassedCountWindow(key: key, records: Array(held), reason: .countReached))
        let dropped = held.prefix(advance).reduce(0) { $0 + $1.byteCount }
        if advance == count {
            release(state: index, key: key)
        } else {
            keyStates[index].dropFirst(advance)
        }
        return (advance, dropped)
    }

    /// The index of `key`'s records, made when it holds none.
    @inlinable
    mutating func stateIndex(of key: KeyID) -> Int {
        let keyIndex = Int(key)
        if keyIndex >= stateOfKey.count {
            stateOfKey.append(contentsOf: repeatElement(-1, count: keyIndex + 1 - stateOfKey.count))
        }
        let existing = stateOfKey[keyIndex]
        if existing >= 0 { return Int(existing) }
        let index: Int
        if let free = freeStates.popLast() {
            index = Int(free)
            keyStates[index] = CountKeyRecords(key: key)
        } else {
            index = keyStates.count
            keyStates.append(CountKeyRecords(key: key))
        }
        stateOfKey[keyIndex] = Int32(index)
        return index
    }

    @inlinable
    mutating func release(state index: Int, key: KeyID) {
        keyStates[index] = CountKeyRecords(key: key, alive: false)
        stateOfKey[Int(key)] = -1
        freeStates.append(Int32(index))
    }

    // MARK: Closing

    /// Passes every open window of every key, partial ones included (the input ended, or the
    /// partition went quiet): for a key holding `n` records, the windows starting at its held
    /// records `0, advance, 2 × advance, … < n`. Keys then start counting afresh. Returns the
    /// records and bytes released.
    @inlinable
    mutating func passAll(reason: CloseReason) -> (count: Int, bytes: Int) {
        var released = (count: 0, bytes: 0)
        var order = keyStates.indices.filter { keyStates[$0].alive && keyStates[$0].heldCount > 0 }
        // By first held offset: the same order whatever the restores in between.
        order.sort { keyStates[$0].held.first!.offset < keyStates[$1].held.first!.offset }
        for index in order {
            let held = keyStates[index].held
            released.count += held.count
            released.bytes += held.reduce(0) { $0 + $1.byteCount }
            for start in stride(from: 0, to: held.count, by: advance) {
                passed.append(
                    PassedCountWindow(key: keyStates[index].key, records: Array(held.dropFirst(start)), reason: reason))
            }
            release(state: index, key: keyStates[index].key)
        }
        return released
    }

    /// Takes the passed windows, to emit them.
    @inlinable
    mutating func takePassed() -> [PassedCountWindow<Payload>] {
        defer { passed.removeAll(keepingCapacity: true) }
        return passed
    }

    // MARK: Figures

    /// Whether any key holds records.
    @inlinable
    var isEmpty: Bool { freeStates.count == keyStates.count }

    /// The lowest offset held (passed windows included).
    @inlinable
    var lowestOffset: Int64? {
        var lowest: Int64?
        for state in keyStates where state.alive {
            if let first = state.held.first?.offset, first < lowest ?? .max { lowest = first }
        }
        for window in passed {
            if let first = window.records.first?.offset, first < lowest ?? .max { lowest = first }
        }
        return lowest
    }

    /// Windows holding records, not emitted yet.
    @inlinable
    var openWindowCount: Int {
        keyStates.reduce(passed.count) { total, state in
            total + (state.alive ? (state.heldCount + advance - 1) / advance : 0)
        }
    }

    /// Each key's first held offset, ascending, for a restart (starts restored and not replayed
    /// yet included).
    @inlinable
    var starts: [Int64] {
        var starts = Array(restoredStarts)
        for state in keyStates where state.alive {
            if let first = state.held.first?.offset { starts.append(first) }
        }
        return starts.sorted()
    }

    // MARK: Keys

    /// Marks the keys this store uses (key-table compaction).
    @inlinable
    func markKeys(_ used: inout [Bool]) {
        for state in keyStates where state.alive { used[Int(state.key)] = true }
        for window in passed { used[Int(window.key)] = true }
    }

    /// Renumbers the keys (key-table compaction).
    @inlinable
    mutating func remapKeys(_ newIDs: [KeyID]) {
        stateOfKey = []
        for index in keyStates.indices {
            keyStates[index].key = newIDs[Int(keyStates[index].key)]
            guard keyStates[index].alive else { continue }
            let key = Int(keyStates[index].key)
            if key >= stateOfKey.count { stateOfKey.append(contentsOf: repeatElement(-1, count: key + 1 - stateOfKey.count)) }
            stateOfKey[key] = Int32(index)
        }
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

/// The records one key holds: `records[start...]`, from its oldest open window's first record.
@usableFromInline
struct CountKeyRecords<Payload> {
    @usableFromInline var key: KeyID
    @usableFromInline var alive: Bool
    @usableFromInline var records: [CountRecord<Payload>] = []
    @usableFromInline var start = 0

    @inlinable
    init(key: KeyID, alive: Bool = true) {
        self.key = key
        self.alive = alive
    }

    @inlinable
    var heldCount: Int { records.count - start }

    @inlinable
    var held: ArraySlice<CountRecord<Payload>> { records[start...] }

    /// Drops the first `count` held records (compacting the array once half of it is dropped).
    @inlinable
    mutating func dropFirst(_ count: Int) {
        start += count
        if start * 2 >= records.count {
            records.removeFirst(start)
            start = 0
        }
    }
}

/// A count window that filled (or was closed by the idle rule or the end of input), waiting to be
/// emitted: its key, its records in offset order, and why it closed.
@usableFromInline
struct PassedCountWindow<Payload> {
    @usableFromInline var key: KeyID
    @usableFromInline let records: [CountRecord<Payload>]
    @usableFromInline let reason: CloseReason

    @inlinable
    init(key: KeyID, records: [CountRecord<Payload>], reason: CloseReason) {
        self.key = key
        self.records = records
        self.reason = reason
    }
}
