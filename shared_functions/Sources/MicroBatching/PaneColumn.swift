/// Up to ``capacity`` records of one partition in one pane, column by column, in arrival order
/// (which is offset order): event time as milliseconds after the pane's start, offset as the
/// distance from the column's first offset, the key's ``KeyID`` and the payload. A decoded numeric
/// record costs 4 + 4 + 4 + 8 = 20 bytes.
///
/// A column is full at ``capacity`` records, or when an offset is more than `UInt32.max` past its
/// first one; the pane then starts another. Panes longer than `UInt32.max` ms keep event times
/// whole (``wideTimes``).
@usableFromInline
struct PaneColumn<Payload> {
    @inlinable
    static var capacity: Int { 4_096 }

    @usableFromInline
    let firstOffset: Int64
    @usableFromInline
    var times: [UInt32] = []
    @usableFromInline
    var wideTimes: [Int64] = []
    @usableFromInline
    var offsetDeltas: [UInt32] = []
    @usableFromInline
    var keys: [KeyID] = []
    @usableFromInline
    var payloads: [Payload] = []

    /// A column; `reserving` records of room up front (a pane slot's later columns, which will
    /// fill: reserving avoids growing them step by step, which leaves freed steps behind).
    @inlinable
    init(firstOffset: Int64, reserving capacity: Int = 0, wide: Bool = false) {
        self.firstOffset = firstOffset
        if capacity > 0 {
            if wide { wideTimes.reserveCapacity(capacity) } else { times.reserveCapacity(capacity) }
            offsetDeltas.reserveCapacity(capacity)
            keys.reserveCapacity(capacity)
            payloads.reserveCapacity(capacity)
        }
    }

    @inlinable
    var count: Int { keys.count }

    @inlinable
    func accepts(offset: Int64) -> Bool {
        count < Self.capacity && offset >= firstOffset && offset - firstOffset <= Int64(UInt32.max)
    }

    @inlinable
    mutating func append(timeInPane: Int64, wide: Bool, offset: Int64, key: KeyID, payload: Payload) {
        if wide { wideTimes.append(timeInPane) } else { times.append(UInt32(truncatingIfNeeded: timeInPane)) }
        offsetDeltas.append(UInt32(truncatingIfNeeded: offset - firstOffset))
        keys.append(key)
        payloads.append(payload)
    }

    @inlinable
    func timeInPane(_ index: Int, wide: Bool) -> Int64 {
        wide ? wideTimes[index] : Int64(times[index])
    }

    @inlinable
    func offset(_ index: Int) -> Int64 {
        firstOffset + Int64(offsetDeltas[index])
    }
}

/// The records one partition (its engine slot) holds in one pane.
@usableFromInline
struct PaneSlot<Payload> {
    @usableFromInline
    let slot: Int
    @usableFromInline
    var columns: [PaneColumn<Payload>] = []
    @usableFromInline
    var count = 0
    @usableFromInline
    var bytes = 0

    @inlinable
    init(slot: Int) {
        self.slot = slot
    }

    @inlinable
    mutating func append(timeInPane: Int64, wide: Bool, offset: Int64, key: KeyID, payload: Payload, byteCount: Int) {
        if columns.isEmpty || !columns[columns.count - 1].accepts(offset: offset) {
            let full = columns.last.map { $0.count == PaneColumn<Payload>.capacity } ?? false
            columns.append(PaneColumn(firstOffset: offset, reserving: full ? PaneColumn<Payload>.capacity : 0, wide: wide))
        }
        columns[columns.count - 1].append(timeInPane: timeInPane, wide: wide, offset: offset, key: key, payload: payload)
        count += 1
        bytes += byteCount
    }

    /// The lowest offset held (offsets grow through the columns).
    @inlinable
    var firstOffset: Int64? { columns.first?.firstOffset }
}
