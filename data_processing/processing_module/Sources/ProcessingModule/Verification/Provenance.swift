import MicroBatching

/// What a result's headers say about where it came from: the pipeline, function and version, the
/// window and key, and the input offsets (per partition, first and last) that fed it.
public struct Provenance: Sendable, Hashable {
    public var pipeline: String
    public var function: String
    public var functionVersion: String
    public var inputTopic: String
    public var window: Window
    public var key: String?
    public var recordCount: Int
    public var inputOffsets: [OffsetRange]

    /// Reads the provenance headers the processor writes; the error names the first bad header.
    public init(_ record: StoredRecord) throws(ProvenanceError) {
        func required(_ name: String) throws(ProvenanceError) -> String {
            guard let value = record.header(name) else { throw ProvenanceError("the header '\(name)' is missing") }
            return value
        }
        func integer(_ name: String) throws(ProvenanceError) -> Int64 {
            let text = try required(name)
            guard let value = Int64(text) else { throw ProvenanceError("the header '\(name)' is not an integer: '\(text)'") }
            return value
        }
        pipeline = try required("pipeline")
        function = try required("function")
        functionVersion = try required("function_version")
        inputTopic = try required("input_topic")
        let start = try integer("window_start")
        let end = try integer("window_end")
        guard let window = Window(start: start, end: end) else {
            throw ProvenanceError("the window [\(start), \(end)) is empty")
        }
        self.window = window
        guard let key = record.key.map({ String(validating: $0, as: UTF8.self) }) ?? .some(nil) else {
            throw ProvenanceError("the key is not valid UTF-8")
        }
        self.key = key
        recordCount = Int(try integer("record_count"))
        inputOffsets = try Self.offsetRanges(try required("input_offsets"))
    }

    /// Parses `partition:first-last` ranges separated by commas (``OffsetRange/description``).
    static func offsetRanges(_ text: String) throws(ProvenanceError) -> [OffsetRange] {
        var ranges: [OffsetRange] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let bounds = parts.count == 2 ? parts[1].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false) : []
            guard parts.count == 2, bounds.count == 2, let partition = Int32(parts[0]), let first = Int64(bounds[0]),
                let last = Int64(bounds[1]), partition >= 0, first >= 0, first <= last
            else { throw ProvenanceError("the header 'input_offsets' has a bad range '\(item)'") }
            ranges.append(OffsetRange(partition: partition, first: first, last: last))
        }
        guard !ranges.isEmpty else { throw ProvenanceError("the header 'input_offsets' is empty") }
        return ranges
    }
}

/// Why a record's provenance headers could not be read.
public struct ProvenanceError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
