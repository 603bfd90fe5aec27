import MicroBatching

/// The ``FunctionPipeline`` of one function type: its engine buffers `Function.Input` values.
struct TypedFunctionPipeline<Function: WindowFunction>: FunctionPipeline {
    var engine: MicroBatchEngine<Function.Input>
    let codec: FunctionCodec<Function>
    /// The members one scan looks for: the event-time field (when named), the input's members,
    /// then the layout's other members.
    let names: [[UInt8]]
    let hasEventTimeField: Bool
    let eventTimeField: String?
    let inputMembers: Range<Int>
    let otherMembers: Range<Int>
    /// The ranges found by the last scan (reused: a scan allocates nothing).
    var found: [Range<Int>?]
    /// The input decoded by the last ``scan(_:transportTimestamp:recordIndex:)``, its event time and size.
    var scanned: (input: Function.Input, eventTime: Int64, byteCount: Int)?
    /// The input columns of a columnar run (``bindColumns(_:)``).
    var boundColumns: BoundColumnReader<Function.Input>?

    init(codec: FunctionCodec<Function>, layout: RecordLayout, engine configuration: EngineConfiguration, clock: any EngineClock) {
        engine = MicroBatchEngine(configuration: configuration, clock: clock)
        self.codec = codec
        eventTimeField = layout.eventTimeField
        hasEventTimeField = layout.eventTimeField != nil
        let timeNames = layout.eventTimeField.map { [Array($0.utf8)] } ?? []
        let inputNames = codec.reader.memberNames
        names = timeNames + inputNames + layout.otherMembers.map { Array($0.utf8) }
        inputMembers = timeNames.count..<(timeNames.count + inputNames.count)
        otherMembers = inputMembers.upperBound..<names.count
        found = Array(repeating: nil, count: names.count)
    }

    var engineConfiguration: EngineConfiguration { engine.configuration }

    // MARK: Records

    mutating func offer(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, transportTimestamp: Int64?, partition: Int32,
        offset: Int64, writtenAt: Int64?, now: Int64
    ) -> Admission {
        var keyID: KeyID = 0
        if let key {
            guard let id = engine.keyID(bytes: key) else {
                return refuse(RecordRefusal(.keyNotUTF8, "the key is not valid UTF-8"), partition: partition, offset: offset)
            }
            keyID = id
        }
        guard let value else {
            return refuse(RecordRefusal(.nullValue, "the value is null (a tombstone)"), partition: partition, offset: offset)
        }
        switch read(value, transportTimestamp: transportTimestamp, recordIndex: 0) {
        case .success(let record):
            return admit(
                record.input, eventTime: record.eventTime, key: keyID, partition: partition, offset: offset,
                byteCount: value.count, writtenAt: writtenAt, now: now)
        case .failure(let refusal):
            return refuse(refusal, partition: partition, offset: offset)
        }
    }

    mutating func scan(
        _ value: UnsafeRawBufferPointer, transportTimestamp: Int64?, recordIndex: Int,
        otherMembers members: UnsafeMutableBufferPointer<Range<Int>?>
    ) -> RecordRefusal? {
        switch read(value, transportTimestamp: transportTimestamp, recordIndex: recordIndex) {
        case .success(let record):
            scanned = (record.input, record.eventTime, value.count)
            for (index, member) in otherMembers.prefix(members.count).enumerated() { members[index] = found[member] }
            return nil
        case .failure(let refusal):
            scanned = nil
            return refusal
        }
    }

    mutating func admitScanned(key: String?, partition: Int32, offset: Int64, writtenAt: Int64?, now: Int64) -> Admission {
        admitScanned(keyID: engine.keyID(key), partition: partition, offset: offset, writtenAt: writtenAt, now: now)
    }

    mutating func admitScanned(keyID: KeyID, partition: Int32, offset: Int64, writtenAt: Int64?, now: Int64) -> Admission {
        guard let (input, eventTime, byteCount) = scanned.take() else {
            preconditionFailure("admitScanned(keyID:partition:offset:writtenAt:now:) without a successful scan")
        }
        return admit(
            input, eventTime: eventTime, key: keyID, partition: partition, offset: offset, byteCount: byteCount,
            writtenAt: writtenAt, now: now)
    }

