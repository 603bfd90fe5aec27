import ArgumentParser
import Dispatch
import ProcessingModule
import Synchronization

/// `processing-module`: the Kafka micro-batch processing service and its tools.
struct ProcessingModuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processing-module",
        abstract: "Kafka micro-batch processing with the shared window functions.",
        version: ModuleVersion.description,
        subcommands: [DemoCommand.self, RunCommand.self, ReplayCommand.self, ExportCommand.self, GenerateCommand.self, PipelineBenchmarkCommand.self, FunctionsCommand.self, BrokerCommand.self, KafkaBenchmarkCommand.self, VerifyCommand.self]
    )
}

/// The entry point. Synchronous commands (`replay`, `verify`, `export`, `functions`, benchmarks) run
/// on the main thread without starting Swift's async runtime; the services (`run`, `demo`,
/// `generate`, `broker`) run as a task the main thread waits for. The main thread never enters
/// `dispatch_main`, so the tools run under valgrind (whose 3.19 fails when dispatch_main's thread
/// starts others), as the instruction counts of docs/BENCHMARKS.md need.
@main
enum ProcessingModuleMain {
    static func main() {
        do {
            var command = try ProcessingModuleCommand.parseAsRoot()
            if let service = command as? any AsyncParsableCommand {
                try waitFor(service)
            } else {
                try command.run()
            }
        } catch {
            ProcessingModuleCommand.exit(withError: error)
        }
    }

    /// Runs an async command as a task and blocks the main thread until it ends.
    static func waitFor(_ command: sending any AsyncParsableCommand) throws {
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        Task {
            var command = command
            do { try await command.run() } catch { outcome.failure.withLock { $0 = error } }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.failure.withLock({ $0 }) { throw error }
    }

    private final class Outcome: Sendable {
        let failure = Mutex<(any Error)?>(nil)
    }
}
