import Foundation
import Kafka
import MicroBatching
import SharedFunctions

/// The pure part of a pipeline: decodes each input record, feeds the engine, runs the function on
/// closed windows and says what to produce (results with provenance headers, dead letters) and
/// what to commit. No I/O: the Kafka runner and the replay command both drive it, so they produce
/// the same bytes for the same input.
public struct PipelineProcessor {
    public let configuration: PipelineConfiguration
    public private(set) var engine: MicroBatchEngine<[UInt8]>
    public private(set) var counters = PipelineCounters()
    private let eventTimeReader: EventTimeReader

    /// When true, records of partitions not assigned with ``assign(_:committed:)`` are ignored
    /// (a batch fetched before a revoke may still hold some); replays assign on first sight.
    public var requiresAssignment = false

    public init(configuration: PipelineConfiguration, clock: any EngineClock) {
        self.configuration = configuration
        engine = MicroBatchEngine(configuration: configuration.engine, clock: clock)
        eventTimeReader = EventTimeReader(field: configuration.eventTimeField)
    }

    /// Handles one input record; returns the dead letter it causes, if any.
    public mutating func ingest(
        partition: Int32, offset: Int64, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, kafkaTimestamp: Int64?
    ) -> ProducedRecord? {
        if requiresAssignment, engine.progress(of: partition) == nil {
            counters.ignoredUnassigned += 1
            return nil
        }
        counters.recordsIn += 1
        let keyString: String?
        if let key {
            guard let decoded = String(validating: key, as: UTF8.self) else {
                return reject(.keyNotUTF8, "the key is not valid UTF-8", partition, offset, key, value, kafkaTimestamp)
            }
            keyString = decoded
        } else {
            keyString = nil
        }
        guard let value else {
            return reject(.nullValue, "the value is null (a tombstone)", partition, offset, key, value, kafkaTimestamp)
        }
        let eventTime: Int64
        switch eventTimeReader.read(value, transportTimestamp: kafkaTimestamp) {
        case .success(let time): eventTime = time
        case .failure(let failure):
            return reject(failure.kind, failure.message, partition, offset, key, value, kafkaTimestamp)
        }
        let bytes = Array(value)
        do {
            try configuration.function.validate(record: bytes)
        } catch {
            return reject(.invalidInput, error.message, partition, offset, key, value, kafkaTimestamp)
        }
        let outcome = engine.ingest(
            InputRecord(
                partition: partition, offset: offset, key: keyString, eventTime: eventTime, payload: bytes,
                byteCount: bytes.count, writtenAt: kafkaTimestamp))
        switch outcome {
        case .buffered:
            counters.buffered += 1
            return nil
        case .alreadyHandled, .duplicate:
            counters.skipped += 1
            return nil
        case .rejected(let rejection):
            counters.deadLettered += 1
            return deadLetter(DeadLetterKind(rejection), rejection.description, partition, offset, key, value, kafkaTimestamp)
        case .late(let late):
            counters.late += 1
            guard configuration.latePolicy == .deadLetter else { return nil }
            var record = deadLetter(
                .late, "every window of the record had closed; it arrived \(late.lateness) ms after \(late.window) closed",
                partition, offset, key, value, kafkaTimestamp)
            record.headers += [
                KafkaHeader("window_start", "\(late.window.start)"), KafkaHeader("window_end", "\(late.window.end)"),
                KafkaHeader("lateness_ms", "\(late.lateness)"),
            ]
            return record
        }
    }

    /// Closes what stream time (and the idle rule) allow and returns the results and dead letters
    /// to produce, in the engine's order.
    public mutating func closeWindows() -> [ProducedRecord] {
        produce(engine.closeWindows())
    }

    /// Closes every window (end of input).
    public mutating func closeAllWindows() -> [ProducedRecord] {
        produce(engine.closeAllWindows())
    }

