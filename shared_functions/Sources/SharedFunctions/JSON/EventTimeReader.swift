/// Reads a record's event time: from a named member of its JSON value, or, with no field named,
/// from the timestamp the transport carried (Kafka's record timestamp).
///
/// The processing module and the notebook runs both read event times through this type, so a
/// record gets the same time, or the same refusal, wherever it is processed.
public struct EventTimeReader: Sendable {
    /// Why no event time could be read: ``DeadLetterKind/notJSON`` or ``DeadLetterKind/noEventTime``.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public let kind: DeadLetterKind
        public let message: String
        public var description: String { message }
    }

    /// The JSON member holding the event time, as UTF-8; `nil` to use the transport timestamp.
    public let field: [UInt8]?
    /// The member names to scan for, built once (the scan runs for every record): the event-time
    /// field first, then the other members the caller wants from the same scan.
    private let names: [[UInt8]]
    private let otherCount: Int

    /// `otherMembers` are found by the same scan and returned by ``read(_:transportTimestamp:others:)``.
    public init(field: String?, otherMembers: [String] = []) {
        self.field = field.map { Array($0.utf8) }
        names = (self.field.map { [$0] } ?? []) + otherMembers.map { Array($0.utf8) }
        otherCount = otherMembers.count
    }

    /// The event time of the JSON object `value`; `transportTimestamp` is used when no field is named.
    /// The whole value is checked to be one JSON object even when no member is read.
    public func read(_ value: UnsafeRawBufferPointer, transportTimestamp: Int64?) -> Result<Int64, Failure> {
        var others: ArraySlice<Range<Int>?> = []
        return read(value, transportTimestamp: transportTimestamp, others: &others)
    }

    /// Like ``read(_:transportTimestamp:)``, also setting `others` to the byte ranges of the
    /// `otherMembers` named at creation (`nil` for an absent member), in their order.
    public func read(
        _ value: UnsafeRawBufferPointer, transportTimestamp: Int64?, others: inout ArraySlice<Range<Int>?>
    ) -> Result<Int64, Failure> {
        let ranges: [Range<Int>?]
        do {
            ranges = try JSONObjectScanner.members(names, in: value)
        } catch {
            return .failure(Failure(kind: .notJSON, message: "the value is not a JSON object: \(error)"))
        }
        others = ranges.suffix(otherCount)
        guard let field else {
            guard let transportTimestamp else {
                return .failure(Failure(kind: .noEventTime, message: "the record has no Kafka timestamp"))
            }
            return .success(transportTimestamp)
        }
        guard let found = ranges[0] else {
            let name = String(decoding: field, as: UTF8.self)
            return .failure(Failure(kind: .noEventTime, message: "the event time field '\(name)' is missing"))
        }
        return EventTimeValue.parse(value, found).mapError { Failure(kind: .noEventTime, message: $0.message) }
    }
}
