import Testing

@testable import MicroBatching

/// The session windows worked example of docs/ARCHITECTURE.md, step by step, and the crash it
/// describes: if this test changes, so must the doc.
@Suite("Session worked example in docs/ARCHITECTURE.md")
struct SessionWorkedExampleTests {
    /// (offset, key, event time in seconds), all on partition 0.
    static let records: [(Int64, String, Int64)] = [
        (0, "a", 1), (1, "b", 2), (2, "a", 14), (3, "a", 10), (4, "b", 18), (5, "a", 27),
        (6, "b", 5), (7, "a", 30), (8, "b", 40), (9, "a", 36), (10, "b", 47), (11, "a", 55),
    ]

    static let configuration = try! EngineConfiguration(window: .session(gap: 10_000, grace: 5_000))

    static func record(_ entry: (Int64, String, Int64)) -> InputRecord<String> {
        InputRecord(partition: 0, offset: entry.0, key: entry.1, eventTime: entry.2 * 1_000, payload: entry.1)
    }

    static func step(_ engine: inout MicroBatchEngine<String>, _ entry: (Int64, String, Int64)) -> String {
        var line = "@\(entry.0) \(entry.1) t=\(entry.2)s: "
        switch engine.ingest(record(entry)) {
        case .buffered: line += "buffered"
        case .late(let late): line += "late for \(late.window), lateness \(late.lateness) ms"
        case let outcome: line += "\(outcome)"
        }
        for closed in engine.closeWindows() {
            let offsets = closed.batch.records.map { "\($0.offset)" }.joined(separator: ",")
            line += "; closes \(closed.batch.window) key \(closed.batch.key ?? "-") offsets \(offsets)"
        }
        let checkpoint = engine.checkpoint(of: 0)
        line += " | stream \(checkpoint?.streamTime ?? -1), closed through \(checkpoint?.closedThrough ?? -1), "
        line += "commit \(checkpoint?.committedOffset ?? -1), progress \(checkpoint?.progressOffset ?? -1)"
        return line
    }

    @Test("the engine does what the document says, and a crash after step 9 replays to the same result")
    func documentedSteps() throws {
        let run = try WorkedExampleRun(Self.configuration, Self.records, commitStep: 9, step: Self.step)
        #expect(run.lines == Self.expected)
        #expect(run.checkpoint.metadata == "mb2;9;40000;35000;86400000/86400000/5000/10000;18000")
        #expect(run.replayed == Self.expectedAfterRestore)
    }

    static let expected: [String] = [
        "1. @0 a t=1s: buffered | stream 1000, closed through -4000, commit 0, progress 1",
        "2. @1 b t=2s: buffered | stream 2000, closed through -3000, commit 0, progress 2",
        "3. @2 a t=14s: buffered | stream 14000, closed through 9000, commit 0, progress 3",
        "4. @3 a t=10s: buffered | stream 14000, closed through 9000, commit 0, progress 4",
        "5. @4 b t=18s: buffered; closes [2000, 12000) key b offsets 1 | stream 18000, closed through 13000, commit 0, progress 5",
        "6. @5 a t=27s: buffered | stream 27000, closed through 22000, commit 0, progress 6",
        "7. @6 b t=5s: late for [5000, 15000), lateness 17000 ms | stream 27000, closed through 22000, commit 0, progress 7",
        "8. @7 a t=30s: buffered; closes [1000, 24000) key a offsets 0,3,2 | stream 30000, closed through 25000, commit 4, progress 8",
        "9. @8 b t=40s: buffered; closes [18000, 28000) key b offsets 4 | stream 40000, closed through 35000, commit 5, progress 9",
        "10. @9 a t=36s: buffered | stream 40000, closed through 35000, commit 5, progress 10",
        "11. @10 b t=47s: buffered | stream 47000, closed through 42000, commit 5, progress 11",
        "12. @11 a t=55s: buffered; closes [27000, 46000) key a offsets 5,7,9 | stream 55000, closed through 50000, commit 8, progress 12",
    ]

    /// After a crash following step 9's commit: offsets 5 to 8 replayed, then the rest as before.
    static let expectedAfterRestore: [String] = [
        "@5 a t=27s: buffered",
        "@6 b t=5s: alreadyHandled",
        "@7 a t=30s: buffered",
        "@8 b t=40s: buffered",
        "@9 a t=36s: buffered",
        "@10 b t=47s: buffered",
        "@11 a t=55s: buffered; closes [27000, 46000) key a offsets 5,7,9",
    ]
}
