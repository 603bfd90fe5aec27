/// The records of one ``WindowBatch``: a read-only collection indexed from 0, whose storage may be
/// shared with the other batches of the same close. The engine lays out every batch of a close
/// side by side in one buffer, so closing allocates once per close instead of once per batch; the
/// buffer lives as long as any of its batches.
public struct BatchRecords<Value>: RandomAccessCollection {
    @usableFromInline
    let storage: BatchStorage<Value>
    @usableFromInline
    let start: Int
    public let count: Int

    /// The records of `records`, in their order.
    @inlinable
    public init(_ records: [BatchRecord<Value>]) {
        storage = BatchStorage(records)
        start = 0
        count = records.count
    }

    /// The records `storage[range]`.
    @inlinable
    init(storage: BatchStorage<Value>, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= storage.count, "batch range outside its storage")
        self.storage = storage
        start = range.lowerBound
        count = range.count
    }

    @inlinable
    public var startIndex: Int { 0 }

    @inlinable
    public var endIndex: Int { count }

    @inlinable
    public subscript(position: Int) -> BatchRecord<Value> {
        precondition(position >= 0 && position < count, "batch record index out of range")
        return storage.base[start + position]
    }

    /// Calls `body` with the records as contiguous memory.
    @inlinable
    public func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<BatchRecord<Value>>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try withExtendedLifetime(storage) { () throws(Failure) -> Result in
            try body(UnsafeBufferPointer(start: storage.base + start, count: count))
        }
    }
}

// The storage is written once, before any batch over it is handed out, and only read afterwards.
extension BatchRecords: @unchecked Sendable where Value: Sendable {}

extension BatchRecords: ExpressibleByArrayLiteral {
    @inlinable
    public init(arrayLiteral records: BatchRecord<Value>...) {
        self.init(records)
    }
}

extension BatchRecords: Equatable where Value: Equatable {
    @inlinable
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }
}

extension BatchRecords: CustomStringConvertible {
    public var description: String { Array(self).description }
}
