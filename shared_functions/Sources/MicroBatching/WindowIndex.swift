/// The open windows of one closing domain (a partition in `key` scope, the whole topic in
/// `global` scope), indexed so that closing touches only the windows that close.
///
/// Each open window range `[end - size, end)` keeps one contiguous list of references to its
/// records, in arrival order, whatever their keys: ingesting a record is an append, with no
/// per-key lookup. Records are grouped by key only when the window closes (``KeyGrouping``). A
/// min-heap holds each open end once, so closing every window with `end <= closedThrough` costs
/// O(log E) per closed end plus the work on its records; it never rescans open windows.
@usableFromInline
struct WindowIndex {
    /// References of each open window's records, by window end.
    @usableFromInline
    var windows: [Int64: [RecordReference]] = [:]
    @usableFromInline
    var ends = MinHeap()
    /// Every window with `end <= closedThrough` is closed (or closing); `nil` before any record.
    @usableFromInline
    var closedThrough: Int64?

    @inlinable
    init() {}

    /// Open window ranges (each may hold several keys).
    @inlinable
    var openWindowCount: Int { windows.count }

    /// Moves `closedThrough` forward to `candidate` (it never moves back).
    @inlinable
    mutating func advanceClosedThrough(to candidate: Int64) {
        if closedThrough.map({ candidate > $0 }) ?? true { closedThrough = candidate }
    }

    @inlinable
    mutating func add(_ reference: RecordReference, end: Int64) {
        if windows[end]?.append(reference) == nil {
            windows[end] = [reference]
            ends.push(end)
        }
    }

    /// Removes and returns the windows with `end <= through`, by ascending end.
    @inlinable
    mutating func removeWindows(endingAtOrBefore through: Int64) -> [(end: Int64, references: [RecordReference])] {
        var removed: [(end: Int64, references: [RecordReference])] = []
        while let end = ends.minimum, end <= through {
            ends.popMinimum()
            if let references = windows.removeValue(forKey: end) { removed.append((end, references)) }
        }
        return removed
    }

    /// Removes every window; used at end of input.
    @inlinable
    mutating func removeAll() -> [(end: Int64, references: [RecordReference])] {
        guard let last = windows.keys.max() else { return [] }
        return removeWindows(endingAtOrBefore: last)
    }

    /// Drops every reference into partition slot `slot` (a revoked partition in `global` scope).
    @inlinable
    mutating func removeReferences(toSlot slot: Int) {
        for (end, references) in windows {
            let kept = references.filter { $0.slot != slot }
            windows[end] = kept.isEmpty ? nil : kept
        }
    }
}
