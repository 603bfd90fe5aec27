@testable import MicroBatching

/// Runs a worked example of docs/ARCHITECTURE.md: its records (offset, key, event time in seconds,
/// all on partition 0) step by step, each step described by `step`; keeps the checkpoint taken
/// after step `commitStep`; then restores a new engine from that checkpoint's metadata, as after a
/// crash, and replays from its committed offset. `finish` (if any) describes what the end of the
/// input closes, in both runs.
struct WorkedExampleRun {
    typealias Step = (inout MicroBatchEngine<String>, (Int64, String, Int64)) -> String

    let lines: [String]
    let checkpoint: OffsetCheckpoint
    /// The replay's step descriptions, up to " | " (what it emits, not its progress).
    let replayed: [String]

    init(
        _ configuration: EngineConfiguration, _ records: [(Int64, String, Int64)], commitStep: Int, step: Step,
        finish: ((inout MicroBatchEngine<String>) -> String)? = nil
    ) throws {
        var engine = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        var lines: [String] = []
        var committed: OffsetCheckpoint?
        for (index, entry) in records.enumerated() {
            lines.append("\(index + 1). " + step(&engine, entry))
            if index + 1 == commitStep { committed = engine.checkpoint(of: 0) }
        }
        if let finish { lines.append(finish(&engine)) }
        guard let committed else { throw WorkedExampleError.noCheckpoint(step: commitStep) }
        var restored = MicroBatchEngine<String>(configuration: configuration, clock: ManualClock())
        restored.assign(0, from: try OffsetCheckpoint(committedOffset: committed.committedOffset, metadata: committed.metadata))
        var replayed = records.filter { $0.0 >= committed.committedOffset }.map { step(&restored, $0) }
        if let finish { replayed.append(finish(&restored)) }
        self.lines = lines
        checkpoint = committed
        self.replayed = replayed.map { $0.components(separatedBy: " | ")[0] }
    }
}

/// A worked example that could not be run as written.
enum WorkedExampleError: Error {
    /// The step meant to commit had no checkpoint.
    case noCheckpoint(step: Int)
}
