import Foundation
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `processing-module run` child with its own `/metrics` port on loopback, so that tests wait for
/// what the instance reports (its partitions, its records) instead of sleeping. It dies with the
/// test process (``ChildProcess``).
struct ModuleInstance {
    let process: Process
    let metricsPort: Int

    /// Starts `run` on a pipelines file (logs at error level, to `errors` or nowhere).
    static func start(_ configuration: URL, shutdownTimeout: Int = 8, errors: Pipe? = nil) throws -> ModuleInstance {
        let port = try FreePort.pick()
        let process = try ChildProcess.start(
            CommandTests.executable,
            [
                "run", "--config", configuration.path, "--log-level", "error", "--metrics-port", "\(port)",
                "--shutdown-timeout", "\(shutdownTimeout)",
            ]
        ) { process in
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors ?? FileHandle.nullDevice
        }
        return ModuleInstance(process: process, metricsPort: port)
    }

    /// The first sample of metric family `name` (summed over nothing: one pipeline per test file),
    /// or nil while the endpoint does not answer.
    func metric(_ name: String) -> Double? {
        Self.metric(port: metricsPort, name)
    }

    static func metric(port: Int, _ name: String) -> Double? {
        let semaphore = DispatchSemaphore(value: 0)
        let text = Box<String?>(nil)
        guard let url = URL(string: "http://127.0.0.1:\(port)/metrics") else { return nil }
        let task = URLSession.shared.dataTask(with: url) { data, _, _ in
            text.value = data.map { String(decoding: $0, as: UTF8.self) }
            semaphore.signal()
        }
        task.resume()
        _ = semaphore.wait(timeout: .now() + 2)
        guard let line = text.value?.split(separator: "\n").first(where: { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") })
        else { return nil }
        return line.split(separator: " ").last.flatMap { Double($0) }
    }

    /// Partitions the instance holds, 0 while it has none or does not answer yet.
    var assignedPartitions: Int { Int(metric("processing_assigned_partitions") ?? 0) }

    /// Waits until `condition` holds, checking every 100 ms, for at most `seconds`
    /// (generous: group joins and rebalances are slow on a busy machine); returns whether it held.
    @discardableResult
    static func wait(seconds: Double = 120, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return condition()
    }
}
