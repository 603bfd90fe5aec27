/// One session: its key, bucket, first and last event time and end, and its place among the
/// key's open sessions. Its records are in the store's buffer of the same number.
@usableFromInline
struct Session {
    @usableFromInline var key: KeyID
    @usableFromInline var nextOfKey: Int32
    @usableFromInline var first: Int64
    @usableFromInline var last: Int64
    /// `min(last + gap, bucketEnd)`: the session is `[first, end)`.
    @usableFromInline var end: Int64
    @usableFromInline var bucketEnd: Int64
    @usableFromInline var alive = true
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
