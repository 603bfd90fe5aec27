import Kafka

/// Where the original bytes of a failed batch's records come from. The engine buffers decoded
/// inputs (8 bytes for a numeric field), not the records' bytes, yet a function failure must
/// dead-letter every record of its batch as it was read. The service reads them back from the input
/// topic (``TopicReadBack``, one read per close with failures, no memory cost otherwise); `replay`
/// keeps the bytes of the records its open windows hold (``RetainedOriginals``).
public protocol OriginalRecordSource {
    /// Whether the processor must hand it every buffered record (``keep(_:)``).
    var keepsRecords: Bool { get }
    /// A buffered record (only when ``keepsRecords``).
    mutating func keep(_ record: StoredRecord)
    /// Records below these offsets (per partition) are needed no more: their windows are closed.
    mutating func release(below committable: [Int32: Int64])
    /// The records at `addresses`; one it cannot provide is absent from the result, and a failure
    /// to read any is thrown.
    mutating func originals(of addresses: [RecordAddress]) throws -> [RecordAddress: StoredRecord]
}

extension OriginalRecordSource {
    public var keepsRecords: Bool { false }
    public mutating func keep(_ record: StoredRecord) {}
    public mutating func release(below committable: [Int32: Int64]) {}
}

/// A record's place in the input topic.
public struct RecordAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let partition: Int32
    public let offset: Int64

    public init(partition: Int32, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }

    public static func < (lhs: RecordAddress, rhs: RecordAddress) -> Bool {
        (lhs.partition, lhs.offset) < (rhs.partition, rhs.offset)
    }

    public var description: String { "[\(partition)]@\(offset)" }
}

/// Keeps the records its processor buffers until their windows are closed: for `replay` and
/// `verify`, which read files or ranges once and have no topic to read back from.
public struct RetainedOriginals: OriginalRecordSource {
    private var records: [Int32: [Int64: StoredRecord]] = [:]

    public init() {}

    public var keepsRecords: Bool { true }

    public mutating func keep(_ record: StoredRecord) {
        records[record.partition, default: [:]][record.offset] = record
    }

    public mutating func release(below committable: [Int32: Int64]) {
        for (partition, offset) in committable {
            records[partition] = records[partition]?.filter { $0.key >= offset }
        }
    }

    public mutating func originals(of addresses: [RecordAddress]) throws -> [RecordAddress: StoredRecord] {
        var found: [RecordAddress: StoredRecord] = [:]
        for address in addresses {
            if let record = records[address.partition]?[address.offset] { found[address] = record }
        }
        return found
    }
}

/// Reads a failed batch's records back from the input topic with a consumer of its own (manually
/// assigned, no group, nothing committed), created on first use. Costs one fetch of the batch's
/// offset ranges per close with failures; nothing while functions succeed.
public final class TopicReadBack: OriginalRecordSource {
    private let topic: String
    private let makeConsumer: () throws -> any RangeConsumer
    private var consumer: (any RangeConsumer)?

    public init(topic: String, makeConsumer: @escaping () throws -> any RangeConsumer) {
        self.topic = topic
        self.makeConsumer = makeConsumer
    }

    public func originals(of addresses: [RecordAddress]) throws -> [RecordAddress: StoredRecord] {
        let consumer = try self.consumer ?? makeConsumer()
        self.consumer = consumer
        var ranges: [Int32: ClosedRange<Int64>] = [:]
        for address in addresses {
            let range = ranges[address.partition] ?? address.offset...address.offset
            ranges[address.partition] = min(range.lowerBound, address.offset)...max(range.upperBound, address.offset)
        }
        let wanted = Set(addresses)
        var found: [RecordAddress: StoredRecord] = [:]
        try TopicRangeReader(consumer: consumer, topic: topic, stallTimeout: .seconds(30)).read(ranges) { record in
            let address = RecordAddress(partition: record.partition, offset: record.offset)
            if wanted.contains(address) { found[address] = record }
        }
        return found
    }
}
