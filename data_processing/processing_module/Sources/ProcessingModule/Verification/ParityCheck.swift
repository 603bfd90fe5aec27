import Kafka
import MicroBatching
import SharedFunctions

/// Recomputes windows named by results' provenance from the input records and compares them with
/// the stored results, byte for byte. Pure: the caller reads the topics.
///
/// For each (window, key) it takes the input records in the provenance's offset ranges whose key
/// and event time fall in the window, runs them through a fresh ``PipelineProcessor`` (the same
/// decoding, engine and function as `run`), and expects the stored results to be that output,
/// delivered one or more times (at-least-once redelivery repeats it whole). Every record of a
/// closed window lies inside its ranges and none of those records was late, so the recomputation
/// is exact whatever else the partition held.
public struct ParityCheck {
    public let configuration: PipelineConfiguration
    private let eventTime: EventTimeReader

    public init(configuration: PipelineConfiguration) throws(ParityCheckError) {
        guard configuration.engine.time == .eventTime else {
            throw ParityCheckError(
                "pipeline \(configuration.name) uses processing time: its windows depend on arrival times, which are not stored")
        }
        self.configuration = configuration
        eventTime = EventTimeReader(field: configuration.eventTimeField)
    }

    /// The input offsets (per partition, first and last) the outputs need.
    public func inputRanges(of outputs: [StoredRecord]) -> [Int32: ClosedRange<Int64>] {
        var ranges: [Int32: ClosedRange<Int64>] = [:]
        for output in outputs {
            guard let provenance = try? output.provenance(), provenance.pipeline == configuration.name else { continue }
            for range in provenance.inputOffsets {
                let current = ranges[range.partition]
                ranges[range.partition] = min(current?.lowerBound ?? range.first, range.first)...max(current?.upperBound ?? range.last, range.last)
            }
        }
        return ranges
    }

    /// Checks `outputs` (records of the output topic) against `inputs` (records of the input
    /// topic covering ``inputRanges(of:)``, any order). `available` says from which offset each
    /// input partition still holds records (older ones were deleted by retention).
    public func check(outputs: [StoredRecord], inputs: [StoredRecord], available: [Int32: Int64] = [:]) -> ParityReport {
        var report = ParityReport()
        var groups: [WindowIdentity: StoredWindowResults] = [:]
        var order: [WindowIdentity] = []
        for output in outputs {
            let name = "\(output.partition):\(output.offset)"
            let provenance: Provenance
            do {
                provenance = try output.provenance()
            } catch {
                report.unverifiable.append(.init(output: name, reason: error.message))
                continue
            }
            guard provenance.pipeline == configuration.name else {
                report.otherPipelines += 1
                continue
            }
            report.outputsRead += 1
            if let reason = mismatch(provenance) {
                report.unverifiable.append(.init(output: name, reason: reason))
                continue
            }
            let identity = WindowIdentity(
                window: provenance.window, key: provenance.key,
                inputOffsets: configuration.engine.window.isCount ? provenance.inputOffsets : nil)
            if groups[identity] == nil { order.append(identity) }
            groups[identity, default: StoredWindowResults(provenance: provenance)].add(output, name: name, recordCount: provenance.recordCount)
        }
        let byPartition = Dictionary(grouping: inputs, by: \.partition).mapValues { $0.sorted { $0.offset < $1.offset } }
        for identity in order {
            let group = groups[identity]!
            if let missing = group.provenance.inputOffsets.first(where: { $0.first < (available[$0.partition] ?? 0) }) {
                report.unverifiable.append(
                    .init(output: group.names[0], reason: "input offsets \(missing) were deleted (retention); the oldest left is \(available[missing.partition] ?? 0)"))
                continue
            }
            let expected = recompute(group.provenance, byPartition)
            switch group.compare(with: expected) {
            case .identical(let deliveries):
                report.matched += 1
                if deliveries > 1 { report.redelivered += 1 }
            case .different(let reason):
                report.differences.append(.init(window: identity.window, key: identity.key, outputs: group.names, reason: reason))
            }
        }
        return report
    }

