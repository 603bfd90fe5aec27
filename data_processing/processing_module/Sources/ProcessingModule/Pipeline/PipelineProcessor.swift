import Foundation
import Kafka
import MicroBatching
import SharedFunctions

/// The pure part of a pipeline: offers each input record to the function's pipeline
/// (``SharedFunctions/FunctionPipeline``, shared with the notebook runs: one scan per record into
/// the function's typed input), and says what to produce (typed ``PipelineOutput``s) and what to
/// commit. No I/O of its own: the Kafka runner, `replay` and `verify` all drive it, so they produce
/// the same bytes for the same input; the original bytes of a failed batch come from its
/// ``OriginalRecordSource``.
public struct PipelineProcessor {
    public let configuration: PipelineConfiguration
    public private(set) var counters = PipelineCounters()
    /// Time spent in the function per closed window since the last ``takeFunctionDurations()``
    /// (measurement only; it never affects outputs).
    public private(set) var functionDurations: [Duration] = []
    /// Where a failed batch's original records come from; without one their dead letters carry
    /// coordinates and key but no value.
    public var originals: (any OriginalRecordSource)?
    var pipeline: any FunctionPipeline
    private let clock: any EngineClock

    /// When true, records of partitions not assigned with ``assign(_:committed:)`` are ignored
    /// (a batch fetched before a revoke may still hold some); replays assign on first sight.
    public var requiresAssignment = false { didSet { lastChecked = nil } }
    /// The last partition checked against ``requiresAssignment`` and whether it was assigned: polled
    /// records come in runs of one partition, and the check reads a copy of the pipeline.
    /// Cleared by every assignment change.
    var lastChecked: (partition: Int32, assigned: Bool)?

    public init(configuration: PipelineConfiguration, clock: any EngineClock, originals: (any OriginalRecordSource)? = nil) {
        self.configuration = configuration
        self.clock = clock
        self.originals = originals
        pipeline = configuration.function.makePipeline(
            layout: RecordLayout(eventTimeField: configuration.eventTimeField), engine: configuration.engine, clock: clock)
    }

    /// Handles one input record; returns the dead letter it causes, if any. `now` is the engine
    /// clock read once for the polled batch (default: read now).
    public mutating func ingest(
        partition: Int32, offset: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, kafkaTimestamp: Int64?,
        now: Int64? = nil
    ) -> PipelineOutput? {
        if requiresAssignment, !isAssigned(partition) {
            counters.ignoredUnassigned += 1
            return nil
        }
        counters.recordsIn += 1
        let decision = pipeline.offer(
            key: key, value: value, transportTimestamp: kafkaTimestamp, partition: partition, offset: offset,
            writtenAt: kafkaTimestamp, now: now ?? clock.now())
        switch decision {
        case .buffered:
            counters.buffered += 1
            if originals?.keepsRecords == true {
                originals?.keep(
                    StoredRecord(
                        partition: partition, offset: offset, timestamp: kafkaTimestamp, key: key.map(Array.init),
                        value: value.map(Array.init)))
            }
            return nil
        case .skipped:
            counters.skipped += 1
            return nil
        case .refused(let refusal):
            counters.refused += 1
            counters.deadLettered += 1
            let source = SourceCoordinates(topic: configuration.inputTopic, partition: partition, offset: offset)
            return .deadLetter(deadLetter(refusal, source, key: key.map(Array.init), value: value.map(Array.init), kafkaTimestamp))
        case .late(let late):
            counters.late += 1
            guard configuration.latePolicy == .deadLetter else { return nil }
            let message = "every window of the record had closed; it arrived \(late.lateness) ms after \(late.window) closed"
            let source = SourceCoordinates(topic: configuration.inputTopic, partition: partition, offset: offset)
            var letter = deadLetter(
                RecordRefusal(.late, message), source, key: key.map(Array.init), value: value.map(Array.init), kafkaTimestamp)
            letter.missed = late
            return .deadLetter(letter)
        }
    }

