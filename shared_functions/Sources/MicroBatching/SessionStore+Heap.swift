extension SessionStore {
    // MARK: The end heap

    @inlinable
    mutating func pushEnd(_ end: Int64, session: Int32) {
        endHeap.append(HeapEntry(end: end, session: session, generation: sessions[Int(session)].generation))
        var child = endHeap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard endHeap[child].end < endHeap[parent].end else { break }
            endHeap.swapAt(child, parent)
            child = parent
        }
    }

    @inlinable
    mutating func popEnd() {
        endHeap.swapAt(0, endHeap.count - 1)
        endHeap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < endHeap.count else { break }
            var smallest = left
            if left + 1 < endHeap.count, endHeap[left + 1].end < endHeap[left].end { smallest = left + 1 }
            guard endHeap[smallest].end < endHeap[parent].end else { break }
            endHeap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Whether a heap entry belongs to an open session (its end is a lower bound of the session's).
    @inlinable
    func isCurrent(_ entry: HeapEntry) -> Bool {
        let session = sessions[Int(entry.session)]
        return session.alive && !session.passed && session.generation == entry.generation
    }
}

/// A session end in ``SessionStore``'s heap.
@usableFromInline
struct HeapEntry {
    @usableFromInline let end: Int64
    @usableFromInline let session: Int32
    @usableFromInline let generation: UInt32

    @inlinable
    init(end: Int64, session: Int32, generation: UInt32) {
        (self.end, self.session, self.generation) = (end, session, generation)
    }
}