    mutating func keyID(_ key: String?) -> KeyID { engine.keyID(key) }

    mutating func refuse(_ refusal: RecordRefusal, partition: Int32, offset: Int64) -> Admission {
        engine.recordHandledOutside(partition: partition, offset: offset) == .fresh ? .refused(refusal) : .skipped
    }

    /// The one scan of a record's value: event time, then the function's input.
    mutating func read(_ value: UnsafeRawBufferPointer, transportTimestamp: Int64?, recordIndex: Int)
        -> Result<(input: Function.Input, eventTime: Int64), RecordRefusal>
    {
        let names = names
        do {
            try found.withUnsafeMutableBufferPointer { found throws(JSONScanError) in
                try JSONObjectScanner.members(names, in: value, into: found)
            }
        } catch {
            return .failure(RecordRefusal(.notJSON, "the value is not a JSON object: \(error)"))
        }
        let eventTime: Int64
        if let eventTimeField {
            guard let range = found[0] else {
                return .failure(RecordRefusal(.noEventTime, "the event time field '\(eventTimeField)' is missing"))
            }
            switch EventTimeValue.parse(value, range) {
            case .success(let time): eventTime = time
            case .failure(let failure): return .failure(RecordRefusal(.noEventTime, failure.message))
            }
        } else {
            guard let transportTimestamp else { return .failure(RecordRefusal(.noEventTime, "the record has no Kafka timestamp")) }
            eventTime = transportTimestamp
        }
        let inputMembers = inputMembers
        let reader = codec.reader
        let input: Function.Input
        do {
            input = try found.withUnsafeBufferPointer { found throws(InputScanError) in
                try reader.read(value, members: UnsafeBufferPointer(rebasing: found[inputMembers]))
            }
        } catch {
            return .failure(RecordRefusal(.invalidInput, codec.invalidRecordMessage(error, recordIndex: recordIndex)))
        }
        return .success((input, eventTime))
    }

    mutating func admit(
        _ input: Function.Input, eventTime: Int64, key: KeyID, partition: Int32, offset: Int64, byteCount: Int,
        writtenAt: Int64?, now: Int64
    ) -> Admission {
        let outcome = engine.ingest(
            partition: partition, offset: offset, key: key, eventTime: eventTime, payload: input, byteCount: byteCount,
            writtenAt: writtenAt, now: now)
        switch outcome {
        case .buffered: return .buffered
        case .alreadyHandled, .duplicate: return .skipped
        case .late(let late): return .late(LateArrival(window: late.window, lateness: late.lateness))
        case .rejected(let rejection): return .refused(RecordRefusal(DeadLetterKind(rejection), rejection.description))
        }
    }

    // MARK: Partitions and progress

    @discardableResult
    mutating func assign(_ partition: Int32, from checkpoint: OffsetCheckpoint?) -> AssignmentReport {
        engine.assign(partition, from: checkpoint)
    }

    mutating func revoke(_ partition: Int32) { engine.revoke(partition) }
    mutating func setPaused(_ partition: Int32, _ paused: Bool) { engine.setPaused(partition, paused) }
    func progress(of partition: Int32) -> PartitionProgress? { engine.progress(of: partition) }
    func isAssigned(_ partition: Int32) -> Bool { engine.isAssigned(partition) }
    func checkpoint(of partition: Int32) -> OffsetCheckpoint? { engine.checkpoint(of: partition) }
    var assignedPartitions: [Int32] { engine.assignedPartitions }
    var openWindowCount: Int { engine.openWindowCount }
    var bufferedBytes: Int { engine.bufferedBytes }
    var bufferedRecords: Int { engine.bufferedRecords }
    func partitionsToPause(bufferLimit: Int) -> [Int32] { engine.partitionsToPause(bufferLimit: bufferLimit) }
}
