import Foundation
import Kafka
import MicroBatching
import SharedFunctions

/// The pure part of a pipeline: admits each input record (``RecordAdmission``, shared with the
/// notebook runs), feeds the engine, runs the function on closed windows and says what to produce
/// (typed ``PipelineOutput``s) and what to commit. No I/O: the Kafka runner, `replay` and `verify`
/// all drive it, so they produce the same bytes for the same input.
public struct PipelineProcessor {
    public let configuration: PipelineConfiguration
    public private(set) var engine: MicroBatchEngine<[UInt8]>
    public private(set) var counters = PipelineCounters()
    /// Time spent in the function per closed window since the last ``takeFunctionDurations()``
    /// (measurement only; it never affects outputs).
    public private(set) var functionDurations: [Duration] = []
    private let admission: RecordAdmission

    /// When true, records of partitions not assigned with ``assign(_:committed:)`` are ignored
    /// (a batch fetched before a revoke may still hold some); replays assign on first sight.
    public var requiresAssignment = false

    public init(configuration: PipelineConfiguration, clock: any EngineClock) {
        self.configuration = configuration
        engine = MicroBatchEngine(configuration: configuration.engine, clock: clock)
        admission = RecordAdmission(function: configuration.function, eventTimeField: configuration.eventTimeField)
    }

    /// Handles one input record; returns the dead letter it causes, if any.
    public mutating func ingest(
        partition: Int32, offset: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, kafkaTimestamp: Int64?
    ) -> PipelineOutput? {
        if requiresAssignment, engine.progress(of: partition) == nil {
            counters.ignoredUnassigned += 1
            return nil
        }
        counters.recordsIn += 1
        var others: ArraySlice<Range<Int>?> = []
        let decision =
            switch admission.read(key: key, value: value, transportTimestamp: kafkaTimestamp, others: &others) {
            case .success(let record):
                admission.admit(record, partition: partition, offset: offset, writtenAt: kafkaTimestamp, into: &engine)
            case .failure(let refusal):
                RecordAdmission.refuse(refusal, partition: partition, offset: offset, in: &engine)
            }
        let source = SourceCoordinates(topic: configuration.inputTopic, partition: partition, offset: offset)
        switch decision {
        case .buffered:
            counters.buffered += 1
            return nil
        case .skipped:
            counters.skipped += 1
            return nil
        case .refused(let refusal):
            counters.refused += 1
            counters.deadLettered += 1
            return .deadLetter(deadLetter(refusal, source, key: key.map(Array.init), value: value.map(Array.init), kafkaTimestamp))
        case .late(let late):
            counters.late += 1
            guard configuration.latePolicy == .deadLetter else { return nil }
            let message = "every window of the record had closed; it arrived \(late.lateness) ms after \(late.window) closed"
            var letter = deadLetter(RecordRefusal(.late, message), source, key: key.map(Array.init), value: late.payload, kafkaTimestamp)
            letter.missed = MissedWindow(window: late.window, lateness: late.lateness)
            return .deadLetter(letter)
        }
    }

    /// Closes what stream time (and the idle rule) allow and returns the results and dead letters
    /// to produce, in the engine's order.
    public mutating func closeWindows() -> [PipelineOutput] {
        produce(engine.closeWindows())
    }

    /// Closes every window (end of input).
    public mutating func closeAllWindows() -> [PipelineOutput] {
        produce(engine.closeAllWindows())
    }

    /// The function durations measured since the last call.
    public mutating func takeFunctionDurations() -> [Duration] {
        defer { functionDurations.removeAll(keepingCapacity: true) }
        return functionDurations
    }

    private mutating func produce(_ closed: [ClosedBatch<[UInt8]>]) -> [PipelineOutput] {
        var outputs: [PipelineOutput] = []
        for batch in closed {
            counters.windowsClosed += 1
            let provenance = Provenance(
                pipeline: configuration.name, function: configuration.function.name,
                functionVersion: configuration.function.version, inputTopic: configuration.inputTopic,
                window: batch.batch.window, key: batch.batch.key, recordCount: batch.batch.records.count,
                closeReason: batch.reason, inputOffsets: batch.offsetRanges)
            let started = ContinuousClock.now
            let result = Result { () throws(FunctionError) in try configuration.function.run(batch.batch) }
            functionDurations.append(ContinuousClock.now - started)
            switch result {
            case .success(let values):
                counters.recordsOut += values.count
                outputs += values.map { .result(WindowResult(topic: configuration.outputTopic, value: $0, provenance: provenance)) }
            case .failure(let error):
                counters.functionFailures += 1
                for record in batch.batch.records {
                    counters.failedBatchRecords += 1
                    counters.deadLettered += 1
                    let source = SourceCoordinates(topic: configuration.inputTopic, partition: record.partition, offset: record.offset)
                    var letter = deadLetter(
                        RecordRefusal(.functionFailed, error.description), source, key: record.key.map { Array($0.utf8) },
                        value: record.value, record.eventTime)
                    letter.provenance = provenance
                    outputs.append(.deadLetter(letter))
                }
            }
        }
        return outputs
    }

    private func deadLetter(
        _ refusal: RecordRefusal, _ source: SourceCoordinates, key: [UInt8]?, value: [UInt8]?, _ timestamp: Int64?
    ) -> DeadLetter {
        DeadLetter(
            topic: configuration.deadLetterTopic, kind: refusal.kind, message: refusal.message, pipeline: configuration.name,
            source: source, key: key, value: value, timestamp: timestamp)
    }

    // MARK: Partitions and progress

    /// Starts a partition from its committed offset and checkpoint metadata; returns what to log.
    public mutating func assign(_ partition: Int32, committed: CommittedOffset?) -> String {
        guard let committed, let offset = committed.offset else {
            engine.assign(partition)
            return "partition \(partition): no committed offset, starting fresh"
        }
        do {
            let checkpoint = try OffsetCheckpoint(committedOffset: offset, metadata: committed.metadata)
            let report = engine.assign(partition, from: checkpoint)
            return "partition \(partition): restored \(checkpoint)"
                + (report.windowSpecificationChanged ? " (written under another window specification)" : "")
        } catch {
            engine.assign(partition)
            return "partition \(partition): committed offset \(offset) has no usable checkpoint (\(error)); replaying from it without skipping"
        }
    }

    public mutating func revoke(_ partition: Int32) {
        engine.revoke(partition)
    }

    public mutating func setPaused(_ partition: Int32, _ paused: Bool) {
        engine.setPaused(partition, paused)
    }

    /// The offsets and checkpoint metadata to commit once everything returned so far is produced.
    public func commitOffsets(partitions: [Int32]? = nil) -> [CommittedOffset] {
        (partitions ?? engine.assignedPartitions).compactMap { partition in
            engine.checkpoint(of: partition).map { checkpoint in
                CommittedOffset(
                    TopicPartition(configuration.inputTopic, partition), offset: checkpoint.committedOffset,
                    metadata: checkpoint.metadata)
            }
        }
    }
}