    private mutating func produce(_ closed: [ClosedBatch<[UInt8]>]) -> [ProducedRecord] {
        var records: [ProducedRecord] = []
        for batch in closed {
            counters.windowsClosed += 1
            let provenance = provenanceHeaders(batch)
            let started = ContinuousClock.now
            defer { counters.functionLatency.record(seconds: Self.seconds(ContinuousClock.now - started)) }
            do {
                for output in try configuration.function.run(batch.batch) {
                    counters.recordsOut += 1
                    records.append(
                        ProducedRecord(
                            topic: configuration.outputTopic, key: batch.batch.key.map { Array($0.utf8) }, value: output,
                            headers: provenance, timestamp: batch.batch.window.end))
                }
            } catch {
                counters.functionFailures += 1
                for record in batch.batch.records {
                    counters.deadLettered += 1
                    var letter = ProducedRecord(
                        topic: configuration.deadLetterTopic, key: record.key.map { Array($0.utf8) }, value: record.value,
                        headers: deadLetterHeaders(.functionFailed, error.description, record.partition, record.offset),
                        timestamp: record.eventTime)
                    letter.headers += provenance
                    records.append(letter)
                }
            }
        }
        return records
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Provenance of a window's results: function, version, pipeline, window bounds, record count,
    /// close reason and the input offsets per partition.
    private func provenanceHeaders(_ closed: ClosedBatch<[UInt8]>) -> [KafkaHeader] {
        [
            KafkaHeader("function", configuration.function.name),
            KafkaHeader("function_version", configuration.function.version),
            KafkaHeader("pipeline", configuration.name),
            KafkaHeader("input_topic", configuration.inputTopic),
            KafkaHeader("window_start", "\(closed.batch.window.start)"),
            KafkaHeader("window_end", "\(closed.batch.window.end)"),
            KafkaHeader("record_count", "\(closed.batch.records.count)"),
            KafkaHeader("close_reason", closed.reason.rawValue),
            KafkaHeader("input_offsets", closed.offsetRanges.map(\.description).joined(separator: ",")),
        ]
    }

    private mutating func reject(
        _ kind: DeadLetterKind, _ message: String, _ partition: Int32, _ offset: Int64, _ key: UnsafeRawBufferPointer?,
        _ value: UnsafeRawBufferPointer?, _ timestamp: Int64?
    ) -> ProducedRecord? {
        // Records handled before a restore were dead-lettered then; do not repeat them.
        guard engine.recordHandledOutside(partition: partition, offset: offset) == .fresh else {
            counters.skipped += 1
            return nil
        }
        counters.deadLettered += 1
        return deadLetter(kind, message, partition, offset, key, value, timestamp)
    }

    private func deadLetter(
        _ kind: DeadLetterKind, _ message: String, _ partition: Int32, _ offset: Int64, _ key: UnsafeRawBufferPointer?,
        _ value: UnsafeRawBufferPointer?, _ timestamp: Int64?
    ) -> ProducedRecord {
        ProducedRecord(
            topic: configuration.deadLetterTopic, key: key.map(Array.init), value: value.map(Array.init),
            headers: deadLetterHeaders(kind, message, partition, offset), timestamp: timestamp)
    }

    private func deadLetterHeaders(_ kind: DeadLetterKind, _ message: String, _ partition: Int32, _ offset: Int64) -> [KafkaHeader] {
        [
            KafkaHeader("error_kind", kind.rawValue), KafkaHeader("error_message", message),
            KafkaHeader("pipeline", configuration.name), KafkaHeader("source_topic", configuration.inputTopic),
            KafkaHeader("source_partition", "\(partition)"), KafkaHeader("source_offset", "\(offset)"),
        ]
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

/// Counts of what a pipeline did, for metrics and the progress line. The identity
/// `recordsIn == buffered + late + deadLettered(input) + skipped` holds for input records.
public struct PipelineCounters: Sendable, Equatable {
    public var recordsIn = 0
    public var buffered = 0
    public var late = 0
    public var deadLettered = 0
    public var skipped = 0
    public var windowsClosed = 0
    public var recordsOut = 0
    public var functionFailures = 0
    /// Records of partitions no longer assigned, fetched before the revoke (not counted as input).
    public var ignoredUnassigned = 0
    /// Time spent in the function per closed window (measurement only; it never affects outputs).
    public var functionLatency = LatencyHistogram()
}
