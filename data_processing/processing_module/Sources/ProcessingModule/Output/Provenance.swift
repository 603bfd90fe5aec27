import MicroBatching

/// Where a window's result came from: the pipeline, function and version, the input topic, the
/// window and key, how many records fed it, why it closed, and the input offsets (per partition,
/// first and last). Written into every result's headers and read back by `verify`, both through
/// ``OutputHeaders``; the offsets let anyone recompute the window from the input topic.
public struct Provenance: Sendable, Hashable {
    public var pipeline: String
    public var function: String
    public var functionVersion: String
    public var inputTopic: String
    /// Half-open `[start, end)` in ms of event time.
    public var window: Window
    /// The batch key (`nil` in `global` scope).
    public var key: String?
    public var recordCount: Int
    public var closeReason: CloseReason
    public var inputOffsets: [OffsetRange]
    /// Session windows: per partition, the stream time when the window's first input of that
    /// partition arrived (absent: none preceded it), so `verify` judges lateness as `run` did.
    public var inputStreamTimes: [Int32: Int64] = [:]

    public init(
        pipeline: String, function: String, functionVersion: String, inputTopic: String, window: Window, key: String?,
        recordCount: Int, closeReason: CloseReason, inputOffsets: [OffsetRange]
    ) {
        self.pipeline = pipeline
        self.function = function
        self.functionVersion = functionVersion
        self.inputTopic = inputTopic
        self.window = window
        self.key = key
        self.recordCount = recordCount
        self.closeReason = closeReason
        self.inputOffsets = inputOffsets
    }

    /// `partition:stream time` pairs separated by commas, by partition.
    public static func describe(streamTimes: [Int32: Int64]) -> String {
        streamTimes.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }

    /// Parses ``describe(streamTimes:)``.
    public static func streamTimes(_ text: String) throws(ProvenanceError) -> [Int32: Int64] {
        var times: [Int32: Int64] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let partition = Int32(parts[0]), let time = Int64(parts[1]), partition >= 0 else {
                throw ProvenanceError("the header 'input_stream_times' has a bad entry '\(item)'")
            }
            times[partition] = time
        }
        return times
    }

    /// Parses `partition:first-last` ranges separated by commas (``OffsetRange/description``).
    public static func offsetRanges(_ text: String) throws(ProvenanceError) -> [OffsetRange] {
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
