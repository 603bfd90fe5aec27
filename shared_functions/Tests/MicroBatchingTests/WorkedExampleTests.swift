import Testing

@testable import MicroBatching

/// The worked example of docs/ARCHITECTURE.md, step by step: if this test changes, so must the doc.
@Suite("Worked example in docs/ARCHITECTURE.md")
struct WorkedExampleTests {
    /// (partition, offset, key, event time in seconds)
    static let records: [(Int32, Int64, String, Int64)] = [
        (0, 0, "a", 1), (1, 0, "b", 2), (0, 1, "b", 4), (0, 2, "a", 11), (1, 1, "b", 9), (0, 3, "a", 8),
        (0, 4, "b", 13), (1, 2, "b", 15), (0, 5, "a", 7), (1, 3, "a", 21), (0, 6, "a", 25), (0, 7, "b", 26),
    ]

    static func run() throws -> [String] {
        let configuration = try EngineConfiguration(window: .tumbling(size: 10_000, grace: 2_000))
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        var lines: [String] = []
        for (step, (partition, offset, key, seconds)) in records.enumerated() {
            let outcome = engine.ingest(
                InputRecord(partition: partition, offset: offset, key: key, eventTime: seconds * 1_000, payload: "\(key)"))
            var line = "\(step + 1). P\(partition)@\(offset) \(key) t=\(seconds)s: "
            switch outcome {
            case .buffered: line += "buffered"
            case .late(let late): line += "late for \(late.window), lateness \(late.lateness) ms"
            default: line += "\(outcome)"
            }
            for closed in engine.closeWindows() {
                let offsets = closed.batch.records.map { "\($0.offset)" }.joined(separator: ",")
                line += "; closes \(closed.batch.window) P\(closed.batch.records[0].partition) key \(closed.batch.key ?? "-") offsets \(offsets)"
            }
            let progress = engine.progress(of: partition)
            line += " | P\(partition) stream \(progress?.streamTime ?? -1), closed through \(progress?.closedThrough ?? -1), commit \(progress?.committableOffset ?? -1), progress \(progress?.progressOffset ?? -1)"
            lines.append(line)
        }
        return lines
    }

    @Test("the engine does what the document says")
    func documentedSteps() throws {
        let lines = try Self.run()
        #expect(lines == Self.expected)
    }

    static let expected: [String] = [
        "1. P0@0 a t=1s: buffered | P0 stream 1000, closed through -1000, commit 0, progress 1",
        "2. P1@0 b t=2s: buffered | P1 stream 2000, closed through 0, commit 0, progress 1",
        "3. P0@1 b t=4s: buffered | P0 stream 4000, closed through 2000, commit 0, progress 2",
        "4. P0@2 a t=11s: buffered | P0 stream 11000, closed through 9000, commit 0, progress 3",
        "5. P1@1 b t=9s: buffered | P1 stream 9000, closed through 7000, commit 0, progress 2",
        "6. P0@3 a t=8s: buffered | P0 stream 11000, closed through 9000, commit 0, progress 4",
        "7. P0@4 b t=13s: buffered; closes [0, 10000) P0 key a offsets 0,3; closes [0, 10000) P0 key b offsets 1 | P0 stream 13000, closed through 11000, commit 2, progress 5",
        "8. P1@2 b t=15s: buffered; closes [0, 10000) P1 key b offsets 0,1 | P1 stream 15000, closed through 13000, commit 2, progress 3",
        "9. P0@5 a t=7s: late for [0, 10000), lateness 1000 ms | P0 stream 13000, closed through 11000, commit 2, progress 6",
        "10. P1@3 a t=21s: buffered | P1 stream 21000, closed through 19000, commit 2, progress 4",
        "11. P0@6 a t=25s: buffered; closes [10000, 20000) P0 key a offsets 2; closes [10000, 20000) P0 key b offsets 4 | P0 stream 25000, closed through 23000, commit 6, progress 7",
        "12. P0@7 b t=26s: buffered | P0 stream 26000, closed through 24000, commit 6, progress 8",
    ]
}
