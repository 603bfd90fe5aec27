/// One slice of event time, `[number × length, (number + 1) × length)`, with the records that fell
/// into it. The pane length is the windows' advance, so every window is a run of whole panes
/// (`size / advance` of them) and every record is stored once, in the one pane of its event time,
/// however many hopping windows it belongs to. A pane's records are kept until its last window,
/// the one that starts with it, is emitted.
@usableFromInline
struct Pane<Payload> {
    @usableFromInline
    let number: Int64
    /// The records of each partition (one entry in `key` scope, where a pane belongs to one
    /// partition; one per partition with records in `global` scope).
    @usableFromInline
    var slots: [PaneSlot<Payload>] = []
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
        let index: Int
        if let last = slots.indices.last, slots[last].slot == slot {
            index = last
        } else if let found = slots.firstIndex(where: { $0.slot == slot }) {
            index = found
        } else {
            index = slots.count
            slots.append(PaneSlot(slot: slot))
        }
        slots[index].append(timeInPane: timeInPane, wide: wide, offset: offset, key: key, payload: payload, byteCount: byteCount)
        count += 1
    }

    /// Records held per slot, for a window's snapshot of this pane.
    @inlinable
    var slotCounts: [(slot: Int, count: Int)] { slots.map { ($0.slot, $0.count) } }
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
