import Foundation
import Kafka
import TestSupport
import Testing

@testable import ProcessingModule

/// The `processing-module` commands as a user runs them.
@Suite("Commands")
struct CommandTests {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("processing-module")
    }

    static func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, error: String) {
        try ChildProcess.run(executable, arguments, input: input)
    }

    @Test("demo shows closing windows with statistics and anomalies, then ends by itself")
    func demoEnds() throws {
        let result = try Self.run(["demo", "--windows", "2", "--speed", "300"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("── window 00:00–00:05 closed (stream-time) ──"))
        #expect(result.output.contains("sensor-7  count 30"))
        #expect(result.output.contains("demo finished: 3 windows"))
    }

    @Test("replay prints one JSON line per result and closes open windows at the end of the input")
    func replayCommand() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("pipelines.yaml")
        try """
            pipelines:
              - {name: stats, input: events, output: results, function: function_a, window: {size: 10s}, event_time_field: ts}
            """.write(to: config, atomically: true, encoding: .utf8)
        let input = """
            {"ts": 1000, "value": 1}
            {"ts": 2000, "value": 3}
            {"partition": 0, "offset": 2, "timestamp": 12000, "key": "k", "value": "{\\"ts\\": 12000, \\"value\\": 5}"}
            not json
            """
        let result = try Self.run(["replay", "--config", config.path], input: input)
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                #"{"pipeline":"stats","function":"function_a","version":"1.0.0","window_start":0,"window_end":10000,"key":null,"close_reason":"stream-time","record_count":2,"output":{"count":2,"first_event_time":1000,"invalid":0,"last_event_time":2000,"max":3,"mean":2,"min":1,"p50":2,"p95":2.9,"p99":2.98,"stddev":1.4142135623730951,"sum":4}}"#,
                #"{"pipeline":"stats","function":"function_a","version":"1.0.0","window_start":10000,"window_end":20000,"key":"k","close_reason":"end-of-input","record_count":1,"output":{"count":1,"first_event_time":12000,"invalid":0,"last_event_time":12000,"max":5,"mean":5,"min":5,"p50":5,"p95":5,"p99":5,"stddev":null,"sum":5}}"#,
            ])
        #expect(result.error.contains("1 dead letters"))
    }

    @Test("a bad pipelines file is refused at start with the key named")
    func badConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("pipelines.yaml")
        try "pipelines:\n  - {name: s, input: a, output: b, function: function_a, window: {size: 10 minutes}}\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let result = try Self.run(["run", "--config", config.path])
        #expect(result.status != 0)
        #expect(result.error.contains("pipelines[0].window.size"), "\(result.error)")
    }

    @Test("run refuses a pipelines file without Kafka bootstrap servers")
    func runNeedsBootstrapServers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("pipelines.yaml")
        try "pipelines:\n  - {name: s, input: a, output: b, function: function_a, window: {size: 10s}}\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let result = try Self.run(["run", "--config", config.path])
        #expect(result.status != 0)
        #expect(result.error.contains("kafka.bootstrap.servers"), "\(result.error)")
    }

    @Test("--version names the module's version and the pinned librdkafka; run logs both at start-up")
    func versionAndStartUpLog() throws {
        let version = try Self.run(["--version"])
        #expect(version.status == 0)
        #expect(version.output == "processing-module \(ModuleVersion.current) (librdkafka 2.8.0)\n", "\(version.output)")

        let (log, status) = try Self.runUntilStarted(arguments: [])
        #expect(log.contains("starting processing-module \(ModuleVersion.current) (librdkafka 2.8.0)"), "\(log)")
        #expect(status == 0)
    }

    /// Starts `run` with `arguments` on a one-pipeline file (Kafka properties `kafka` added) on an
    /// embedded broker, stops it with SIGTERM once its pipeline started (or after 60 s), and
    /// returns what it logged and its exit status.
    static func runUntilStarted(kafka: String = "", arguments: [String]) throws -> (log: String, status: Int32) {
        let broker = try EmbeddedBroker(topics: ["a": 1, "b": 1], logger: EndToEndTests.quiet)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("pipelines.yaml")
        try """
            kafka: {bootstrap.servers: "\(broker.bootstrapServers)"\(kafka.isEmpty ? "" : ", " + kafka)}
            pipelines:
              - {name: s, input: a, output: b, dead_letters: a.dead, function: function_a, window: {size: 10s}}
            """.write(to: config, atomically: true, encoding: .utf8)
        let errors = Pipe()
        let process = try ChildProcess.start(Self.executable, ["run", "--config", config.path, "--metrics-port", "0"] + arguments) {
            $0.standardOutput = FileHandle.nullDevice
            $0.standardError = errors
        }
        var log = ""
        let deadline = Date().addingTimeInterval(60)
        while !log.contains("pipeline started"), Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
        }
        process.terminate()
        process.waitUntilExit()
        log += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (log, process.terminationStatus)
    }

    @Test("run's JSON logs are one JSON object per line with time, level, logger and message; no Kafka secret appears")
    func jsonLogsRedactSecrets() throws {
        let (log, status) = try Self.runUntilStarted(
            kafka: "sasl.username: reader, sasl.password: hunter2-secret", arguments: ["--log-format", "json"])
        let lines = log.split(separator: "\n")
        #expect(lines.count >= 3, "\(log)")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object.map { Set(["time", "level", "logger", "message"]).isSubset(of: $0.keys) } == true, "\(line)")
        }
        #expect(log.contains("sasl.password=[redacted]"), "the configuration is logged, its secret redacted: \(log)")
        #expect(log.contains("sasl.username=reader"))
        #expect(!log.contains("hunter2-secret"), "\(log)")
        #expect(status == 0)
    }
}
