import ArgumentParser
import Foundation
import Kafka
import Logging
import MicroBatching
import ProcessingModule
import SharedFunctions
import Synchronization

/// `processing-module demo`: the whole pipeline on an embedded broker, live in the terminal.
struct DemoCommand: AsyncParsableCommand {
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

    func run() async throws {
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
        for pipeline in service.pipelines { print("pipeline " + LiveDisplay.header(pipeline)) }
        let display = LiveDisplay(windowsWanted: keepRunning ? nil : windows)
        let services = try ModuleServices(
            service: service, run: RunConfiguration(metricsPort: 0, progressInterval: nil), logger: logger,
            observe: { display.show($0) })
        let generatorStop = StopSignal()
        let generator = SensorGenerator(sensors: sensors)
        let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: broker.bootstrapServers), logger: logger)
        let generating = ThreadedService(
            name: "generator", stop: generatorStop, logger: logger, abandonment: { CancellationError() },
            body: { [speed] in _ = try generator.run(producer: producer, topic: "readings", speed: speed, limit: nil, stop: generatorStop) })
        print("generating \(sensors) sensors at \(Int(speed))x real time; results appear as 5-minute windows close")
        let generatorTask = Task { try await generating.run() }
        let ending = Task {
            await display.untilEnough()
            await services.stop()
        }
        defer { ending.cancel() }
        try await services.run()
        generatorStop.request()
        try? await generatorTask.value
        _ = try? producer.flush(timeoutMilliseconds: 2_000)
        print("demo finished: \(display.summary)")
        withExtendedLifetime((broker, producer)) {}
    }
}

/// Prints results as they are produced and says when enough windows were shown.
final class LiveDisplay: Sendable {
    private struct Tally {
        var windowEnds: Set<Int64> = []
        var statistics = 0
        var anomalies = 0
        var deadLetters = 0
    }

    private let windowsWanted: Int?
    private let tally = Mutex(Tally())
    private let enough: AsyncStream<Void>
    private let enoughContinuation: AsyncStream<Void>.Continuation

    init(windowsWanted: Int?) {
        self.windowsWanted = windowsWanted
        (enough, enoughContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// One short line naming a pipeline's function and version, what the function computes, its
    /// topics and its windows.
    static func header(_ pipeline: PipelineConfiguration) -> String {
        let summary = (try? FunctionRegistry.standard.description(of: pipeline.function.name).description) ?? ""
        let gist = summary.prefix { $0 != ":" && $0 != "(" }.trimmingCharacters(in: .whitespaces).lowercased()
        let window = pipeline.engine.window
        let shape = window.isTumbling ? "tumbling" : "every \(duration(window.advance))"
        return "\(pipeline.name): \(pipeline.function.name) \(pipeline.function.version), \(gist); "
            + "\(pipeline.inputTopic) -> \(pipeline.outputTopic), \(duration(window.size)) \(shape) windows"
    }

    /// `5m`, `10s` or `250ms`.
    static func duration(_ milliseconds: Int64) -> String {
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }

    var summary: String {
        tally.withLock { "\($0.windowEnds.count) windows, \($0.statistics) statistics, \($0.anomalies) anomalies, \($0.deadLetters) dead letters" }
    }

    /// Returns once more than the wanted windows were shown (never with `--keep-running`).
    func untilEnough() async {
        for await _ in enough { return }
    }

    func show(_ output: PipelineOutput) {
        tally.withLock { tally in
            switch output {
            case .result(let result):
                let provenance = result.provenance
                if tally.windowEnds.insert(provenance.window.end).inserted {
                    print("── window \(Self.clock(provenance.window)) closed (\(provenance.closeReason.rawValue)) ──")
                }
                let value = String(decoding: result.value, as: UTF8.self)
                if provenance.function == "function_a" {
                    tally.statistics += 1
                    print("  \(provenance.key ?? "-")  \(Self.summary(of: value))")
                } else {
                    tally.anomalies += 1
                    print("  ANOMALY \(provenance.key ?? "-") in \(Self.clock(provenance.window)): \(value)")
                }
                if let windowsWanted, tally.windowEnds.count > windowsWanted { enoughContinuation.yield() }
            case .deadLetter(let letter):
                tally.deadLetters += 1
                print("  dead letter (\(letter.kind.rawValue)): \(letter.message)")
            }
        }
    }

    static func clock(_ window: Window) -> String {
        func time(_ milliseconds: Int64) -> String {
            let seconds = (milliseconds / 1_000) % 86_400
            return String(format: "%02d:%02d", seconds / 3_600, (seconds / 60) % 60)
        }
        return "\(time(window.start))–\(time(window.end))"
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
