import MicroBatching

/// A function whose pipeline is compiled for its own input type.
///
/// ``TypedFunctionPipeline`` is generic over the function; reached through `any FunctionPipeline`,
/// its methods run unspecialised, looking up generic type metadata for every buffer they touch
/// (about a third of the processing module's time per record before this existed). A function
/// that names a concrete ``Pipeline`` type, one line in its file, gets a conformance whose every
/// method the compiler specialises for `Input`, engine included:
///
/// ```swift
/// extension FunctionA: SpecializedFunction {
///     struct Pipeline: SpecializedPipeline { var base: TypedFunctionPipeline<FunctionA> }
/// }
/// ```
///
/// The two paths compute the same thing; a function without the line runs correctly, only slower
/// (`FunctionRegistryTests` checks that every registered function has it).
protocol SpecializedFunction: WindowFunction {
    associatedtype Pipeline: SpecializedPipeline where Pipeline.Function == Self
}

extension SpecializedFunction {
    /// The specialised pipeline factory; `codec` is this function's (the caller's type is generic).
    static func pipelineFactory<Other: WindowFunction>(_ codec: FunctionCodec<Other>) -> PipelineFactory {
        guard let codec = codec as? FunctionCodec<Self> else { preconditionFailure("a codec of \(Other.name) for \(name)") }
        return { layout, engine, clock in
            Pipeline(base: TypedFunctionPipeline(codec: codec, layout: layout, engine: engine, clock: clock))
        }
    }
}

/// Makes a function's pipeline for a record layout, an engine configuration and a clock.
typealias PipelineFactory = @Sendable (RecordLayout, EngineConfiguration, any EngineClock) -> any FunctionPipeline

/// A concrete wrapper of one function's ``TypedFunctionPipeline``: every requirement forwards to
/// `base`, and because the wrapper is not generic, the forwarding is specialised. A non-mutating
/// requirement reads `base` through its getter, a copy of the whole pipeline (about 30 reference
/// counts): none is called per record, keep it so (the processor caches ``FunctionPipeline/isAssigned(_:)``).
protocol SpecializedPipeline: FunctionPipeline {
    associatedtype Function: WindowFunction
    var base: TypedFunctionPipeline<Function> { get set }
    init(base: TypedFunctionPipeline<Function>)
}

extension SpecializedPipeline {
    var engineConfiguration: EngineConfiguration { base.engineConfiguration }

    mutating func offer(
        key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, transportTimestamp: Int64?, partition: Int32,
        offset: Int64, writtenAt: Int64?, now: Int64
    ) -> Admission {
        base.offer(
            key: key, value: value, transportTimestamp: transportTimestamp, partition: partition, offset: offset,
            writtenAt: writtenAt, now: now)
    }

    mutating func scan(
        _ value: UnsafeRawBufferPointer, transportTimestamp: Int64?, recordIndex: Int,
        otherMembers: UnsafeMutableBufferPointer<Range<Int>?>
    ) -> RecordRefusal? {
        base.scan(value, transportTimestamp: transportTimestamp, recordIndex: recordIndex, otherMembers: otherMembers)
    }

    mutating func admitScanned(key: String?, partition: Int32, offset: Int64, writtenAt: Int64?, now: Int64) -> Admission {
        base.admitScanned(key: key, partition: partition, offset: offset, writtenAt: writtenAt, now: now)
    }

    mutating func refuse(_ refusal: RecordRefusal, partition: Int32, offset: Int64) -> Admission {
        base.refuse(refusal, partition: partition, offset: offset)
    }

    mutating func bindColumns(_ table: ColumnTable) throws(RunError) { try base.bindColumns(table) }

    mutating func scanRow(_ row: Int, eventTime: Int64, byteCount: Int) -> RecordRefusal? {
        base.scanRow(row, eventTime: eventTime, byteCount: byteCount)
    }

    mutating func admitScanned(keyID: KeyID, partition: Int32, offset: Int64, writtenAt: Int64?, now: Int64) -> Admission {
        base.admitScanned(keyID: keyID, partition: partition, offset: offset, writtenAt: writtenAt, now: now)
    }

    mutating func keyID(_ key: String?) -> KeyID { base.keyID(key) }

    mutating func closeBatches(now: Int64?) -> PendingWindows { base.closeBatches(now: now) }

    mutating func closeWindows(now: Int64) -> [ClosedWindow] { base.closeWindows(now: now) }
    mutating func closeAllWindows() -> [ClosedWindow] { base.closeAllWindows() }

    @discardableResult
    mutating func assign(_ partition: Int32, from checkpoint: OffsetCheckpoint?) -> AssignmentReport {
        base.assign(partition, from: checkpoint)
    }

    mutating func revoke(_ partition: Int32) { base.revoke(partition) }
    mutating func setPaused(_ partition: Int32, _ paused: Bool) { base.setPaused(partition, paused) }
    func progress(of partition: Int32) -> PartitionProgress? { base.progress(of: partition) }
    func isAssigned(_ partition: Int32) -> Bool { base.isAssigned(partition) }
    func checkpoint(of partition: Int32) -> OffsetCheckpoint? { base.checkpoint(of: partition) }
    var assignedPartitions: [Int32] { base.assignedPartitions }
    var openWindowCount: Int { base.openWindowCount }
    var bufferedBytes: Int { base.bufferedBytes }
    var bufferedRecords: Int { base.bufferedRecords }
    func partitionsToPause(bufferLimit: Int) -> [Int32] { base.partitionsToPause(bufferLimit: bufferLimit) }
}
