import Foundation
import Kafka
import Testing

@testable import ProcessingModule

@Suite("Replay")
struct ReplayTests {
    /// Found by the memory-bound scenario: an export lists one partition after another, and a
    /// global-scope replay that met partitions only when their first line came closed windows on
    /// the first partition alone, making the others' records late.
    @Test("global scope: every partition of the input is known first, so line order does not matter")
    func globalScopeIgnoresPartitionOrder() throws {
        let service = try ServiceConfiguration(
            yaml: """
                pipelines:
                  - {name: g, input: events, output: results, dead_letters: dead, function: function_a,
                     window: {size: 10s}, scope: global, event_time_field: ts}
                """)
        func line(_ partition: Int32, _ offset: Int64, _ time: Int64) -> String {
            ExportLine.encode(
                partition: partition, offset: offset, timestamp: nil, key: Array("k".utf8),
                value: Array(#"{"ts":\#(time),"value":1}"#.utf8))
        }
        let partitionZero = (0..<30).map { line(0, Int64($0), Int64($0) * 1_000) }
        let partitionOne = (0..<30).map { line(1, Int64($0), Int64($0) * 1_000 + 500) }
        func replay(_ lines: [String]) -> [String] {
            var replay = Replay(configuration: service.pipelines[0])
            replay.feed(contentsOf: Array(lines.joined(separator: "\n").utf8))
            replay.finish()
            #expect(replay.processor.counters.late == 0)
            return replay.results.map { Replay.jsonLine($0) }.sorted()
        }
        let interleaved = replay(zip(partitionZero, partitionOne).flatMap { [$0, $1] })
        #expect(replay(partitionZero + partitionOne) == interleaved)
        #expect(replay(partitionOne + partitionZero) == interleaved)
        #expect(interleaved.count == 3)
    }
}
