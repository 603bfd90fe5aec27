/// One session: its state (``Session``) as the header and its records in arrival order, in one
/// allocation whose capacity is a power of two. A record's append reads and writes this object
/// and nothing else of its session, and a session's batch is one contiguous run. A full buffer is
/// replaced by a copy twice its size; a shared one is copied before it is written, so the engine
/// stays a value.
@usableFromInline
final class SessionBuffer<Payload>: ManagedBuffer<Session, SessionRecord<Payload>> {
    /// The smallest power of two, at least `capacity` (a power of two), that holds `count` records.
    @inlinable
    static func capacity(from capacity: Int, holding count: Int) -> Int {
        var capacity = capacity
        while capacity < count { capacity <<= 1 }
        return capacity
    }

    /// An empty buffer of `capacity` (a power of two) records heading `session`.
    @inlinable
    static func make(capacity: Int, session: Session) -> SessionBuffer {
        var header = session
        header.count = 0
        header.capacity = capacity
        return unsafeDowncast(create(minimumCapacity: capacity) { _ in header }, to: SessionBuffer.self)
    }

    @inlinable
    deinit {
        withUnsafeMutablePointers { header, elements in _ = elements.deinitialize(count: header.pointee.count) }
    }

    // Read through the header's pointer: the `header` property is checked for exclusive access
    // at run time, a call per read.

    /// The session's state.
    @inlinable
    var session: Session { withUnsafeMutablePointerToHeader { $0.pointee } }

    @inlinable
    var count: Int { withUnsafeMutablePointerToHeader { $0.pointee.count } }

    @inlinable
    var recordCapacity: Int { withUnsafeMutablePointerToHeader { $0.pointee.capacity } }

    /// Changes the session's state; the caller has checked that the buffer is not shared.
    @inlinable
    func update<Result>(_ body: (inout Session) -> Result) -> Result {
        withUnsafeMutablePointerToHeader { body(&$0.pointee) }
    }

    /// Appends a record and widens the session to its event time; returns the session's end. The
    /// caller has checked that the buffer is not full and not shared.
    @inlinable
    func append(_ record: SessionRecord<Payload>, gap: Int64) -> Int64 {
        withUnsafeMutablePointers { header, elements in
            (elements + header.pointee.count).initialize(to: record)
            header.pointee.count += 1
            header.pointee.include(record.eventTime, gap: gap)
            return header.pointee.end
        }
    }

    /// Appends every record of `other`; the caller has checked that they fit and that this buffer is not shared.
    @inlinable
    func append(contentsOf other: SessionBuffer) {
        other.withRecords { records in
            withUnsafeMutablePointers { header, elements in
                (elements + header.pointee.count).initialize(from: records.baseAddress!, count: records.count)
                header.pointee.count += records.count
            }
        }
    }

    /// Calls `body` with the records, in the order they were appended.
    @inlinable
    func withRecords<Result>(_ body: (UnsafeBufferPointer<SessionRecord<Payload>>) throws -> Result) rethrows -> Result {
        try withUnsafeMutablePointers { header, elements in
            try body(UnsafeBufferPointer(start: elements, count: header.pointee.count))
        }
    }

    /// Calls `body` with the records to change them in place; the caller has checked that the buffer is not shared.
    @inlinable
    func withMutableRecords<Result>(_ body: (UnsafeMutableBufferPointer<SessionRecord<Payload>>) throws -> Result) rethrows -> Result {
        try withUnsafeMutablePointers { header, elements in
            try body(UnsafeMutableBufferPointer(start: elements, count: header.pointee.count))
        }
    }

    /// Drops every record, keeping the allocation for another session.
    @inlinable
    func removeAll() {
        withUnsafeMutablePointers { header, elements in
            elements.deinitialize(count: header.pointee.count)
            header.pointee.count = 0
        }
    }

    /// Makes this emptied buffer head `session` (the caller has checked that it is empty and not shared).
    @inlinable
    func reuse(for session: Session) {
        withUnsafeMutablePointerToHeader { header in
            let capacity = header.pointee.capacity
            header.pointee = session
            header.pointee.count = 0
            header.pointee.capacity = capacity
        }
    }

    /// A buffer of `capacity` (a power of two, at least ``count``) with the same session and records.
    @inlinable
    func copy(capacity: Int) -> SessionBuffer {
        let copy = Self.make(capacity: capacity, session: session)
        copy.append(contentsOf: self)
        return copy
    }
}
