import MicroBatching

/// How a record enters a pipeline: the one set of steps, and the one set of dead-letter kinds,
/// for the processing module (`PipelineProcessor`) and the notebook runs (``WindowRun``).
///
/// In order: the key must be UTF-8, the value present and a JSON object with an event time
/// (``read(key:value:transportTimestamp:others:)``), the value readable as the function's input,
/// and the engine must take it (``admit(_:partition:offset:writtenAt:recordIndex:into:)``).
/// A refusal at any step is a ``RecordRefusal`` with its ``DeadLetterKind``; what the engine does is
/// an ``Admission``. A refused record is dead-lettered only once: after a restore, a record refused
/// before the restored progress is skipped (its dead letter was produced then). Pure: no I/O.
public struct RecordAdmission: Sendable {
    public let function: PreparedFunction
    public let eventTimeReader: EventTimeReader

    /// `otherMembers` are JSON members found by the same scan as the event time (a notebook run's
    /// key and partition columns).
    public init(function: PreparedFunction, eventTimeField: String?, otherMembers: [String] = []) {
        self.function = function
        eventTimeReader = EventTimeReader(field: eventTimeField, otherMembers: otherMembers)
    }

    /// Reads what the engine needs of a record: its key as text (refused when it is not UTF-8),
    /// its value (refused when null) and its event time (the configured member, or
    /// `transportTimestamp`; refused when the value is not a JSON object or has no usable time).
    /// `others` receives the byte ranges of the other members found by the same scan.
    public func read(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, transportTimestamp: Int64?,
        others: inout ArraySlice<Range<Int>?>
    ) -> Result<AdmittedRecord, RecordRefusal> {
        var keyText: String?
        if let key {
            guard let text = String(validating: key, as: UTF8.self) else {
                return .failure(RecordRefusal(.keyNotUTF8, "the key is not valid UTF-8"))
            }
            keyText = text
        }
        guard let value else { return .failure(RecordRefusal(.nullValue, "the value is null (a tombstone)")) }
        switch eventTimeReader.read(value, transportTimestamp: transportTimestamp, others: &others) {
        case .success(let time): return .success(AdmittedRecord(key: keyText, value: value, eventTime: time))
        case .failure(let failure): return .failure(RecordRefusal(failure.kind, failure.message))
        }
    }

    /// Checks the record's value against the function's input and offers it to `engine`.
    /// `recordIndex` names the record in a validation message (a notebook's row).
    public func admit(
        _ record: AdmittedRecord, partition: Int32, offset: Int64, writtenAt: Int64?, recordIndex: Int = 0,
        into engine: inout MicroBatchEngine<[UInt8]>
    ) -> Admission {
        let bytes = Array(record.value)
        do {
            try function.validate(record: bytes, recordIndex: recordIndex)
        } catch {
            return Self.refuse(RecordRefusal(.invalidInput, error.message), partition: partition, offset: offset, in: &engine)
        }
        let outcome = engine.ingest(
            InputRecord(
                partition: partition, offset: offset, key: record.key, eventTime: record.eventTime, payload: bytes,
                byteCount: bytes.count, writtenAt: writtenAt))
        switch outcome {
        case .buffered: return .buffered
        case .alreadyHandled, .duplicate: return .skipped
        case .late(let late): return .late(late)
        case .rejected(let rejection): return .refused(RecordRefusal(DeadLetterKind(rejection), rejection.description))
        }
    }

    /// A record refused before it reached the engine: moves the partition's progress past it, and
    /// dead-letters it unless it was handled before a restore (or is a redelivery).
    public static func refuse(
        _ refusal: RecordRefusal, partition: Int32, offset: Int64, in engine: inout MicroBatchEngine<[UInt8]>
    ) -> Admission {
        engine.recordHandledOutside(partition: partition, offset: offset) == .fresh ? .refused(refusal) : .skipped
    }
}

/// A record that passed ``RecordAdmission/read(key:value:transportTimestamp:others:)``: its key
/// as text, its value's bytes (borrowed) and its event time (ms).
public struct AdmittedRecord {
    public var key: String?
    public var value: UnsafeRawBufferPointer
    public var eventTime: Int64
}

/// What became of a record offered to a pipeline; every record gets exactly one.
public enum Admission: Sendable {
    /// Held by an open window.
    case buffered
    /// Handled before a restore, or delivered twice: nothing to do.
    case skipped
    /// Every window of the record had closed.
    case late(LateRecord<[UInt8]>)
    /// Refused: dead-letter it with the refusal's kind.
    case refused(RecordRefusal)
}

/// Why a record was refused, as its dead letter says it.
public struct RecordRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public let kind: DeadLetterKind
    public let message: String

    public init(_ kind: DeadLetterKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