    private func mismatch(_ provenance: Provenance) -> String? {
        if provenance.inputTopic != configuration.inputTopic {
            return "its input topic is \(provenance.inputTopic), the pipeline reads \(configuration.inputTopic)"
        }
        if provenance.function != configuration.function.name || provenance.functionVersion != configuration.function.version {
            return "written by \(provenance.function) \(provenance.functionVersion); this build has "
                + "\(configuration.function.name) \(configuration.function.version)"
        }
        let window = provenance.window
        let specification = configuration.engine.window
        if specification.isCount {
            // Bounds are the records' event times; the count is checked by recomputing.
            return provenance.recordCount > Int(specification.size) ? "it holds more records than \(specification)" : nil
        }
        if specification.isSession {
            // A session lies inside one multiple of the maximum duration.
            let bucketStart = EventTime.floor(window.start, toMultipleOf: specification.size)
            if window.end > bucketStart + specification.size {
                return "its window \(window) crosses a multiple of the sessions' maximum duration (\(specification))"
            }
            return nil
        }
        if window.end - window.start != specification.size || window.start.isMultiple(of: specification.advance) == false {
            return "its window \(window) does not fit the configured windows (\(specification))"
        }
        return nil
    }

    /// The window's results recomputed from its input records.
    ///
    /// Session windows: every record of the ranges is fed, in offset order, partition after
    /// partition, each partition starting from the stream time its first input met
    /// (`input_stream_times`). Lateness then falls as it did in `run`: a record of the session's key
    /// at or after the session's start is late exactly when it was (the stream time before the
    /// ranges is at most the first input's event time plus grace), and the session cannot close
    /// before its last input is fed, so it forms exactly as it did.
    ///
    /// Count windows: the key's records of the range, in offset order, are the window (a key's
    /// window is consecutive records of the key in its partition); fed alone they form it again.
    private func recompute(_ provenance: Provenance, _ inputs: [Int32: [StoredRecord]]) -> Recomputed {
        var processor = PipelineProcessor(configuration: configuration, clock: ManualClock(0))
        let sessions = configuration.engine.window.isSession
        if sessions {
            for range in provenance.inputOffsets {
                let streamTime = provenance.inputStreamTimes[range.partition]
                let checkpoint = OffsetCheckpoint(
                    committedOffset: range.first, progressOffset: range.first, streamTime: streamTime, closedThrough: nil,
                    windowSpecification: configuration.engine.window, replayStreamTime: streamTime)
                _ = processor.assign(
                    range.partition,
                    committed: CommittedOffset(
                        TopicPartition(configuration.inputTopic, range.partition), offset: range.first, metadata: checkpoint.metadata))
            }
        }
        var fed = 0
        for range in provenance.inputOffsets.sorted(by: { $0.partition < $1.partition }) {
            for record in inputs[range.partition] ?? [] where (range.first...range.last).contains(record.offset) {
                guard sessions || belongs(record, to: provenance) else { continue }
                fed += 1
                _ = withOptionalBytes(record.key) { key in
                    withOptionalBytes(record.value) { value in
                        processor.ingest(
                            partition: record.partition, offset: record.offset, key: key, value: value,
                            kafkaTimestamp: record.timestamp)
                    }
                }
            }
        }
        let buffered = processor.counters.buffered
        let results = processor.closeAllWindows().compactMap { output -> WindowResult? in
            guard case .result(let result) = output, result.provenance.window == provenance.window else { return nil }
            return result
        }
        let matching =
            if configuration.engine.window.isCount {
                // Fewer than `count` records also form later partial windows; the one starting with
                // the first record holds them all.
                results.filter { $0.provenance.key == provenance.key && $0.provenance.recordCount == buffered }
            } else if sessions {
                results.filter { $0.provenance.key == provenance.key }
            } else {
                results
            }
        return Recomputed(values: matching.map(\.value), recordCount: matching.first?.provenance.recordCount, fed: fed)
    }

    private func belongs(_ record: StoredRecord, to provenance: Provenance) -> Bool {
        if configuration.engine.scope == .key {
            guard record.key.map({ String(decoding: $0, as: UTF8.self) }) == provenance.key else { return false }
        }
        if configuration.engine.window.isCount { return true }
        guard let value = record.value else { return false }
        let time = value.withUnsafeBytes { eventTime.read($0, transportTimestamp: record.timestamp) }
        guard case .success(let eventTime) = time else { return false }
        return provenance.window.contains(eventTime)
    }
}

/// Why a parity check cannot run for a pipeline.
public struct ParityCheckError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
