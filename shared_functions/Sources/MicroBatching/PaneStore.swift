/// The open panes of one closing domain (a partition in `key` scope, the whole topic in `global`
/// scope) and the windows stream time has passed but the engine has not emitted yet.
///
/// Window geometry: panes are `advance` long; window `[end - size, end)` is the panes
/// `(end - size) / advance ..< end / advance`; pane `p` belongs to the windows ending
/// `(p + 1) × advance` through `p × advance + size`. Closing is monotonic: every window with
/// `end <= closedThrough` is passed. When `closedThrough` crosses window ends, each window that
/// holds records is snapshotted (``PassedWindow``) at that moment, so records arriving later go
/// only to the windows still open; the engine emits the snapshots at its next close and then
/// drops the panes whose last window is behind `closedThrough`.
///
/// Costs: appending is a search from the newest pane (open panes are few) and four writes into its column;
/// crossing window ends costs O(panes) per crossing, never per record.
@usableFromInline
struct PaneStore<Payload> {
    @usableFromInline
    let length: Int64
    @usableFromInline
    let size: Int64
    /// Panes longer than `UInt32.max` ms keep whole event times.
    @usableFromInline
    let wide: Bool
    /// Open panes, ascending by number.
    @usableFromInline
    var panes: [Pane<Payload>] = []
    /// Every window with `end <= closedThrough` is passed (or emitted); `nil` before any record.
    @usableFromInline
    var closedThrough: Int64?
    /// Passed windows not emitted yet, ascending by end.
    @usableFromInline
    var passed: [PassedWindow] = []
    /// The smallest window end after `closedThrough` that holds a record (never after the next
    /// end of any pane holding records).
    @usableFromInline
    var nextEnd: Int64?
    /// The pane the last record went to, `[hotStart, hotEnd)` at `hotIndex` in `panes` (an empty
    /// range when none): records come in runs of one pane, which then need no division, no search
    /// and no `nextEnd` update. Reset whenever `panes` changes shape.
    @usableFromInline
    var hotStart: Int64 = .max
    @usableFromInline
    var hotEnd: Int64 = .min
    @usableFromInline
    var hotIndex = 0

    @inlinable
    init(window: WindowSpecification) {
        length = window.advance
        size = window.size
        wide = window.advance > Int64(UInt32.max)
    }

    // MARK: Geometry

    @inlinable
    func firstEnd(ofPane number: Int64) -> Int64 { (number + 1) * length }

    @inlinable
    func lastEnd(ofPane number: Int64) -> Int64 { number * length + size }

    /// The first window end of pane `number` after `closedThrough`, if any.
    @inlinable
    func nextEnd(ofPane number: Int64) -> Int64? {
        var end = firstEnd(ofPane: number)
        if let closedThrough, end <= closedThrough {
            end = EventTime.floor(closedThrough, toMultipleOf: length) + length
        }
        return end <= lastEnd(ofPane: number) ? end : nil
    }

    /// The start of the pane of `eventTime`, which is also the start of its latest window.
    @inlinable
    func paneStart(of eventTime: Int64) -> Int64 {
        eventTime >= hotStart && eventTime < hotEnd ? hotStart : EventTime.floor(eventTime, toMultipleOf: length)
    }

    // MARK: Records

    /// Stores a record in the pane starting at `paneStart` (``paneStart(of:)`` of its event time).
    /// The caller has checked that at least one of its windows ends after `closedThrough`.
    @inlinable
    mutating func append(
        slot: Int, paneStart: Int64, eventTime: Int64, offset: Int64, key: KeyID, payload: Payload, byteCount: Int
    ) {
        if paneStart != hotStart {
            let number = paneStart / length
            hotIndex = paneIndex(number)
            hotStart = paneStart
            hotEnd = paneStart + length
            if let end = nextEnd(ofPane: number), end < nextEnd ?? .max { nextEnd = end }
        }
        panes[hotIndex].append(
            slot: slot, timeInPane: eventTime - paneStart, wide: wide, offset: offset, key: key, payload: payload,
            byteCount: byteCount)
    }

    /// Forgets the hot pane (`panes` changed shape).
    @inlinable
    mutating func forgetHotPane() {
        hotStart = .max
        hotEnd = .min
    }

    /// The index of pane `number`, inserted when missing (searching from the newest pane).
    @inlinable
    mutating func paneIndex(_ number: Int64) -> Int {
        var index = panes.count
        while index > 0, panes[index - 1].number > number { index -= 1 }
        if index > 0, panes[index - 1].number == number { return index - 1 }
        forgetHotPane()
        panes.insert(Pane(number: number), at: index)
        return index
    }

