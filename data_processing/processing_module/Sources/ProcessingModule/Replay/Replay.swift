import Foundation
import Kafka
import MicroBatching
import SharedFunctions

/// Runs a pipeline over JSON lines through the same processor as the service: per-partition stream
/// time comes from the lines' coordinates when they carry them (an `export` of a topic), and at the
/// end of the input every open window closes with reason `end-of-input`.
///
/// The engine clock stands still at 0 during a replay: the idle rule never fires and the clock-skew
/// check is off (old data is not "ahead of the clock").
public struct Replay {
    public private(set) var processor: PipelineProcessor
    /// Results, in production order.
    public private(set) var results: [WindowResult] = []
    /// Dead letters, in production order.
    public private(set) var deadLetters: [DeadLetter] = []
    private var lineCount = 0

    public init(configuration: PipelineConfiguration) {
        var replayed = configuration
        replayed.engine.maximumClockSkew = nil
        processor = PipelineProcessor(configuration: replayed, clock: ManualClock(0), originals: RetainedOriginals())
    }

    /// Lines between two closes: windows are closed in batches of lines, as the service closes
    /// them per poll. What closes, and which records are late, does not depend on it.
    static let linesPerClose = 10_000

    /// Feeds one line (without its newline). Empty lines are ignored.
    public mutating func feed(line: [UInt8]) {
        defer {
            lineCount += 1
            if lineCount % Self.linesPerClose == 0 { collect(processor.closeWindows()) }
        }
        guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { return }
        let record = ReplayLine(line, index: lineCount)
        let letter = withOptionalBytes(record.key) { key in
            withOptionalBytes(record.value) { value in
                processor.ingest(
                    partition: record.partition, offset: record.offset, key: key, value: value, kafkaTimestamp: record.timestamp)
            }
        }
        if let letter { collect([letter]) }
    }

    /// Feeds every line of `text` (separated by `\n`). In `global` scope every partition of the
    /// input is assigned first, as the service is assigned its partitions before it reads: a window
    /// then waits for all of them, whatever order the lines come in.
    public mutating func feed(contentsOf text: [UInt8]) {
        text.withUnsafeBytes { buffer in
            if processor.configuration.engine.scope == .global {
                var partitions: Set<Int32> = []
                for (_, line) in RecordLines(buffer) where !line.isEmpty {
                    partitions.insert(ReplayLine(Array(line), index: 0).partition)
                }
                assign(partitions)
            }
            for (_, line) in RecordLines(buffer) { feed(line: Array(line)) }
        }
    }

    /// Assigns `partitions` before any record is fed (partitions are otherwise assigned when their
    /// first record arrives).
    public mutating func assign(_ partitions: Set<Int32>) {
        for partition in partitions.sorted() where processor.progress(of: partition) == nil {
            _ = processor.assign(partition, committed: nil)
        }
    }

    /// Closes every open window (the input ended).
    public mutating func finish() {
        collect(processor.closeWindows())
        collect(processor.closeAllWindows())
    }

    private mutating func collect(_ outputs: [PipelineOutput]) {
        for output in outputs {
            switch output {
            case .result(let result): results.append(result)
            case .deadLetter(let letter): deadLetters.append(letter)
            }
        }
    }

    /// One result as a JSON line: provenance, then the function's output bytes unchanged.
    public static func jsonLine(_ result: WindowResult) -> String {
        func quoted(_ text: String?) -> String {
            guard let text, let data = try? JSONEncoder().encode(text) else { return "null" }
            return String(decoding: data, as: UTF8.self)
        }
        let provenance = result.provenance
        return "{\"pipeline\":\(quoted(provenance.pipeline)),\"function\":\(quoted(provenance.function)),"
            + "\"version\":\(quoted(provenance.functionVersion)),"
            + "\"window_start\":\(provenance.window.start),\"window_end\":\(provenance.window.end),"
            + "\"key\":\(quoted(provenance.key)),\"close_reason\":\(quoted(provenance.closeReason.rawValue)),"
            + "\"record_count\":\(provenance.recordCount),"
            + "\"output\":\(String(decoding: result.value, as: UTF8.self))}"
    }
}
