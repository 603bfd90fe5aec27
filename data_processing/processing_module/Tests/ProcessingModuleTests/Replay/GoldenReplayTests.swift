import Foundation
import Kafka
import MicroBatching
import Testing

@testable import ProcessingModule

/// A fixed 200,000-record input (4 partitions, 100 keys, disorder within grace, late records,
/// malformed values) through `replay` for tumbling and hopping windows in key and global scope:
/// the digests of the results and dead letters must stay what they were when recorded. Any change
/// to the engine, the admission, the functions or the output format that changes a byte shows here.
///
/// To record new digests after an intended change of outputs: `GOLDEN_RECORD=1 swift test --filter
/// GoldenReplayTests` prints them.
@Suite("Golden replay")
struct GoldenReplayTests {
    /// The input, in export format (partition, offset, timestamp, key, value), deterministic.
    static let input: [UInt8] = {
        var random = SplitMix64(seed: 20_261_202)
        var lines: [String] = []
        lines.reserveCapacity(200_000)
        var offsets = [Int64](repeating: 0, count: 4)
        let start: Int64 = 1_767_225_600_000
        for index in 0..<200_000 {
            let key = Int(random.next() % 100)
            let partition = key % 4
            // About 10 hours of event time; each record up to 20 s early or late (grace is 30 s), one in
            // 200 a minute and more behind (late once its window closed), one in 500 malformed.
            var time = start + Int64(index) * 180 + Int64(random.next() % 40_000) - 20_000
            if random.next() % 200 == 0 { time -= 60_000 + Int64(random.next() % 600_000) }
            let value = Double(Int(random.next() % 100_000)) / 100 + (random.next() % 997 == 0 ? 500 : 0)
            let text: String
            switch random.next() % 500 {
            case 0: text = #"{"ts":\#(time),"value":"#
            case 1: text = #"{"value":\#(value)}"#
            case 2: text = #"{"ts":\#(time),"value":"high"}"#
            default: text = #"{"sensor":"s-\#(key)","ts":\#(time),"value":\#(value)}"#
            }
            lines.append(
                ExportLine.encode(
                    partition: Int32(partition), offset: offsets[partition], timestamp: time, key: Array("s-\(key)".utf8),
                    value: Array(text.utf8)))
            offsets[partition] += 1
        }
        return Array(lines.joined(separator: "\n").utf8)
    }()

    static func replay(function: String, window: String, scope: String) throws -> (digest: String, results: Int, deadLetters: Int) {
        let service = try ServiceConfiguration(
            yaml: """
                pipelines:
                  - {name: golden, input: events, output: results, dead_letters: dead, function: \(function),
                     window: \(window), scope: \(scope), event_time_field: ts}
                """)
        var replay = Replay(configuration: service.pipelines[0])
        replay.feed(contentsOf: input)
        replay.finish()
        var hash = FNV1a()
        for result in replay.results { hash.add(Replay.jsonLine(result) + "\n") }
        for letter in replay.deadLetters {
            hash.add(letter.headers.map { "\($0.name)=\($0.stringValue ?? "")" }.joined(separator: ";") + "|")
            hash.add(String(decoding: letter.value ?? [], as: UTF8.self) + "\n")
        }
        return (hash.hex, replay.results.count, replay.deadLetters.count)
    }

    @Test(
        "replay's results and dead letters are byte-identical to the recorded ones",
        arguments: [
            ("function_a", "{size: 5m, grace: 30s}", "key", "78455a3286202b6a", 12056, 2265),
            ("function_a", "{size: 5m, advance: 1m, grace: 30s}", "key", "369d5b955dc12a6b", 60446, 1848),
            ("function_a", "{size: 5m, grace: 30s}", "global", "b32036e27fff76d6", 122, 2081),
            ("function_a", "{size: 5m, advance: 1m, grace: 30s}", "global", "74453162ceee4890", 606, 1846),
            ("function_b", "{size: 5m, grace: 30s}", "key", "9b825b7de6bd1502", 594, 2265),
        ])
    func golden(function: String, window: String, scope: String, digest: String, results: Int, deadLetters: Int) throws {
        let replayed = try Self.replay(function: function, window: window, scope: scope)
        if ProcessInfo.processInfo.environment["GOLDEN_RECORD"] != nil {
            print("golden: (\"\(function)\", \"\(window)\", \"\(scope)\", \"\(replayed.digest)\", \(replayed.results), \(replayed.deadLetters)),")
        }
        #expect(replayed.digest == digest && replayed.results == results && replayed.deadLetters == deadLetters, "\(replayed)")
    }
}

/// FNV-1a, 64 bits: a digest to notice any changed byte (not a cryptographic hash).
struct FNV1a {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            state ^= UInt64(byte)
            state &*= 0x0000_0100_0000_01b3
        }
    }

    var hex: String { String(state, radix: 16) }
}