    private mutating func isAssigned(_ partition: Int32) -> Bool {
        if let lastChecked, lastChecked.partition == partition { return lastChecked.assigned }
        let assigned = pipeline.isAssigned(partition)
        lastChecked = (partition, assigned)
        return assigned
    }

    /// Closes what stream time (and the idle rule, at `now`) allow and returns the results and
    /// dead letters to produce, in the engine's order.
    public mutating func closeWindows(now: Int64? = nil) -> [PipelineOutput] {
        produce(pipeline.closeWindows(now: now ?? clock.now()))
    }

    /// Closes every window (end of input).
    public mutating func closeAllWindows() -> [PipelineOutput] {
        produce(pipeline.closeAllWindows())
    }

    /// The function durations measured since the last call.
    public mutating func takeFunctionDurations() -> [Duration] {
        defer { functionDurations.removeAll(keepingCapacity: true) }
        return functionDurations
    }

    private mutating func produce(_ closed: [ClosedWindow]) -> [PipelineOutput] {
        let failed = closed.flatMap { window in
            window.failedRecords.map { RecordAddress(partition: $0.partition, offset: $0.offset) }
        }
        let (found, unavailable) = failed.isEmpty ? ([:], nil) : readOriginals(failed)
        var outputs: [PipelineOutput] = []
        for window in closed {
            counters.windowsClosed += 1
            functionDurations.append(window.functionDuration)
            var provenance = Provenance(
                pipeline: configuration.name, function: configuration.function.name,
                functionVersion: configuration.function.version, inputTopic: configuration.inputTopic, window: window.window,
                key: window.key, recordCount: window.recordCount, closeReason: window.reason, inputOffsets: window.offsetRanges)
            provenance.inputStreamTimes = window.inputStreamTimes
            switch window.outcome {
            case .success(let values):
                counters.recordsOut += values.count
                outputs += values.map { .result(WindowResult(topic: configuration.outputTopic, value: $0, provenance: provenance)) }
            case .failure(let error):
                counters.functionFailures += 1
                for record in window.failedRecords {
                    counters.failedBatchRecords += 1
                    counters.deadLettered += 1
                    let source = SourceCoordinates(topic: configuration.inputTopic, partition: record.partition, offset: record.offset)
                    let original = found[RecordAddress(partition: record.partition, offset: record.offset)]
                    let message =
                        original == nil ? "\(error.description); \(unavailable ?? "its original value was not kept")" : error.description
                    var letter = deadLetter(
                        RecordRefusal(.functionFailed, message), source,
                        key: original.map(\.key) ?? record.key.map { Array($0.utf8) }, value: original?.value, record.eventTime)
                    letter.provenance = provenance
                    outputs.append(.deadLetter(letter))
                }
            }
        }
        if originals?.keepsRecords == true, !closed.isEmpty {
            let committable = Dictionary(uniqueKeysWithValues: commitOffsets().map { ($0.topicPartition.partition, $0.offset ?? 0) })
            originals?.release(below: committable)
        }
        return outputs
    }

    /// The original records of a failed batch, and what to say for those not found.
    private mutating func readOriginals(_ addresses: [RecordAddress]) -> ([RecordAddress: StoredRecord], String?) {
        guard var source = originals else { return ([:], "its original value was not kept (no original record source)") }
        defer { originals = source }
        do {
            return (try source.originals(of: addresses), "its original value is no longer in \(configuration.inputTopic)")
        } catch {
            return ([:], "its original value could not be read back from \(configuration.inputTopic): \(error)")
        }
    }

    private func deadLetter(
        _ refusal: RecordRefusal, _ source: SourceCoordinates, key: [UInt8]?, value: [UInt8]?, _ timestamp: Int64?
    ) -> DeadLetter {
        DeadLetter(
            topic: configuration.deadLetterTopic, kind: refusal.kind, message: refusal.message, pipeline: configuration.name,
            source: source, key: key, value: value, timestamp: timestamp)
    }
}
