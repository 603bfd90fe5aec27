/// One session: its key, bucket, first and last event time and end, its records' list, and its
/// place among the key's open sessions.
@usableFromInline
struct Session {
    @usableFromInline var key: KeyID
    @usableFromInline var head: Int32
    @usableFromInline var tail: Int32
    @usableFromInline var nextOfKey: Int32
    @usableFromInline var count: Int32 = 1
    @usableFromInline var generation: UInt32 = 0
    @usableFromInline var first: Int64
    @usableFromInline var last: Int64
    /// `min(last + gap, bucketEnd)`: the session is `[first, end)`.
    @usableFromInline var end: Int64
    @usableFromInline let bucketEnd: Int64
    @usableFromInline var alive = true
    @usableFromInline var passed = false

    @inlinable
    init(key: KeyID, bucketEnd: Int64, first: Int64, last: Int64, end: Int64, head: Int32, tail: Int32, nextOfKey: Int32) {
        (self.key, self.bucketEnd, self.first, self.last, self.end) = (key, bucketEnd, first, last, end)
        (self.head, self.tail, self.nextOfKey) = (head, tail, nextOfKey)
    }

    @inlinable
    var window: Window { Window(uncheckedStart: first, end: end) }

    @inlinable
    mutating func include(_ eventTime: Int64, gap: Int64) {
        if eventTime < first { first = eventTime }
        if eventTime > last {
            last = eventTime
            end = min(last + gap, bucketEnd)
        }
    }
}
