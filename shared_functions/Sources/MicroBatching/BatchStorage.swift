/// The memory behind ``BatchRecords``: room for `capacity` records, of which the first `count` are
/// initialized. The engine writes a close's batches into one storage and keeps it after handing the
/// batches out; once every batch is released (the storage is uniquely referenced again), the next
/// close reuses the memory instead of asking for fresh pages (``BatchStoragePool``).
@usableFromInline
final class BatchStorage<Value> {
    @usableFromInline
    let capacity: Int
    @usableFromInline
    var count = 0
    @usableFromInline
    let base: UnsafeMutablePointer<BatchRecord<Value>>
    /// The number of the last close that used this storage (``BatchStoragePool``).
    @usableFromInline
    var lastClose = 0

    @inlinable
    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: Swift.max(capacity, 1))
    }

    /// Storage holding `records`.
    @inlinable
    convenience init(_ records: [BatchRecord<Value>]) {
        self.init(capacity: records.count)
        records.withUnsafeBufferPointer { records in
            if let source = records.baseAddress { base.initialize(from: source, count: records.count) }
        }
        count = records.count
    }

    /// Drops the records, keeping the memory.
    @inlinable
    func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// Storages of recent closes, reused once their batches are released. A close that emits windows
/// drops the released storages it did not use, so the pool holds at most what the previous close
/// emitted.
@usableFromInline
struct BatchStoragePool<Value> {
    @usableFromInline
    var storages: [BatchStorage<Value>] = []
    @usableFromInline
    var close = 0

    @inlinable
    init() {}

    /// Begins a close.
    @inlinable
    mutating func beginClose() { close += 1 }

    /// Empty storage with room for `capacity` records: a released one of the pool when one is large
    /// enough, else a new one.
    @inlinable
    mutating func take(capacity: Int) -> BatchStorage<Value> {
        for index in storages.indices
        where storages[index].lastClose != close && storages[index].capacity >= capacity
            && isKnownUniquelyReferenced(&storages[index])
        {
            storages[index].removeAll()
            storages[index].lastClose = close
            return storages[index]
        }
        let storage = BatchStorage<Value>(capacity: capacity)
        storage.lastClose = close
        storages.append(storage)
        return storage
    }

    /// Ends a close: released storages that this close did not use are dropped (when it used any).
    @inlinable
    mutating func endClose() {
        let close = close
        guard storages.contains(where: { $0.lastClose == close }) else { return }
        var index = 0
        while index < storages.count {
            if storages[index].lastClose != close, isKnownUniquelyReferenced(&storages[index]) {
                storages.swapAt(index, storages.count - 1)
                storages.removeLast()
            } else {
                index += 1
            }
        }
    }
}
