/// One session's records in arrival order, in one allocation whose capacity is a power of two:
/// an append touches one object, and a session's batch is one contiguous run. A full buffer is
/// replaced by a copy twice its size; a shared one is copied before it is written, so the engine
/// stays a value.
@usableFromInline
final class SessionBuffer<Payload>: ManagedBuffer<SessionBufferHeader, SessionRecord<Payload>> {
    /// An empty buffer of `capacity` (a power of two) records.
    @inlinable
    static func make(capacity: Int) -> SessionBuffer {
        unsafeDowncast(create(minimumCapacity: capacity) { _ in SessionBufferHeader(count: 0, capacity: capacity) }, to: SessionBuffer.self)
    }

    @inlinable
    deinit {
        withUnsafeMutablePointers { header, elements in _ = elements.deinitialize(count: header.pointee.count) }
    }

    // Read through the header's pointer: the `header` property is checked for exclusive access
    // at run time, a call per read.
    @inlinable
    var count: Int { withUnsafeMutablePointerToHeader { $0.pointee.count } }

    @inlinable
    var recordCapacity: Int { withUnsafeMutablePointerToHeader { $0.pointee.capacity } }

    @inlinable
    var isFull: Bool { withUnsafeMutablePointerToHeader { $0.pointee.count == $0.pointee.capacity } }

    /// Appends a record; the caller has checked that the buffer is not full and not shared.
    @inlinable
    func append(_ record: SessionRecord<Payload>) {
        withUnsafeMutablePointers { header, elements in
            (elements + header.pointee.count).initialize(to: record)
            header.pointee.count += 1
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

    /// A buffer of `capacity` (a power of two, at least ``count``) with the same records.
    @inlinable
    func copy(capacity: Int) -> SessionBuffer {
        let copy = Self.make(capacity: capacity)
        copy.append(contentsOf: self)
        return copy
    }
}

/// How many records a ``SessionBuffer`` holds, and has room for.
@usableFromInline
struct SessionBufferHeader {
    @usableFromInline var count: Int
    @usableFromInline let capacity: Int

    @inlinable
    init(count: Int, capacity: Int) {
        (self.count, self.capacity) = (count, capacity)
    }
}
