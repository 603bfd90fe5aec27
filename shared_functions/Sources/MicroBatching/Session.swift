/// One session, as the header of its ``SessionBuffer``: its key, bucket, first and last event
/// time and end, its place among the key's open sessions, and how many records its buffer holds.
@usableFromInline
struct Session {
    @usableFromInline var key: KeyID
    /// The next older open session of the same key (-1: none).
    @usableFromInline var nextOfKey: Int32
    @usableFromInline var first: Int64
    @usableFromInline var last: Int64
    /// `min(last + gap, bucketEnd)`: the session is `[first, end)`.
    @usableFromInline var end: Int64
    @usableFromInline var bucketEnd: Int64
    /// Records held, and room for them, in the buffer this session heads.
    @usableFromInline var count = 0
    @usableFromInline var capacity = 0
    @usableFromInline var passed = false

    @inlinable
    init(key: KeyID, bucketEnd: Int64, first: Int64, last: Int64, end: Int64, nextOfKey: Int32) {
        (self.key, self.bucketEnd, self.first, self.last, self.end, self.nextOfKey) = (key, bucketEnd, first, last, end, nextOfKey)
    }

    @inlinable
    var window: Window { Window(uncheckedStart: first, end: end) }

    /// Whether the interval a record at `eventTime` opens, `[t, min(t + gap, bucket end))`,
    /// overlaps this session (same bucket, intervals intersecting).
    @inlinable
    func overlaps(_ eventTime: Int64, gap: Int64, bucket: Int64) -> Bool {
        eventTime < end && eventTime >= bucketEnd - bucket && min(eventTime + gap, bucketEnd) > first
    }

    @inlinable
    mutating func include(_ eventTime: Int64, gap: Int64) {
        if eventTime < first { first = eventTime }
        if eventTime > last {
            last = eventTime
            end = min(last + gap, bucketEnd)
        }
    }
}
