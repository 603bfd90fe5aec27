/// The open windows of one closing domain (a partition in `key` scope, the whole topic in
/// `global` scope), indexed so that closing touches only the windows that close.
///
/// Windows are keyed by (end, key). A min-heap holds each distinct open end once, and each end
/// lists its keys, so closing every window with `end <= closedThrough` costs O(log E) per
/// distinct end plus the size of what closes; it never rescans open windows.
@usableFromInline
struct WindowIndex {
    @usableFromInline
    struct WindowKey: Hashable {
        @usableFromInline let end: Int64
        @usableFromInline let key: String?

        @inlinable
        init(end: Int64, key: String?) {
            self.end = end
            self.key = key
        }
    }

    /// A window being filled: the references of its records, in arrival order.
    @usableFromInline
    var buffers: [WindowKey: [RecordReference]] = [:]
    @usableFromInline
    var keysByEnd: [Int64: [String?]] = [:]
    @usableFromInline
    var ends = MinHeap()
    /// Every window with `end <= closedThrough` is closed (or closing); `nil` before any record.
    @usableFromInline
    var closedThrough: Int64?

    @inlinable
    var openWindowCount: Int { buffers.count }

    /// Whether the window ending at `end` is already closed.
    @inlinable
    @inline(__always)
    func isClosed(end: Int64) -> Bool {
        guard let closedThrough else { return false }
        return end <= closedThrough
    }

    /// Moves `closedThrough` forward to `candidate` (it never moves back).
    @inlinable
    mutating func advanceClosedThrough(to candidate: Int64) {
        if closedThrough.map({ candidate > $0 }) ?? true { closedThrough = candidate }
    }

    @inlinable
    mutating func add(_ reference: RecordReference, end: Int64, key: String?) {
        let windowKey = WindowKey(end: end, key: key)
        if buffers[windowKey]?.append(reference) == nil {
            buffers[windowKey] = [reference]
            if keysByEnd[end]?.append(key) == nil {
                keysByEnd[end] = [key]
                ends.push(end)
            }
        }
    }

    /// Removes and returns the windows with `end <= through`, by end then key (`nil` key first).
    @inlinable
    mutating func removeWindows(endingAtOrBefore through: Int64) -> [(end: Int64, key: String?, references: [RecordReference])] {
        var removed: [(end: Int64, key: String?, references: [RecordReference])] = []
        while let end = ends.minimum, end <= through {
            ends.popMinimum()
            guard let keys = keysByEnd.removeValue(forKey: end) else { continue }
            for key in keys.sorted(by: Self.keyOrder) {
                if let references = buffers.removeValue(forKey: WindowKey(end: end, key: key)) {
                    removed.append((end, key, references))
                }
            }
        }
        return removed
    }

    /// Removes every window; used at end of input.
    @inlinable
    mutating func removeAll() -> [(end: Int64, key: String?, references: [RecordReference])] {
        guard let last = keysByEnd.keys.max() else { return [] }
        return removeWindows(endingAtOrBefore: last)
    }

    /// Drops every reference into partition slot `slot` (a revoked partition in `global` scope).
    @inlinable
    mutating func removeReferences(toSlot slot: Int) {
        for (windowKey, references) in buffers {
            let kept = references.filter { $0.slot != slot }
            if kept.isEmpty {
                buffers.removeValue(forKey: windowKey)
                keysByEnd[windowKey.end]?.removeAll { $0 == windowKey.key }
                if keysByEnd[windowKey.end]?.isEmpty == true { keysByEnd.removeValue(forKey: windowKey.end) }
            } else if kept.count != references.count {
                buffers[windowKey] = kept
            }
        }
    }

    /// The deterministic key order of closed batches: `nil` first, then by the keys' UTF-8 bytes.
    @inlinable
    static func keyOrder(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): false
        case (nil, _): true
        case (_, nil): false
        case (let lhs?, let rhs?): lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
        }
    }
}
