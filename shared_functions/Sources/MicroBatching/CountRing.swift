/// One key's held count-window records, oldest first, in a ring whose capacity is a power of two:
/// one allocation, so an append touches one object. A full ring is replaced by a copy twice its
/// size (it never needs more than the count rounded up); a shared one is copied before it is
/// written, so the engine stays a value.
@usableFromInline
final class CountRing<Payload>: ManagedBuffer<CountRingHeader, CountRecord<Payload>> {
    /// The smallest power of two that holds `count` records.
    @inlinable
    static func capacity(holding count: Int) -> Int {
        var capacity = 1
        while capacity < count { capacity <<= 1 }
        return capacity
    }

    /// A ring of `capacity` (a power of two) holding `first`.
    @inlinable
    static func make(capacity: Int, first: CountRecord<Payload>) -> CountRing {
        let ring = unsafeDowncast(
            create(minimumCapacity: capacity) { _ in CountRingHeader(start: 0, held: 0, capacity: capacity) }, to: CountRing.self)
        ring.append(first)
        return ring
    }

    @inlinable
    deinit {
        withUnsafeMutablePointers { header, elements in
            for index in 0..<header.pointee.held { (elements + header.pointee.slot(index)).deinitialize(count: 1) }
        }
    }

    // Read through the header's pointer: the `header` property is checked for exclusive access
    // at run time, a call per read.
    @inlinable
    var held: Int { withUnsafeMutablePointerToHeader { $0.pointee.held } }

    @inlinable
    var ringCapacity: Int { withUnsafeMutablePointerToHeader { $0.pointee.capacity } }

    @inlinable
    var isFull: Bool { withUnsafeMutablePointerToHeader { $0.pointee.held == $0.pointee.capacity } }

    /// The oldest held record (a ring holds at least one).
    @inlinable
    var first: CountRecord<Payload> {
        withUnsafeMutablePointers { header, elements in elements[header.pointee.start] }
    }

    /// Appends a record; the caller has checked that the ring is not full and not shared.
    @inlinable
    func append(_ record: CountRecord<Payload>) {
        withUnsafeMutablePointers { header, elements in
            (elements + header.pointee.slot(header.pointee.held)).initialize(to: record)
            header.pointee.held += 1
        }
    }

    /// Drops the `count` oldest records.
    @inlinable
    func dropFirst(_ count: Int) {
        withUnsafeMutablePointers { header, elements in
            for index in 0..<count { (elements + header.pointee.slot(index)).deinitialize(count: 1) }
            header.pointee.start = header.pointee.slot(count)
            header.pointee.held -= count
        }
    }

    /// Appends the held records to `records`, oldest first.
    @inlinable
    func copyHeld(into records: inout [CountRecord<Payload>]) {
        withUnsafeMutablePointers { header, elements in
            let start = header.pointee.start
            let firstRun = min(header.pointee.held, header.pointee.capacity - start)
            records.append(contentsOf: UnsafeBufferPointer(start: elements + start, count: firstRun))
            records.append(contentsOf: UnsafeBufferPointer(start: elements, count: header.pointee.held - firstRun))
        }
    }

    /// A ring of `capacity` (a power of two, at least ``held``) with the same records.
    @inlinable
    func copy(capacity: Int) -> CountRing {
        let copy = unsafeDowncast(
            Self.create(minimumCapacity: capacity) { _ in CountRingHeader(start: 0, held: 0, capacity: capacity) }, to: CountRing.self)
        withUnsafeMutablePointers { header, elements in
            copy.withUnsafeMutablePointers { copyHeader, copyElements in
                for index in 0..<header.pointee.held {
                    (copyElements + index).initialize(to: elements[header.pointee.slot(index)])
                }
                copyHeader.pointee.held = header.pointee.held
            }
        }
        return copy
    }
}

/// Where a ``CountRing``'s records are: `held` of them from slot `start`, wrapping at `capacity`.
@usableFromInline
struct CountRingHeader {
    @usableFromInline var start: Int
    @usableFromInline var held: Int
    @usableFromInline let capacity: Int

    @inlinable
    init(start: Int, held: Int, capacity: Int) {
        (self.start, self.held, self.capacity) = (start, held, capacity)
    }

    /// The slot of the `index`-th held record.
    @inlinable
    func slot(_ index: Int) -> Int { (start + index) & (capacity - 1) }
}
