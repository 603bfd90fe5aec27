import Dispatch
import Foundation
import MicroBatching

/// Lets a ``WindowRun`` take the next rows while the function runs on the windows it just closed,
/// on a second thread, and still report everything in the order of a sequential run.
///
/// While a close is being applied, the rows that follow are held back (only their late and
/// dead-letter outcomes need to be: buffered rows are just counted); at the next close, or at the
/// end, the applied windows are recorded first, then the held rows. So dead letters of a failed
/// window come exactly where a sequential run puts them.
struct OverlappedRecorder<Recorder: RunRecorder> {
    private(set) var output: Recorder
    private var running: RunningApplication?
    private var held: [(row: Int, admission: Admission)] = []

    init(_ output: Recorder) {
        self.output = output
    }

    mutating func record(row: Int, _ admission: Admission) {
        if running != nil, case .buffered = admission {
            output.counts.records += 1
            output.counts.buffered += 1
        } else if running != nil {
            held.append((row, admission))
        } else {
            output.record(row: row, admission)
        }
    }

    /// Records the close being applied (if any) and the rows held behind it, then starts
    /// applying `pending` (or, when `inline`, applies it here on every core and records it).
    mutating func close(_ pending: PendingWindows, inline: Bool = false, row: (Int32, Int64) -> Int) {
        finish(row: row)
        if inline {
            output.record(pending.apply(threads: ProcessInfo.processInfo.activeProcessorCount), row: row)
        } else if pending.records > 0 {
            running = RunningApplication(pending)
        }
    }

    /// Waits for the close being applied and records it and the rows held behind it.
    mutating func finish(row: (Int32, Int64) -> Int) {
        guard let running = running.take() else { return }
        output.record(running.wait(), row: row)
        for (heldRow, admission) in held { output.record(row: heldRow, admission) }
        held.removeAll(keepingCapacity: true)
    }
}

/// A close being applied on a dispatch queue, for ``OverlappedRecorder``.
final class RunningApplication: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var windows: [ClosedWindow] = []

    init(_ pending: PendingWindows) {
        DispatchQueue.global().async {
            self.windows = pending.apply(threads: 1)
            self.done.signal()
        }
    }

    func wait() -> [ClosedWindow] {
        done.wait()
        return windows
    }
}
