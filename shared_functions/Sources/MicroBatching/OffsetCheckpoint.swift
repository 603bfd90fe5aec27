/// Everything needed to resume one partition exactly: the offset to commit to Kafka and, in the
/// commit's metadata string, the engine's progress on that partition.
///
/// - `committedOffset`: the low-water offset, the lowest offset still held by an open window (or
///   the next offset to read when none is open). Consumption resumes here.
/// - `progressOffset`: the offset after the last record whose fate is decided (emitted,
///   dead-lettered or buffered). On replay, records below it whose windows are closed are skipped.
/// - `streamTime` and `closedThrough`: the partition's stream time and the end up to which every
///   window is closed (`nil` before the first record).
///
/// - `replayStreamTime` (session windows): the partition's stream time when the record at the
///   committed offset arrived. A record's lateness depends on the stream time at its arrival; a
///   replay starts from this value and recomputes it record by record, so it decides as the first
///   run did.
///
/// - `countWindowStarts` (count windows): the offset of each key's first held record, where its
///   oldest open window begins. A replay from the committed offset reads the record at each start
///   and so learns whose windows begin there; every other replayed record was emitted. One offset
///   per key with open windows, written as differences (a few bytes each): the metadata grows
///   with those keys, and Kafka keeps 4,096 bytes by default (`offset.metadata.max.bytes`).
///
/// The metadata is a compact, versioned string; for fixed and session windows at most
/// ``maximumMetadataLength`` bytes, well within Kafka's default 4 KB `offset.metadata.max.bytes`:
/// - version 1 (fixed windows): `mb1;<progress>;<stream>;<closed>;<size>/<advance>/<grace>`;
/// - version 2 (session windows): `mb2;<progress>;<stream>;<closed>;<size>/<advance>/<grace>/<gap>;<replay stream>`;
/// - version 3 (count windows): `mb3;<progress>;<stream>;;<count>/<advance>;<starts>`, the starts
///   as comma-separated differences, the first from the committed offset, each next from the one
///   before.
///
/// All are read; each window kind writes its own, so fixed-window checkpoints are unchanged.
public struct OffsetCheckpoint: Sendable, Hashable, CustomStringConvertible {
    /// The newest metadata format version this build writes and reads (it reads every older one).
    public static let currentVersion = 3
    /// Upper bound of ``metadata``'s length in bytes, count windows aside.
    public static let maximumMetadataLength = 512
    /// The longest count-window metadata read back (Kafka's default limit is 4,096 bytes; a
    /// cluster may raise it).
    public static let maximumCountMetadataLength = 1 << 20

    public var committedOffset: Int64
    public var progressOffset: Int64
    public var streamTime: Int64?
    public var closedThrough: Int64?
    /// The window specification in force when the checkpoint was taken.
    public var windowSpecification: WindowSpecification
    /// Session windows: the stream time when the record at the committed offset arrived.
    public var replayStreamTime: Int64?
    /// Count windows: where the keys' open windows begin, ascending (offsets at or above the
    /// committed one).
    public var countWindowStarts: [Int64]?

    public init(
        committedOffset: Int64, progressOffset: Int64, streamTime: Int64?, closedThrough: Int64?,
        windowSpecification: WindowSpecification, replayStreamTime: Int64? = nil, countWindowStarts: [Int64]? = nil
    ) {
        self.committedOffset = committedOffset
        self.progressOffset = progressOffset
        self.streamTime = streamTime
        self.closedThrough = closedThrough
        self.windowSpecification = windowSpecification
        self.replayStreamTime = replayStreamTime
        self.countWindowStarts = countWindowStarts
    }

    /// The string stored in Kafka's offset-commit metadata.
    public var metadata: String {
        let window = windowSpecification
        if window.isCount {
            var previous = committedOffset
            let starts = (countWindowStarts ?? []).map { start in
                defer { previous = start }
                return String(start - previous)
            }
            return "mb3;\(progressOffset);\(streamTime.map(String.init) ?? "");;\(window.size)/\(window.advance);"
                + starts.joined(separator: ",")
        }
        let common = "\(progressOffset);\(streamTime.map(String.init) ?? "");\(closedThrough.map(String.init) ?? "");"
            + "\(window.size)/\(window.advance)/\(window.grace)"
        guard let gap = window.gap else { return "mb1;" + common }
        return "mb2;" + common + "/\(gap);\(replayStreamTime.map(String.init) ?? "")"
    }

    public var description: String { "offset \(committedOffset) [\(metadata)]" }

