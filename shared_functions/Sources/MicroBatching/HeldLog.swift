/// The records a session store holds from one partition slot, in arrival order (which is offset
/// order): each one's offset and the stream time when it arrived, and whether it is released.
/// Its first record not released gives the lowest offset still held and the stream time a replay
/// starts from. A record is known by its serial, its position counted from the slot's first.
///
/// Costs: an append writes two words at the end; a release sets one bit; the front moves past
/// released records a word of bits at a time; the arrays shed their released prefix once it is
/// half of them.
@usableFromInline
struct HeldLog {
    @usableFromInline
    struct Entry {
        @usableFromInline let offset: Int64
        /// `Int64.min`: no record preceded it.
        @usableFromInline let streamTimeBefore: Int64

        @inlinable
        init(offset: Int64, streamTimeBefore: Int64) {
            (self.offset, self.streamTimeBefore) = (offset, streamTimeBefore)
        }
    }

    @usableFromInline var entries: [Entry] = []
    /// One bit per entry, set when released.
    @usableFromInline var released: [UInt64] = []
    /// The serial of `entries[0]`: a multiple of 64, so bit words stay aligned with entries.
    @usableFromInline var base = 0
    /// The position of the first entry not released (`entries.count`: none).
    @usableFromInline var start = 0

    @inlinable
    init() {}

    /// The first record not released, if any.
    @inlinable
    var front: (offset: Int64, streamTimeBefore: Int64?)? {
        guard start < entries.count else { return nil }
        let entry = entries[start]
        return (entry.offset, entry.streamTimeBefore == .min ? nil : entry.streamTimeBefore)
    }

    /// Appends a record; returns its serial.
    @inlinable
    mutating func append(offset: Int64, streamTimeBefore: Int64?) -> Int {
        if entries.count & 63 == 0 { released.append(0) }
        entries.append(Entry(offset: offset, streamTimeBefore: streamTimeBefore ?? .min))
        return base + entries.count - 1
    }

    /// The stream time when the record `serial` arrived (`nil`: no record preceded it).
    @inlinable
    func streamTimeBefore(serial: Int) -> Int64? {
        let time = entries[serial - base].streamTimeBefore
        return time == .min ? nil : time
    }

    /// Marks the record `serial` released; ``trim()`` then moves the front past it.
    @inlinable
    mutating func release(serial: Int) {
        let position = serial - base
        released[position >> 6] |= 1 << UInt64(position & 63)
    }

    /// Moves the front past released records, and sheds the released prefix once it is at least
    /// half of the entries.
    @inlinable
    mutating func trim() {
        let count = entries.count
        while start < count {
            let word = released[start >> 6] >> UInt64(start & 63)
            if word & 1 == 0 { break }
            // Skip the run of set bits from `start` within this word.
            start = min(count, start + (~word).trailingZeroBitCount)
        }
        if start == count {
            base += (count + 63) & ~63
            entries.removeAll(keepingCapacity: true)
            released.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 4_096, start * 2 >= count {
            let dropped = start & ~63
            entries.removeFirst(dropped)
            released.removeFirst(dropped >> 6)
            base += dropped
            start -= dropped
        }
    }
}
