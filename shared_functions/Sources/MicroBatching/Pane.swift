/// One slice of event time, `[number × length, (number + 1) × length)`, with the records that fell
/// into it. The pane length is the windows' advance, so every window is a run of whole panes
/// (`size / advance` of them) and every record is stored once, in the one pane of its event time,
/// however many hopping windows it belongs to. A pane's records are kept until its last window,
/// the one that starts with it, is emitted.
@usableFromInline
struct Pane<Payload> {
    @usableFromInline
    let number: Int64
    /// The records, in columns of one partition each (in `key` scope a pane belongs to one
    /// partition; in `global` scope partitions' columns interleave); a partition's columns are in
    /// offset order.
    @usableFromInline
    var columns: [PaneColumn<Payload>] = []
    @usableFromInline
    var count = 0

    @inlinable
    init(number: Int64) {
        self.number = number
    }

    @inlinable
    mutating func append(
        slot: Int, timeInPane: Int64, wide: Bool, offset: Int64, key: KeyID, payload: Payload, byteCount: Int
    ) {
        var index = columns.count - 1
        if index < 0 || !columns[index].accepts(slot: slot, offset: offset) {
            index = openColumn(slot: slot, offset: offset, wide: wide)
        }
        if !isKnownUniquelyReferenced(&columns[index]) { columns[index] = columns[index].copy() }
        columns[index].append(timeInPane: timeInPane, offset: offset, key: key, payload: payload, byteCount: byteCount)
        count += 1
    }

    /// The index of the column that takes `slot`'s record at `offset`: the slot's last column if
    /// it accepts it, else a new one (full size when the slot's last column filled up).
    @usableFromInline
    mutating func openColumn(slot: Int, offset: Int64, wide: Bool) -> Int {
        if let last = columns.lastIndex(where: { $0.slot == slot }) {
            if columns[last].accepts(slot: slot, offset: offset) { return last }
            let full = columns[last].count == PaneColumn<Payload>.capacity
            columns.append(PaneColumn(slot: slot, firstOffset: offset, reserving: full ? PaneColumn<Payload>.capacity : 16, wide: wide))
        } else {
            columns.append(PaneColumn(slot: slot, firstOffset: offset, reserving: 16, wide: wide))
        }
        return columns.count - 1
    }

    /// Records held per slot, for a window's snapshot of this pane (slots in order of first column).
    @inlinable
    var slotCounts: [(slot: Int, count: Int)] {
        var counts: [(slot: Int, count: Int)] = []
        for column in columns {
            if let index = counts.firstIndex(where: { $0.slot == column.slot }) {
                counts[index].count += column.count
            } else {
                counts.append((column.slot, column.count))
            }
        }
        return counts
    }
}

/// A window that stream time has passed and that is waiting to be emitted: its end, why it
/// closed, and how many records of each pane and slot it holds. Records that reach a pane after
/// the window was passed belong only to that pane's later windows, so the window keeps the
/// prefix it had.
@usableFromInline
struct PassedWindow {
    @usableFromInline
    let end: Int64
    @usableFromInline
    let reason: CloseReason
    @usableFromInline
    var panes: [(number: Int64, counts: [(slot: Int, count: Int)])]

    @inlinable
    init(end: Int64, reason: CloseReason, panes: [(number: Int64, counts: [(slot: Int, count: Int)])]) {
        self.end = end
        self.reason = reason
        self.panes = panes
    }
}
