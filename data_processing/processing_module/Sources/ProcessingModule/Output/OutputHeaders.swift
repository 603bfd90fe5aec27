import Kafka
import MicroBatching
import SharedFunctions

/// The one codec between typed outputs and Kafka headers. Results carry their ``Provenance``;
/// dead letters their kind, message, pipeline and source coordinates, plus the missed window of a
/// late record or the provenance of a failed batch. Header names and order are part of the output
/// format (README, "Running pipelines").
public enum OutputHeaders {
    // MARK: Results

    /// `function`, `function_version`, `pipeline`, `input_topic`, `window_start`, `window_end`,
    /// `record_count`, `close_reason`, `input_offsets` (`partition:first-last,...`); session
    /// windows add `input_stream_times` (`partition:ms,...`) when a stream time preceded them.
    public static func encode(_ provenance: Provenance) -> [KafkaHeader] {
        var headers = [
            KafkaHeader("function", provenance.function),
            KafkaHeader("function_version", provenance.functionVersion),
            KafkaHeader("pipeline", provenance.pipeline),
            KafkaHeader("input_topic", provenance.inputTopic),
            KafkaHeader("window_start", "\(provenance.window.start)"),
            KafkaHeader("window_end", "\(provenance.window.end)"),
            KafkaHeader("record_count", "\(provenance.recordCount)"),
            KafkaHeader("close_reason", provenance.closeReason.rawValue),
            KafkaHeader("input_offsets", provenance.inputOffsets.map(\.description).joined(separator: ",")),
        ]
        if !provenance.inputStreamTimes.isEmpty {
            headers.append(KafkaHeader("input_stream_times", Provenance.describe(streamTimes: provenance.inputStreamTimes)))
        }
        return headers
    }

    /// Reads a result's provenance from its headers and key; the error names the first bad header.
    public static func provenance(_ headers: [KafkaHeader], key: [UInt8]?) throws(ProvenanceError) -> Provenance {
        let fields = HeaderFields(headers)
        let start = try fields.integer("window_start")
        let end = try fields.integer("window_end")
        guard let window = Window(start: start, end: end) else { throw ProvenanceError("the window [\(start), \(end)) is empty") }
        var keyText: String?
        if let key {
            guard let text = String(validating: key, as: UTF8.self) else { throw ProvenanceError("the key is not valid UTF-8") }
            keyText = text
        }
        let reasonText = try fields.required("close_reason")
        guard let reason = CloseReason(rawValue: reasonText) else {
            throw ProvenanceError("the header 'close_reason' is not one of \(CloseReason.allCases.map(\.rawValue)): '\(reasonText)'")
        }
        var provenance = Provenance(
            pipeline: try fields.required("pipeline"), function: try fields.required("function"),
            functionVersion: try fields.required("function_version"), inputTopic: try fields.required("input_topic"),
            window: window, key: keyText, recordCount: Int(try fields.integer("record_count")), closeReason: reason,
            inputOffsets: try Provenance.offsetRanges(try fields.required("input_offsets")))
        if let streamTimes = fields["input_stream_times"] {
            provenance.inputStreamTimes = try Provenance.streamTimes(streamTimes)
        }
        return provenance
    }

    // MARK: Dead letters

    /// `error_kind`, `error_message`, `pipeline`, `source_topic`, `source_partition`,
    /// `source_offset`; then `window_start`, `window_end`, `lateness_ms` for a late record, or the
    /// batch's provenance headers for a failed function.
    public static func encode(_ letter: DeadLetter) -> [KafkaHeader] {
        var headers = [
            KafkaHeader("error_kind", letter.kind.rawValue), KafkaHeader("error_message", letter.message),
            KafkaHeader("pipeline", letter.pipeline), KafkaHeader("source_topic", letter.source.topic),
            KafkaHeader("source_partition", "\(letter.source.partition)"), KafkaHeader("source_offset", "\(letter.source.offset)"),
        ]
        if let missed = letter.missed {
            headers += [
                KafkaHeader("window_start", "\(missed.window.start)"), KafkaHeader("window_end", "\(missed.window.end)"),
                KafkaHeader("lateness_ms", "\(missed.lateness)"),
            ]
        }
        if let provenance = letter.provenance { headers += encode(provenance) }
        return headers
    }

    /// Reads a stored record back as the output it was: a dead letter when it has `error_kind`,
    /// otherwise a result. A failed batch's provenance takes its key from the record: the batch
    /// key in `key` scope (in `global` scope the batch had none).
    public static func decode(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], timestamp: Int64?)
        throws(ProvenanceError) -> PipelineOutput
    {
        let fields = HeaderFields(headers)
        guard let kindText = fields["error_kind"] else {
            return .result(WindowResult(topic: topic, value: value ?? [], provenance: try provenance(headers, key: key)))
        }
        guard let kind = DeadLetterKind(rawValue: kindText) else {
            throw ProvenanceError("the header 'error_kind' is not a known kind: '\(kindText)'")
        }
        var letter = DeadLetter(
            topic: topic, kind: kind, message: try fields.required("error_message"), pipeline: try fields.required("pipeline"),
            source: SourceCoordinates(
                topic: try fields.required("source_topic"), partition: Int32(try fields.integer("source_partition")),
                offset: try fields.integer("source_offset")),
            key: key, value: value, timestamp: timestamp)
        if kind == .late, let start = fields["window_start"].flatMap(Int64.init), let end = fields["window_end"].flatMap(Int64.init),
            let window = Window(start: start, end: end)
        {
            letter.missed = LateArrival(window: window, lateness: try fields.integer("lateness_ms"))
        }
        if kind == .functionFailed { letter.provenance = try provenance(headers, key: key) }
        return .deadLetter(letter)
    }
}

/// Header values by name; the first header of a name wins (a failed batch's dead letter repeats
/// `pipeline`, with the same value).
private struct HeaderFields {
    private var values: [String: String] = [:]

    init(_ headers: [KafkaHeader]) {
        for header in headers where values[header.name] == nil { values[header.name] = header.stringValue }
    }

    subscript(name: String) -> String? { values[name] }

    func required(_ name: String) throws(ProvenanceError) -> String {
        guard let value = values[name] else { throw ProvenanceError("the header '\(name)' is missing") }
        return value
    }

    func integer(_ name: String) throws(ProvenanceError) -> Int64 {
        let text = try required(name)
        guard let value = Int64(text) else { throw ProvenanceError("the header '\(name)' is not an integer: '\(text)'") }
        return value
    }
}
