import Foundation

/// How hard the reliability scenarios push, and where their figures go.
///
/// `make test` runs the fast subset (`RELIABILITY` unset); `make reliability` sets
/// `RELIABILITY=full` for the full counts (20 crashes, ...) and `RELIABILITY_REPORT` to a file that
/// collects one JSON line per scenario, from which docs/RELIABILITY.md's table is made.
enum Reliability {
    static var isFull: Bool { ProcessInfo.processInfo.environment["RELIABILITY"] == "full" }

    /// `fast` in the normal test run, `full` under `make reliability`.
    static func scale(fast: Int, full: Int) -> Int { isFull ? full : fast }

    /// One scenario's outcome: what was injected and how often, and what came out.
    struct Row: Encodable {
        var scenario: String
        var injected: String
        var times: Int
        var recordsIn: Int
        var windowsOut: Int
        var lost: Int
        var duplicated: Int
        var deadLettered: Int
        var note: String = ""
    }

    /// Appends `row` to `$RELIABILITY_REPORT` when set (a JSON line); always prints it.
    static func report(_ row: Row) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        guard let line = try? encoder.encode(row) else { return }
        print("reliability: \(String(decoding: line, as: UTF8.self))")
        guard let path = ProcessInfo.processInfo.environment["RELIABILITY_REPORT"] else { return }
        if !FileManager.default.fileExists(atPath: path), !FileManager.default.createFile(atPath: path, contents: nil) {
            print("reliability: cannot create \(path)")
            return
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(line + Data("\n".utf8))
        handle.closeFile()
    }
}

/// Seeded pseudo-random numbers (SplitMix64), so a scenario's crash moments repeat run to run.
struct SeededMoments {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A duration in `range` seconds.
    mutating func seconds(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + Double(next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
    }
}
