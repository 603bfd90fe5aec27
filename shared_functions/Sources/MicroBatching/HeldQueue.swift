/// A held record in its slot's arrival queue.
@usableFromInline
struct HeldRecord {
    @usableFromInline let record: Int32
    @usableFromInline let generation: UInt32
    @usableFromInline let offset: Int64
    @usableFromInline let streamTimeBefore: Int64?

    @inlinable
    init(record: Int32, generation: UInt32, offset: Int64, streamTimeBefore: Int64?) {
        (self.record, self.generation, self.offset, self.streamTimeBefore) = (record, generation, offset, streamTimeBefore)
    }
}

/// A first-in first-out queue of held records (an array and a start, compacted as it drains).
@usableFromInline
struct HeldQueue {
    @usableFromInline var entries: [HeldRecord] = []
    @usableFromInline var start = 0

    @inlinable
    init() {}

    @inlinable
    var front: HeldRecord? { start < entries.count ? entries[start] : nil }

    @inlinable
    var isEmpty: Bool { start == entries.count }

    @inlinable
    mutating func append(_ record: HeldRecord) { entries.append(record) }

    @inlinable
    mutating func removeFront() {
        start += 1
        if start == entries.count {
            entries.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 1_024, start * 2 >= entries.count {
            entries.removeFirst(start)
            start = 0
        }
    }
}
