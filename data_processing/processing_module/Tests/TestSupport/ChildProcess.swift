import Foundation

/// Child processes of a test that die with the test process, however it ends.
///
/// Every child starts as `setpriv --pdeathsig KILL -- program arguments...` (util-linux, present on
/// every Debian): the kernel sends SIGKILL to the child when its parent goes, whether the test
/// process returns, aborts inside librdkafka or is killed itself, so no `processing-module run`
/// outlives the suite that started it. `setpriv` execs the program, so the returned `Process`
/// is the child itself (same pid, same exit status).
///
/// Linux ties the parent-death signal to the *thread* that started the child, not to the process.
/// Threads of Swift's cooperative pool come and go, so children are started on one thread that
/// lives as long as the test process (``Spawner``).
public enum ChildProcess {
    /// The argument vector that starts `executable` with `arguments` under the parent-death signal.
    public static func launchArguments(_ executable: String, _ arguments: [String]) -> [String] {
        ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", executable] + arguments
    }

    /// Starts `executable`; `configure` sets standard input, output and error before the start.
    public static func start(_ executable: URL, _ arguments: [String], configure: (Process) -> Void = { _ in }) throws -> Process {
        let process = Process()
        let launch = launchArguments(executable.path, arguments)
        process.executableURL = URL(fileURLWithPath: launch[0])
        process.arguments = Array(launch.dropFirst())
        configure(process)
        try Spawner.shared.run(process)
        return process
    }

    /// Runs `executable` to its end with `input` on standard input; returns its status and output.
    public static func run(_ executable: URL, _ arguments: [String], input: String? = nil) throws -> (
        status: Int32, output: String, error: String
    ) {
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        let process = try start(executable, arguments) { process in
            process.standardOutput = output
            process.standardError = error
            process.standardInput = stdin
        }
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Both pipes are drained at once, so a child that fills one while the other is read cannot block.
        let errorData = Box(Data())
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            errorData.value = error.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData.value, as: UTF8.self))
    }
}

/// The one long-lived thread that starts every test child (see ``ChildProcess``).
final class Spawner: @unchecked Sendable {
    static let shared = Spawner()

    private let condition = NSCondition()
    private var pending: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "test-child-spawner"
        thread.start()
    }

    /// Starts `process` on the spawner thread and waits until it has started (or failed to).
    func run(_ process: Process) throws {
        let finished = DispatchSemaphore(value: 0)
        let failure = Box<(any Error)?>(nil)
        condition.withLock {
            pending.append {
                do { try process.run() } catch { failure.value = error }
                finished.signal()
            }
            condition.signal()
        }
        finished.wait()
        if let error = failure.value { throw error }
    }

    private func serve() {
        while true {
            let work: [() -> Void] = condition.withLock {
                while pending.isEmpty { condition.wait() }
                defer { pending.removeAll() }
                return pending
            }
            for item in work { item() }
        }
    }
}

/// A value shared between threads in tests, behind a lock.
public final class Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    public var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    public func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
