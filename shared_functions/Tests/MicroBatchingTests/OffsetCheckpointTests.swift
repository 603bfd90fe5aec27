import Testing

@testable import MicroBatching

@Suite("Offset checkpoint encoding")
struct OffsetCheckpointTests {
    let window = try! WindowSpecification(size: 300_000, advance: 60_000, grace: 5_000)

    @Test(
        "checkpoints round-trip through their metadata string",
        arguments: [
            (0, 0, nil, nil),
            (17, 42, 1_700_000_000_000, 1_699_999_995_000),
            (Int64.max - 1, Int64.max, 1 << 62, -(1 << 62)),
            (5, 5, -1, -5_001),
        ] as [(Int64, Int64, Int64?, Int64?)])
    func roundTrip(committed: Int64, progress: Int64, streamTime: Int64?, closedThrough: Int64?) throws {
        let checkpoint = OffsetCheckpoint(
            committedOffset: committed, progressOffset: progress, streamTime: streamTime, closedThrough: closedThrough,
            windowSpecification: window)
        let metadata = checkpoint.metadata
        #expect(metadata.hasPrefix("mb1;"))
        #expect(metadata.utf8.count <= OffsetCheckpoint.maximumMetadataLength)
        #expect(try OffsetCheckpoint(committedOffset: committed, metadata: metadata) == checkpoint)
    }

    @Test(
        "session checkpoints round-trip as version 2, with the stream time a replay starts from",
        arguments: [nil, 1_700_000_000_000, -3] as [Int64?])
    func sessionRoundTrip(replayStreamTime: Int64?) throws {
        let checkpoint = OffsetCheckpoint(
            committedOffset: 7, progressOffset: 12, streamTime: 1_700_000_100_000, closedThrough: 1_700_000_040_000,
            windowSpecification: try .session(gap: 1_800_000, grace: 60_000), replayStreamTime: replayStreamTime)
        let metadata = checkpoint.metadata
        #expect(metadata.hasPrefix("mb2;") && metadata.contains("/1800000;"))
        #expect(try OffsetCheckpoint(committedOffset: 7, metadata: metadata) == checkpoint)
    }

    @Test(
        "count-window checkpoints round-trip as version 3, with the keys' starts as differences",
        arguments: [([], ""), ([7], "0"), ([7, 8, 1_000_007], "0,1,999999")] as [([Int64], String)])
    func countRoundTrip(starts: [Int64], written: String) throws {
        let checkpoint = OffsetCheckpoint(
            committedOffset: 7, progressOffset: 1_000_012, streamTime: 1_700_000_100_000, closedThrough: nil,
            windowSpecification: try .count(100, advance: 20), countWindowStarts: starts)
        let metadata = checkpoint.metadata
        #expect(metadata == "mb3;1000012;1700000100000;;100/20;\(written)")
        #expect(try OffsetCheckpoint(committedOffset: 7, metadata: metadata) == checkpoint)
    }

    @Test("a version 1 checkpoint written before sessions existed still decodes, unchanged")
    func versionOneStillDecodes() throws {
        let checkpoint = try OffsetCheckpoint(committedOffset: 5, metadata: "mb1;9;1000;900;300000/60000/5000")
        #expect(checkpoint.progressOffset == 9 && checkpoint.closedThrough == 900 && checkpoint.replayStreamTime == nil)
        #expect(checkpoint.windowSpecification == window && checkpoint.metadata == "mb1;9;1000;900;300000/60000/5000")
    }

    @Test("the longest possible metadata fits the bound")
    func sizeBound() throws {
        let widest = OffsetCheckpoint(
            committedOffset: .min, progressOffset: .min, streamTime: .min, closedThrough: .min,
            windowSpecification: try WindowSpecification(
                size: EventTime.maximumDuration, advance: EventTime.maximumDuration, grace: EventTime.maximumDuration))
        #expect(widest.metadata.utf8.count < 120)
        let widestSession = OffsetCheckpoint(
            committedOffset: .min, progressOffset: .min, streamTime: .min, closedThrough: .min,
            windowSpecification: try .session(
                gap: EventTime.maximumDuration, grace: EventTime.maximumDuration, maximumDuration: EventTime.maximumDuration),
            replayStreamTime: .min)
        #expect(widestSession.metadata.utf8.count < 160)
    }

    @Test(
        "garbage, unknown versions and corrupt fields are refused with a reason",
        arguments: [
            ("", CheckpointError.Code.notACheckpoint, "mb<version>"),
            ("hello", .notACheckpoint, "mb<version>"),
            ("{\"offset\": 3}", .notACheckpoint, "mb<version>"),
            (String(repeating: "x", count: 600), .notACheckpoint, "600 bytes"),
            ("mb4;1;2;3;300000/300000/0", .unsupportedVersion, "version 4"),
            ("mb3;10;2;;100/200;0", .malformed, "window '100/200' is not a valid count/advance"),
            ("mb3;10;2;;100/20;0,-1", .malformed, "count window start '-1'"),
            ("mb3;10;2;;100/20;x", .malformed, "count window start 'x'"),
            ("mb3;10;2;;100/20", .malformed, "6 fields"),
            ("mb2;1;2;3;300000/300000/0", .malformed, "6 fields"),
            ("mb2;10;2;3;300000/300000/0/400000;", .malformed, "window '300000/300000/0/400000'"),
            ("mb2;10;2;3;300000/60000/0/1000;", .malformed, "window"),
            ("mb1;10;2;3;300000/300000/0/1000", .malformed, "window"),
            ("mb2;10;2;3;300000/300000/0/1000;q", .malformed, "replay stream time 'q'"),
            ("mb1;1;2;3", .malformed, "5 fields"),
            ("mb1;x;2;3;300000/300000/0", .malformed, "progress offset 'x'"),
            ("mb1;;2;3;300000/300000/0", .malformed, "progress offset is missing"),
            ("mb1;10;2;z;300000/300000/0", .malformed, "closed-through 'z'"),
            ("mb1;10;2;3;300000/7/0", .malformed, "window '300000/7/0'"),
            ("mb1;10;2;3;300000", .malformed, "window"),
            ("mb1;3;2;3;300000/300000/0", .malformed, "below the committed offset"),
            ("mb1;5;;-9223372036854775808;1000/1000/0", .malformed, "closed-through -9223372036854775808 is outside"),
            ("mb1;5;9223372036854775807;;1000/1000/0", .malformed, "stream time 9223372036854775807 is outside"),
        ] as [(String, CheckpointError.Code, String)])
    func refusesBadMetadata(metadata: String, code: CheckpointError.Code, fragment: String) {
        #expect {
            try OffsetCheckpoint(committedOffset: 5, metadata: metadata)
        } throws: { error in
            guard let error = error as? CheckpointError else { return false }
            return error.code == code && error.message.contains(fragment)
        }
    }

    @Test("restoring under a changed window specification is reported")
    func changedSpecificationIsReported() throws {
        let checkpoint = OffsetCheckpoint(
            committedOffset: 0, progressOffset: 0, streamTime: nil, closedThrough: nil, windowSpecification: window)
        var engine = MicroBatchEngine<String>(
            configuration: try EngineConfiguration(window: .tumbling(size: 1_000)), clock: ManualClock())
        #expect(engine.assign(0, from: checkpoint).windowSpecificationChanged)
        #expect(engine.assign(1).restored == false)
    }
}
