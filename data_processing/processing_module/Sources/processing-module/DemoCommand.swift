import ArgumentParser
import Foundation
import Kafka
import Logging
import ProcessingModule
import SharedFunctions

/// `processing-module demo`: the whole pipeline on an embedded broker, live in the terminal.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run function_a and function_b pipelines on generated sensor readings over an embedded broker.",
        discussion: """
            Starts an embedded broker, a generator of sensor readings with injected anomalies (event time
            runs --speed times faster than the clock, so 5-minute windows close every few seconds), and two
            pipelines: statistics (function_a) and anomalies (function_b) over 5-minute tumbling windows.
            Results are printed as their windows close. Ends after --windows windows unless --keep-running.
            """)

    @Option(help: "Windows of statistics to show before ending.")
    var windows = 4

    @Flag(help: "Keep running until Ctrl-C instead of ending after --windows windows.")
    var keepRunning = false

    @Option(help: "How many times faster than the wall clock event time runs.")
    var speed: Double = 100

    @Option(help: "Number of sensors.")
    var sensors = 8

    func validate() throws {
        guard windows >= 1 else { throw ValidationError("--windows must be at least 1 (got \(windows))") }
        guard speed > 0, speed <= 100_000 else { throw ValidationError("--speed must be between 0 and 100000 (got \(speed))") }
        guard (1...1_000).contains(sensors) else { throw ValidationError("--sensors must be between 1 and 1000 (got \(sensors))") }
    }

    func run() throws {
        let logger = {
            var logger = Logger(label: "demo")
            logger.logLevel = .warning
            return logger
        }()
        print(ModuleVersion.description)
        let broker = try EmbeddedBroker(
            topics: ["readings": 6, "statistics": 1, "anomalies": 1, "readings.dead-letters": 1], logger: logger)
        print("embedded broker at \(broker.bootstrapServers); watch with: kcat -b \(broker.bootstrapServers) -C -t statistics")
        let service = try ServiceConfiguration(
            yaml: """
                kafka: {bootstrap.servers: "\(broker.bootstrapServers)"}
                group_id: demo
                pipelines:
                  - {name: statistics, input: readings, output: statistics, dead_letters: readings.dead-letters,
                     function: function_a, window: {size: 5m, grace: 10s}, event_time_field: ts, commit_interval: 500ms}
                  - {name: anomalies, input: readings, output: anomalies, dead_letters: readings.dead-letters,
                     function: function_b, parameters: {threshold: 3.5, min_records: 8},
                     window: {size: 5m, grace: 10s}, event_time_field: ts, commit_interval: 500ms}
                """)
        let stop = StopSignal()
        installTerminationHandler(stop)
        let display = LiveDisplay(windowsWanted: keepRunning ? nil : windows, stop: stop)
        let generator = SensorGenerator(sensors: sensors)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: logger)
        let speed = self.speed
        let generatorDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { generatorDone.signal() }
            do {
                _ = try generator.run(producer: producer, topic: "readings", speed: speed, limit: nil, stop: stop)
            } catch {
                logger.error("generator failed: \(error)")
                stop.request()
            }
        }
        print("generating \(sensors) sensors at \(Int(speed))x real time; results appear as 5-minute windows close")
        try runPipelines(service, stop: stop, logger: logger) { runner in
            runner.onProduced = { record in display.show(record) }
        }
        _ = generatorDone.wait(timeout: .now() + 5)
        _ = try? producer.flush(timeoutMilliseconds: 2_000)
        print("demo finished: \(display.summary)")
        withExtendedLifetime((broker, producer)) {}
    }
}

/// Prints results as they are produced and asks to stop once enough windows were shown.
final class LiveDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let windowsWanted: Int?
    private let stop: StopSignal
    private var windowEnds: Set<String> = []
    private var statistics = 0
    private var anomalies = 0
    private var deadLetters = 0

    init(windowsWanted: Int?, stop: StopSignal) {
        self.windowsWanted = windowsWanted
        self.stop = stop
    }

    var summary: String {
        lock.withLock { "\(windowEnds.count) windows, \(statistics) statistics, \(anomalies) anomalies, \(deadLetters) dead letters" }
    }

    func show(_ record: ProducedRecord) {
        lock.withLock {
            let value = String(decoding: record.value ?? [], as: UTF8.self)
            let key = record.key.map { String(decoding: $0, as: UTF8.self) } ?? "-"
            switch record.header("function") {
            case "function_a" where record.header("error_kind") == nil:
                statistics += 1
                let window = Self.window(record)
                if windowEnds.insert(record.header("window_end") ?? "").inserted {
                    print("── window \(window) closed (\(record.header("close_reason") ?? "")) ──")
                }
                print("  \(key)  \(Self.summary(of: value))")
                if let windowsWanted, windowEnds.count > windowsWanted { stop.request() }
            case "function_b" where record.header("error_kind") == nil:
                anomalies += 1
                print("  ANOMALY \(key) in \(Self.window(record)): \(value)")
            default:
                deadLetters += 1
                print("  dead letter (\(record.header("error_kind") ?? "?")): \(record.header("error_message") ?? "")")
            }
        }
    }

    static func window(_ record: ProducedRecord) -> String {
        func clock(_ text: String?) -> String {
            guard let milliseconds = text.flatMap(Int64.init) else { return "?" }
            let seconds = (milliseconds / 1_000) % 86_400
            return String(format: "%02d:%02d", seconds / 3_600, (seconds / 60) % 60)
        }
        return "\(clock(record.header("window_start")))–\(clock(record.header("window_end")))"
    }

    static func summary(of json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return json }
        func number(_ name: String) -> String {
            guard let value = object[name] as? Double else { return "null" }
            return String(format: "%.2f", value)
        }
        return "count \(object["count"] ?? 0)  mean \(number("mean"))  min \(number("min"))  max \(number("max"))  p95 \(number("p95"))"
    }
}
