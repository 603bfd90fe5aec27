/// The buffered records of one partition, stored once each in offset order, however many
/// windows refer to them.
///
/// Records are addressed by a per-partition sequence number. A record is released when the last
/// window referring to it closes; released records at the front are trimmed, so the front record
/// is always the lowest offset still held by an open window (the partition's low-water offset).
/// Storage grows in fixed chunks, so a buffer never holds more than one chunk of slack.
@usableFromInline
struct RecordArena<Payload> {
    @usableFromInline
    struct Slot {
        @usableFromInline var offset: Int64
        @usableFromInline var eventTime: Int64
        @usableFromInline var key: String?
        @usableFromInline var payload: Payload?
        @usableFromInline var byteCount: Int32
        /// Open windows still referring to this record; 0 once released.
        @usableFromInline var remainingWindows: Int32

        @inlinable
        init(offset: Int64, eventTime: Int64, key: String?, payload: Payload?, byteCount: Int32, remainingWindows: Int32) {
            self.offset = offset
            self.eventTime = eventTime
            self.key = key
            self.payload = payload
            self.byteCount = byteCount
            self.remainingWindows = remainingWindows
        }
    }

    @inlinable
    static var chunkCapacity: Int { 4_096 }

    @usableFromInline
    var chunks: [[Slot]] = []
    /// Sequence number of `chunks[0][0]`.
    @usableFromInline
    var firstChunkSequence: Int64 = 0
    /// First sequence not yet trimmed (released or not).
    @usableFromInline
    var headSequence: Int64 = 0
    /// Sequence the next appended record gets.
    @usableFromInline
    var nextSequence: Int64 = 0
    /// Records not yet released.
    @usableFromInline
    var liveRecords = 0
    /// Sum of the live records' byte counts.
    @usableFromInline
    var liveBytes = 0

    /// Appends a record referred to by `windows` open windows; returns its sequence number.
    @inlinable
    mutating func append(offset: Int64, eventTime: Int64, key: String?, payload: Payload, byteCount: Int, windows: Int32)
        -> Int64
    {
        let slot = Slot(
            offset: offset, eventTime: eventTime, key: key, payload: payload,
            byteCount: Int32(clamping: byteCount), remainingWindows: windows)
        if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkCapacity {
            var chunk: [Slot] = []
            chunk.reserveCapacity(Self.chunkCapacity)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(slot)
        liveRecords += 1
        liveBytes += Int(slot.byteCount)
        defer { nextSequence += 1 }
        return nextSequence
    }

    /// The record with sequence `sequence`, which must not be trimmed.
    @inlinable
    subscript(sequence: Int64) -> Slot {
        let position = Int(sequence - firstChunkSequence)
        return chunks[position / Self.chunkCapacity][position % Self.chunkCapacity]
    }

    /// Reads a record for a closing window and drops that window's reference to it. The payload is
    /// moved out when this was the last reference, copied otherwise.
    @inlinable
    mutating func take(_ sequence: Int64) -> (offset: Int64, eventTime: Int64, key: String?, payload: Payload)? {
        let position = Int(sequence - firstChunkSequence)
        let chunk = position / Self.chunkCapacity
        let index = position % Self.chunkCapacity
        guard chunks[chunk][index].remainingWindows > 0, let payload = chunks[chunk][index].payload else { return nil }
        let slot = chunks[chunk][index]
        if slot.remainingWindows == 1 {
            chunks[chunk][index].payload = nil
            chunks[chunk][index].key = nil
            chunks[chunk][index].remainingWindows = 0
            liveRecords -= 1
            liveBytes -= Int(slot.byteCount)
            trimReleasedFront()
        } else {
            chunks[chunk][index].remainingWindows -= 1
        }
        return (slot.offset, slot.eventTime, slot.key, payload)
    }

    /// The keys of the referenced records. (Mutating only so that callers reach the arena in place
    /// instead of copying the partition state around it.)
    @inlinable
    mutating func keys(of references: [RecordReference]) -> [String?] {
        references.map { self[$0.sequence].key }
    }

    /// The offset of the first record still held, or `nil` when none is.
    @inlinable
    var lowWaterOffset: Int64? {
        headSequence < nextSequence ? self[headSequence].offset : nil
    }

    @inlinable
    mutating func trimReleasedFront() {
        while headSequence < nextSequence, self[headSequence].remainingWindows == 0 {
            headSequence += 1
            if headSequence - firstChunkSequence == Int64(Self.chunkCapacity) {
                chunks.removeFirst()
                firstChunkSequence += Int64(Self.chunkCapacity)
            }
        }
    }
}
