import Testing

@testable import MicroBatching

/// The count windows worked example of docs/ARCHITECTURE.md, step by step, and the crash it
/// describes: if this test changes, so must the doc.
@Suite("Count worked example in docs/ARCHITECTURE.md")
struct CountWorkedExampleTests {
    /// (offset, key, event time in seconds), all on partition 0.
    static let records: [(Int64, String, Int64)] = [
        (0, "a", 10), (1, "b", 11), (2, "a", 14), (3, "a", 12), (4, "b", 20), (5, "a", 30),
        (6, "b", 25), (7, "a", 31), (8, "b", 40), (9, "a", 45), (10, "b", 41), (11, "a", 50),
    ]

    static let configuration = try! EngineConfiguration(window: .count(3, advance: 2))

    static func record(_ entry: (Int64, String, Int64)) -> InputRecord<String> {
        InputRecord(partition: 0, offset: entry.0, key: entry.1, eventTime: entry.2 * 1_000, payload: entry.1)
    }

    static func describe(_ closed: [ClosedBatch<String>]) -> String {
        closed.map { closed in
            let offsets = closed.batch.records.map { "\($0.offset)" }.joined(separator: ",")
            return "; closes \(closed.batch.key ?? "-") \(closed.batch.window) offsets \(offsets) (\(closed.reason.rawValue))"
        }.joined()
    }

    static func step(_ engine: inout MicroBatchEngine<String>, _ entry: (Int64, String, Int64)) -> String {
        var line = "@\(entry.0) \(entry.1) t=\(entry.2)s: "
        switch engine.ingest(record(entry)) {
        case .buffered: line += "buffered"
        case let outcome: line += "\(outcome)"
        }
        line += describe(engine.closeWindows())
        let checkpoint = engine.checkpoint(of: 0)
        line += " | starts \(checkpoint?.countWindowStarts ?? []), commit \(checkpoint?.committedOffset ?? -1), "
        line += "progress \(checkpoint?.progressOffset ?? -1)"
        return line
    }

    @Test("the engine does what the document says, and a crash after step 11 replays to the same result")
    func documentedSteps() throws {
        // The crash comes after step 11, with step 9's commit the last: the replay starts at offset 6.
        let run = try WorkedExampleRun(
            Self.configuration, Self.records, commitStep: 9, step: Self.step, finish: { "end" + Self.describe($0.closeAllWindows()) })
        #expect(run.lines == Self.expected)
        #expect(run.checkpoint.metadata == "mb3;9;40000;;3/2;0,1")
        #expect(run.replayed == Self.expectedAfterRestore)
    }

    static let expected: [String] = [
        "1. @0 a t=10s: buffered | starts [0], commit 0, progress 1",
        "2. @1 b t=11s: buffered | starts [0, 1], commit 0, progress 2",
        "3. @2 a t=14s: buffered | starts [0, 1], commit 0, progress 3",
        "4. @3 a t=12s: buffered; closes a [10000, 14001) offsets 0,3,2 (count-reached) | starts [1, 3], commit 1, progress 4",
        "5. @4 b t=20s: buffered | starts [1, 3], commit 1, progress 5",
        "6. @5 a t=30s: buffered | starts [1, 3], commit 1, progress 6",
        "7. @6 b t=25s: buffered; closes b [11000, 25001) offsets 1,4,6 (count-reached) | starts [3, 6], commit 3, progress 7",
        "8. @7 a t=31s: buffered; closes a [12000, 31001) offsets 3,5,7 (count-reached) | starts [6, 7], commit 6, progress 8",
        "9. @8 b t=40s: buffered | starts [6, 7], commit 6, progress 9",
        "10. @9 a t=45s: buffered | starts [6, 7], commit 6, progress 10",
        "11. @10 b t=41s: buffered; closes b [25000, 41001) offsets 6,8,10 (count-reached) | starts [7, 10], commit 7, progress 11",
        "12. @11 a t=50s: buffered; closes a [31000, 50001) offsets 7,9,11 (count-reached) | starts [10, 11], commit 10, progress 12",
        "end; closes b [41000, 41001) offsets 10 (end-of-input); closes a [50000, 50001) offsets 11 (end-of-input)",
    ]

    static let expectedAfterRestore: [String] = [
        "@6 b t=25s: buffered", "@7 a t=31s: buffered", "@8 b t=40s: buffered", "@9 a t=45s: buffered",
        "@10 b t=41s: buffered; closes b [25000, 41001) offsets 6,8,10 (count-reached)",
        "@11 a t=50s: buffered; closes a [31000, 50001) offsets 7,9,11 (count-reached)",
        "end; closes b [41000, 41001) offsets 10 (end-of-input); closes a [50000, 50001) offsets 11 (end-of-input)",
    ]
}