    /// Decodes the metadata committed with `committedOffset`.
    ///
    /// Throws ``CheckpointError`` for metadata this product did not write, for a newer version,
    /// and for corrupt fields; the message says what to do.
    public init(committedOffset: Int64, metadata: String) throws(CheckpointError) {
        let limit = metadata.hasPrefix("mb3;") ? Self.maximumCountMetadataLength : Self.maximumMetadataLength
        guard metadata.utf8.count <= limit else {
            throw CheckpointError(.notACheckpoint, "metadata is \(metadata.utf8.count) bytes, longer than any checkpoint", metadata: metadata)
        }
        let fields = metadata.split(separator: ";", omittingEmptySubsequences: false)
        guard let versionField = fields.first, versionField.hasPrefix("mb"), let version = Int(versionField.dropFirst(2))
        else {
            throw CheckpointError(.notACheckpoint, "metadata does not start with 'mb<version>'", metadata: metadata)
        }
        guard (1...Self.currentVersion).contains(version) else {
            throw CheckpointError(
                .unsupportedVersion,
                "checkpoint version \(version) is not supported by this build (it reads versions 1 to \(Self.currentVersion)); "
                    + "run a build that supports it or reset the consumer group's offsets",
                metadata: metadata)
        }
        let expectedFields = version == 1 ? 5 : 6
        guard fields.count == expectedFields else {
            throw CheckpointError(
                .malformed, "expected \(expectedFields) fields separated by ';', found \(fields.count)", metadata: metadata)
        }
        func integer(_ index: Int, _ name: String) throws(CheckpointError) -> Int64? {
            let field = fields[index]
            if field.isEmpty { return nil }
            guard let value = Int64(field) else {
                throw CheckpointError(.malformed, "\(name) '\(field)' is not an integer", metadata: metadata)
            }
            return value
        }
        guard let progress = try integer(1, "progress offset") else {
            throw CheckpointError(.malformed, "progress offset is missing", metadata: metadata)
        }
        let window = fields[4].split(separator: "/", omittingEmptySubsequences: false).map { Int64($0) }
        let specification: WindowSpecification?
        switch (version, window.count) {
        case (1, 3), (2, 3):
            specification = window.allSatisfy { $0 != nil }
                ? try? WindowSpecification(size: window[0]!, advance: window[1]!, grace: window[2]!) : nil
        case (2, 4):
            specification = window.allSatisfy { $0 != nil } && window[0] == window[1]
                ? try? WindowSpecification(gap: window[3]!, grace: window[2]!, maximumDuration: window[0]!) : nil
        case (3, 2):
            specification = window.allSatisfy { $0 != nil } ? try? WindowSpecification(recordCount: window[0]!, advance: window[1]!) : nil
        default:
            specification = nil
        }
        guard let specification else {
            throw CheckpointError(
                .malformed,
                "window '\(fields[4])' is not a valid "
                    + (version == 3 ? "count/advance" : "size/advance/grace\(version == 2 ? "[/gap]" : "")"),
                metadata: metadata)
        }
        let replayStreamTime = version == 2 ? try integer(5, "replay stream time") : nil
        var countWindowStarts: [Int64]?
        if version == 3 {
            var previous = committedOffset
            countWindowStarts = try fields[5].split(separator: ",").map { field throws(CheckpointError) in
                guard let difference = Int64(field), difference >= 0, difference <= Int64.max - previous else {
                    throw CheckpointError(
                        .malformed, "count window start '\(field)' is not a difference of 0 or more to the previous start",
                        metadata: metadata)
                }
                previous += difference
                return previous
            }
        }
        let streamTime = try integer(2, "stream time")
        let closedThrough = try integer(3, "closed-through")
        let plausible: ClosedRange<Int64> = (-(1 << 62))...(1 << 62)
        for (name, value) in [("stream time", streamTime), ("closed-through", closedThrough), ("replay stream time", replayStreamTime)] {
            if let value, !plausible.contains(value) {
                throw CheckpointError(.malformed, "\(name) \(value) is outside any supported event time", metadata: metadata)
            }
        }
        guard progress >= committedOffset else {
            throw CheckpointError(
                .malformed, "progress offset \(progress) is below the committed offset \(committedOffset)", metadata: metadata)
        }
        self.init(
            committedOffset: committedOffset, progressOffset: progress, streamTime: streamTime,
            closedThrough: closedThrough, windowSpecification: specification, replayStreamTime: replayStreamTime,
            countWindowStarts: countWindowStarts)
    }
}

/// Why committed offset metadata could not be read as a checkpoint.
public struct CheckpointError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The metadata was not written by this product (or is empty).
        case notACheckpoint = "not_a_checkpoint"
        /// Written by a newer (or unknown) format version.
        case unsupportedVersion = "unsupported_version"
        /// The right format, but a field is corrupt.
        case malformed
    }

    public let code: Code
    public let message: String
    /// The metadata that was read (checkpoints hold no secrets).
    public let metadata: String

    init(_ code: Code, _ message: String, metadata: String) {
        self.code = code
        self.message = message
        self.metadata = metadata
    }

    public var description: String { "\(code.rawValue): \(message) (metadata '\(metadata)')" }
}
