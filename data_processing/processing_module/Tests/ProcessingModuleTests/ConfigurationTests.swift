import Foundation
import Testing

@testable import ProcessingModule

@Suite("Pipelines file")
struct ConfigurationTests {
    static let valid = """
        kafka:
          bootstrap.servers: 127.0.0.1:9092
          sasl.password: hunter2
        group_id: test-group
        pipelines:
          - name: statistics
            input: events
            output: statistics
            function: function_a
            parameters: {field: temperature}
            window: {size: 5m, grace: 30s}
            event_time_field: ts
          - name: anomalies
            input: events
            output: anomalies
            dead_letters: events.bad
            function: function_b
            parameters: {threshold: 4, min_records: 5}
            window: {size: 300000, advance: 1m}
            scope: global
            idle_timeout: off
            late_records: drop
            commit_interval: 250ms
        """

    @Test("a valid file gives validated pipelines with defaults filled in")
    func validFile() throws {
        let service = try ServiceConfiguration(yaml: Self.valid)
        #expect(service.groupID == "test-group")
        #expect(service.kafka["bootstrap.servers"] == "127.0.0.1:9092")
        #expect(!service.kafka.description.contains("hunter2"))
        let statistics = service.pipelines[0]
        #expect(statistics.engine.window.size == 300_000 && statistics.engine.window.isTumbling && statistics.engine.window.grace == 30_000)
        #expect(statistics.deadLetterTopic == "events.dead-letters")
        #expect(statistics.function.parameters["field"] == .string("temperature"))
        #expect(statistics.engine.idleTimeout == 30_000 && statistics.engine.maximumClockSkew == 3_600_000)
        #expect(statistics.guarantee == .atLeastOnce && statistics.commitInterval == 1_000)
        let anomalies = service.pipelines[1]
        #expect(anomalies.engine.window.advance == 60_000 && anomalies.engine.scope == .global)
        #expect(anomalies.engine.idleTimeout == nil && anomalies.latePolicy == .drop && anomalies.commitInterval == 250)
        #expect(anomalies.function.parameters["min_records"] == .number(5))
    }

    @Test(
        "invalid values are refused naming the key and the allowed values",
        arguments: [
            ("window: {size: 5m, grace: 30s}", "window: {size: 5 minutes}", "pipelines[0].window.size", "duration"),
            ("window: {size: 5m, grace: 30s}", "window: {size: 5m, advance: 7m}", "pipelines[0].window", "advance must not exceed size"),
            ("window: {size: 5m, grace: 30s}", "window: {size: 5m, advance: 70s}", "pipelines[0].window", "advance must divide size"),
            ("window: {size: 5m, grace: 30s}", "window: {session_gap: 0}", "pipelines[0].window.session_gap", "duration"),
            ("window: {size: 5m, grace: 30s}", "window: {session_gap: -5m}", "pipelines[0].window.session_gap", "duration"),
            ("window: {size: 5m, grace: 30s}", "window: {session_gap: 30m, size: 5m}", "pipelines[0].window.size", "cannot be combined with session_gap"),
            ("window: {size: 5m, grace: 30s}", "window: {session_gap: 30m, advance: 1m}", "pipelines[0].window.advance", "cannot be combined"),
            ("window: {size: 5m, grace: 30s}", "window: {size: 5m, max_duration: 1h}", "pipelines[0].window.max_duration", "session windows only"),
            ("window: {size: 5m, grace: 30s}", "window: {session_gap: 2h, max_duration: 1h}", "pipelines[0].window", "must not exceed the maximum duration"),
            ("window: {size: 5m, grace: 30s}", "window: {session_gap: 30m, count: 100}", "pipelines[0].window.session_gap", "cannot be combined with count"),
            ("window: {size: 5m, grace: 30s}", "window: {count: 100, size: 5m}", "pipelines[0].window.size", "cannot be combined with count"),
            ("window: {size: 5m, grace: 30s}", "window: {count: 100, grace: 5s}", "pipelines[0].window.grace", "cannot be combined with count"),
            ("window: {size: 5m, grace: 30s}", "window: {count: 0}", "pipelines[0].window.count", "between 1 and 1000000"),
            ("window: {size: 5m, grace: 30s}", "window: {count: -5}", "pipelines[0].window.count", "between 1 and 1000000"),
            ("window: {size: 5m, grace: 30s}", "window: {count: 10, advance: 20}", "pipelines[0].window.advance", "between 1 and 10"),
            ("window: {size: 300000, advance: 1m}", "window: {count: 10}", "pipelines[1]", "count windows are per key"),
            ("function: function_a", "function: function_z", "pipelines[0].function", "function_a, function_b"),
            ("parameters: {field: temperature}", "parameters: {feild: x}", "pipelines[0].parameters.feild", "field"),
            ("parameters: {threshold: 4, min_records: 5}", "parameters: {threshold: -1}", "pipelines[1].parameters.threshold", "> 0"),
            ("scope: global", "scope: everything", "pipelines[1].scope", "key, global"),
            ("late_records: drop", "late_records: ignore", "pipelines[1].late_records", "dead-letter, drop"),
            ("group_id: test-group", "group_id: test-group\nextra: 1", "extra", "allowed keys"),
            ("event_time_field: ts", "event_time_feld: ts", "pipelines[0].event_time_feld", "allowed keys"),
            ("name: anomalies", "name: statistics", "pipelines[1].name", "used by another pipeline"),
        ])
    func invalidValues(original: String, replacement: String, key: String, fragment: String) {
        Self.expectRefused(replacing: original, with: replacement, key: key, fragment: fragment)
    }