    /// The index of pane `number`, if it is open.
    @inlinable
    func existingPaneIndex(_ number: Int64) -> Int? {
        var low = 0
        var high = panes.count
        while low < high {
            let middle = (low + high) / 2
            if panes[middle].number < number { low = middle + 1 } else { high = middle }
        }
        return low < panes.count && panes[low].number == number ? low : nil
    }

    // MARK: Closing

    /// Moves `closedThrough` forward to `candidate` (never back) and snapshots every window with
    /// records whose end it crosses.
    @inlinable
    mutating func advanceClosedThrough(to candidate: Int64, reason: CloseReason) {
        guard candidate > closedThrough ?? .min else { return }
        let previous = closedThrough
        closedThrough = candidate
        guard let next = nextEnd, next <= candidate else { return }
        var ends: [Int64] = []
        for pane in panes {
            var end = firstEnd(ofPane: pane.number)
            if let previous, end <= previous { end = EventTime.floor(previous, toMultipleOf: length) + length }
            let last = min(lastEnd(ofPane: pane.number), candidate)
            while end <= last {
                ends.append(end)
                end += length
            }
        }
        ends.sort()
        var previousEnd: Int64?
        for end in ends where end != previousEnd {
            previousEnd = end
            passed.append(snapshot(end: end, reason: reason))
        }
        nextEnd = panes.compactMap { nextEnd(ofPane: $0.number) }.min()
    }

    /// The window ending at `end` as its panes hold it now.
    @inlinable
    func snapshot(end: Int64, reason: CloseReason) -> PassedWindow {
        let first = (end - size) / length
        let last = end / length
        var members: [(number: Int64, counts: [(slot: Int, count: Int)])] = []
        for pane in panes where pane.number >= first && pane.number < last && pane.count > 0 {
            members.append((pane.number, pane.slotCounts))
        }
        return PassedWindow(end: end, reason: reason, panes: members)
    }

    /// Snapshots every window that holds records and is not passed yet (the input ended), and
    /// moves `closedThrough` past the last of them.
    @inlinable
    mutating func passAll(reason: CloseReason) {
        guard let last = panes.map({ lastEnd(ofPane: $0.number) }).max() else { return }
        advanceClosedThrough(to: last, reason: reason)
    }

    /// Takes the passed windows, to emit them.
    @inlinable
    mutating func takePassed() -> [PassedWindow] {
        defer { passed.removeAll(keepingCapacity: true) }
        return passed
    }

    /// Drops the panes whose every window is behind `closedThrough` (call after emitting the passed
    /// windows); returns the records and bytes dropped per slot.
    @inlinable
    mutating func releasePassedPanes() -> [(slot: Int, count: Int, bytes: Int)] {
        guard let closedThrough else { return [] }
        var released: [(slot: Int, count: Int, bytes: Int)] = []
        let length = length
        let size = size
        forgetHotPane()
        panes.removeAll { pane in
            guard pane.number * length + size <= closedThrough else { return false }
            for column in pane.columns { released.append((column.slot, column.count, column.bytes)) }
            return true
        }
        return released
    }

    /// Drops every record of `slot` (a revoked partition in `global` scope).
    @inlinable
    mutating func remove(slot: Int) {
        forgetHotPane()
        for index in panes.indices {
            panes[index].columns.removeAll { $0.slot == slot }
            panes[index].count = panes[index].columns.reduce(0) { $0 + $1.count }
        }
        panes.removeAll { $0.count == 0 }
        for index in passed.indices {
            for member in passed[index].panes.indices {
                passed[index].panes[member].counts.removeAll { $0.slot == slot }
            }
        }
        nextEnd = panes.compactMap { nextEnd(ofPane: $0.number) }.min()
    }

    // MARK: Figures

    /// Windows holding records that are not emitted yet (passed ones included).
    @inlinable
    var openWindowCount: Int {
        var count = passed.count
        var covered: Int64?
        for pane in panes {
            guard var end = nextEnd(ofPane: pane.number) else { continue }
            if let covered, end <= covered { end = covered + length }
            let last = lastEnd(ofPane: pane.number)
            if end <= last {
                count += Int((last - end) / length) + 1
                covered = last
            }
        }
        return count
    }

    /// The lowest offset `slot` holds, if any.
    @inlinable
    func lowestOffset(slot: Int) -> Int64? {
        var lowest: Int64?
        for pane in panes {
            if let first = pane.columns.first(where: { $0.slot == slot })?.firstOffset, first < lowest ?? .max { lowest = first }
        }
        return lowest
    }
}
