/// Up to ``capacity`` records of one partition (its engine slot) in one pane, column by column in
/// one allocation, in arrival order (which is offset order): event time as milliseconds after the
/// pane's start, offset as the distance from the column's first offset, the key's ``KeyID`` and
/// the payload. A decoded numeric record costs 4 + 4 + 4 + 8 = 20 bytes.
///
/// A column is full at ``capacity`` records, or when an offset is more than `UInt32.max` past its
/// first one; the pane then starts another. A pane's first column of a partition grows by
/// doubling; its later ones are allocated full (they will fill), so growing leaves no freed steps
/// behind. Panes longer than `UInt32.max` ms keep event times whole (8 bytes).
///
/// A reference type so that appending writes one object through its pointers, with no per-array
/// uniqueness or capacity checks; the owner (``Pane``) copies a shared column before writing it,
/// which keeps the engine a value.
@usableFromInline
final class PaneColumn<Payload> {
    @inlinable
    static var capacity: Int { 4_096 }

    @usableFromInline
    let slot: Int
    @usableFromInline
    let firstOffset: Int64
    @usableFromInline
    let wide: Bool
    @usableFromInline
    @exclusivity(unchecked) var count = 0
    /// Bytes of the records' values, for memory accounting.
    @usableFromInline
    @exclusivity(unchecked) var bytes = 0
    @usableFromInline
    @exclusivity(unchecked) var reserved: Int
    @usableFromInline
    @exclusivity(unchecked) var memory: UnsafeMutableRawPointer
    @usableFromInline
    @exclusivity(unchecked) var payloads: UnsafeMutablePointer<Payload>
    /// Event times after the pane's start: `UInt32`, or `Int64` when `wide`.
    @usableFromInline
    @exclusivity(unchecked) var times: UnsafeMutableRawPointer
    @usableFromInline
    @exclusivity(unchecked) var offsetDeltas: UnsafeMutablePointer<UInt32>
    @usableFromInline
    @exclusivity(unchecked) var keys: UnsafeMutablePointer<KeyID>

    /// An empty column with room for `reserving` records (at least one).
    @inlinable
    init(slot: Int, firstOffset: Int64, reserving capacity: Int, wide: Bool) {
        self.slot = slot
        self.firstOffset = firstOffset
        self.wide = wide
        reserved = max(1, capacity)
        (memory, payloads, times, offsetDeltas, keys) = Self.allocate(reserved, wide: wide)
    }

    @inlinable
    deinit {
        payloads.deinitialize(count: count)
        memory.deallocate()
    }

    /// One allocation for `capacity` records: payloads first (the strictest alignment), then times,
    /// offset deltas and keys.
    @inlinable
    static func allocate(_ capacity: Int, wide: Bool) -> (
        UnsafeMutableRawPointer, UnsafeMutablePointer<Payload>, UnsafeMutableRawPointer, UnsafeMutablePointer<UInt32>,
        UnsafeMutablePointer<KeyID>
    ) {
        let payloadBytes = (capacity * MemoryLayout<Payload>.stride + 7) & ~7
        let timeBytes = capacity * (wide ? 8 : 4)
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: payloadBytes + timeBytes + 8 * capacity, alignment: max(8, MemoryLayout<Payload>.alignment))
        let times = memory + payloadBytes
        let offsetDeltas = (times + timeBytes).bindMemory(to: UInt32.self, capacity: capacity)
        let keys = (times + timeBytes + 4 * capacity).bindMemory(to: KeyID.self, capacity: capacity)
        if wide { times.bindMemory(to: Int64.self, capacity: capacity) } else { times.bindMemory(to: UInt32.self, capacity: capacity) }
        return (memory, memory.bindMemory(to: Payload.self, capacity: capacity), times, offsetDeltas, keys)
    }

    /// Whether a record of `slot` at `offset` can go in this column.
    @inlinable
    func accepts(slot: Int, offset: Int64) -> Bool {
        self.slot == slot && count < Self.capacity && offset >= firstOffset && offset - firstOffset <= Int64(UInt32.max)
    }

    /// Appends a record; the caller has checked ``accepts(slot:offset:)`` and that the column is not
    /// shared.
    @inlinable
    func append(timeInPane: Int64, offset: Int64, key: KeyID, payload: Payload, byteCount: Int) {
        if count == reserved { grow() }
        if wide {
            times.assumingMemoryBound(to: Int64.self)[count] = timeInPane
        } else {
            times.assumingMemoryBound(to: UInt32.self)[count] = UInt32(truncatingIfNeeded: timeInPane)
        }
        offsetDeltas[count] = UInt32(truncatingIfNeeded: offset - firstOffset)
        keys[count] = key
        (payloads + count).initialize(to: payload)
        count += 1
        bytes += byteCount
    }

    @usableFromInline
    func grow() {
        let capacity = min(Self.capacity, 2 * reserved)
        let (memory, payloads, times, offsetDeltas, keys) = Self.allocate(capacity, wide: wide)
        payloads.moveInitialize(from: self.payloads, count: count)
        times.copyMemory(from: self.times, byteCount: count * (wide ? 8 : 4))
        offsetDeltas.update(from: self.offsetDeltas, count: count)
        keys.update(from: self.keys, count: count)
        self.memory.deallocate()
        (self.memory, self.payloads, self.times, self.offsetDeltas, self.keys) = (memory, payloads, times, offsetDeltas, keys)
        reserved = capacity
    }

    /// A copy that can be written without touching this one.
    @usableFromInline
    func copy() -> PaneColumn {
        let copy = PaneColumn(slot: slot, firstOffset: firstOffset, reserving: reserved, wide: wide)
        copy.payloads.initialize(from: payloads, count: count)
        copy.times.copyMemory(from: times, byteCount: count * (wide ? 8 : 4))
        copy.offsetDeltas.update(from: offsetDeltas, count: count)
        copy.keys.update(from: keys, count: count)
        copy.count = count
        copy.bytes = bytes
        return copy
    }

    @inlinable
    func timeInPane(_ index: Int) -> Int64 {
        wide ? times.assumingMemoryBound(to: Int64.self)[index] : Int64(times.assumingMemoryBound(to: UInt32.self)[index])
    }

    @inlinable
    func offset(_ index: Int) -> Int64 {
        firstOffset + Int64(offsetDeltas[index])
    }

    @inlinable
    func key(_ index: Int) -> KeyID { keys[index] }

    @inlinable
    func payload(_ index: Int) -> Payload { payloads[index] }

    /// Renumbers the keys (key-table compaction); the caller has checked the column is not shared.
    @inlinable
    func remapKeys(_ newIDs: [KeyID]) {
        for index in 0..<count { keys[index] = newIDs[Int(keys[index])] }
    }
}