    /// The valid file with `original` replaced must be refused with `key` named and `fragment` said.
    static func expectRefused(replacing original: String, with replacement: String, key: String, fragment: String) {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.valid)
        do {
            _ = try ServiceConfiguration(yaml: text)
            Issue.record("\(replacement) must be refused")
        } catch let error as ConfigurationError {
            #expect(error.key == key, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("session windows are configured by their gap, with a maximum duration of a day unless given")
    func sessionWindows() throws {
        let sessions = try ServiceConfiguration(
            yaml: Self.valid.replacingOccurrences(of: "window: {size: 5m, grace: 30s}", with: "window: {session_gap: 30m, grace: 1m}"))
        #expect(sessions.pipelines[0].engine.window == (try .session(gap: 1_800_000, grace: 60_000)))
        let bounded = try ServiceConfiguration(
            yaml: Self.valid.replacingOccurrences(of: "window: {size: 5m, grace: 30s}", with: "window: {session_gap: 10m, max_duration: 4h}"))
        #expect(bounded.pipelines[0].engine.window.maximumDuration == 14_400_000 && bounded.pipelines[0].engine.window.grace == 0)
    }

    @Test("count windows are configured by their count of records, with an advance in records")
    func countWindows() throws {
        let counts = try ServiceConfiguration(
            yaml: Self.valid.replacingOccurrences(of: "window: {size: 5m, grace: 30s}", with: "window: {count: 100, advance: 20}"))
        #expect(counts.pipelines[0].engine.window == (try .count(100, advance: 20)))
        let tumbling = try ServiceConfiguration(
            yaml: Self.valid.replacingOccurrences(of: "window: {size: 5m, grace: 30s}", with: "window: {count: 30}"))
        #expect(tumbling.pipelines[0].engine.window == (try .count(30)))
    }

    @Test("flags and environment variables override any key, with types kept")
    func overrides() throws {
        let flags = try [
            "pipelines.statistics.window.size=10m", "pipelines.anomalies.parameters.threshold=5.5", "kafka.sasl.password=s3cret",
            "group_id=other",
        ].map { try ConfigurationOverride(argument: $0) }
        let environment = ConfigurationOverride.fromEnvironment([
            "PROCESSING_MODULE__KAFKA__BOOTSTRAP_SERVERS": "kafka:29092",
            "PROCESSING_MODULE__PIPELINES__ANOMALIES__LATE_RECORDS": "dead-letter",
            "PROCESSING_MODULE__PIPELINES__STATISTICS__COMMIT_INTERVAL": "2s",
            "UNRELATED": "1",
        ])
        #expect(environment.count == 3)
        let service = try ServiceConfiguration(yaml: Self.valid, overrides: environment + flags)
        #expect(service.pipelines[0].engine.window.size == 600_000)
        #expect(service.pipelines[0].commitInterval == 2_000)
        #expect(service.pipelines[1].function.parameters["threshold"] == .number(5.5))
        #expect(service.pipelines[1].latePolicy == .deadLetter)
        #expect(service.kafka["bootstrap.servers"] == "kafka:29092" && service.kafka["sasl.password"] == "s3cret")
        #expect(service.groupID == "other")
    }

    @Test("overrides that name nothing, or break a rule, are refused with their origin")
    func badOverrides() throws {
        #expect(throws: ConfigurationError.self) { try ConfigurationOverride(argument: "no-equals-sign") }
        for (argument, fragment) in [
            ("pipelines.nothing.window.size=1m", "no pipeline named nothing"), ("colour=blue", "unknown key path"),
            ("pipelines.statistics.window.size=forever", "duration"),
        ] {
            do {
                _ = try ServiceConfiguration(yaml: Self.valid, overrides: [try ConfigurationOverride(argument: argument)])
                Issue.record("\(argument) must be refused")
            } catch let error as ConfigurationError {
                #expect(error.description.contains(fragment), "\(error)")
            }
        }
    }

    @Test("durations accept milliseconds and units")
    func durations() {
        #expect(ConfigurationNode.parseDuration("250ms") == 250)
        #expect(ConfigurationNode.parseDuration("30s") == 30_000)
        #expect(ConfigurationNode.parseDuration("5m") == 300_000)
        #expect(ConfigurationNode.parseDuration("2h") == 7_200_000)
        #expect(ConfigurationNode.parseDuration("1d") == 86_400_000)
        #expect(ConfigurationNode.parseDuration("1500") == 1_500)
        #expect(ConfigurationNode.parseDuration("five") == nil)
    }

    @Test(
        "a pipeline that would read its own output, or mix results and dead letters, is refused naming both keys",
        arguments: [
            ("output: statistics", "output: events", "pipelines[0].output", "equals pipelines[0].input (both \"events\")"),
            ("output: statistics", "output: statistics\n    dead_letters: events", "pipelines[0].dead_letters",
             "equals pipelines[0].input (both \"events\")"),
            ("output: statistics", "output: statistics\n    dead_letters: statistics", "pipelines[0].dead_letters",
             "equals pipelines[0].output (both \"statistics\")"),
        ])
    func topicsMustDiffer(original: String, replacement: String, key: String, fragment: String) {
        Self.expectRefused(replacing: original, with: replacement, key: key, fragment: fragment)
    }
}
