import ArgumentParser
import Foundation
import ProcessingModule

/// `processing-module replay`: a JSON-lines file through the same engine and function.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a pipeline over a JSON-lines file and print each window's results as JSON lines.",
        discussion: """
            Input lines are plain JSON values, or records with their Kafka coordinates as `export`
            writes them, so that per-partition stream time is reproduced and the results equal what
            `run` produced from that topic. At the end of the input every open window closes (close
            reason end-of-input). Each printed line carries pipeline, function, version, window start
            and end, key, close reason, record count and the function's output.
            """)

    @Option(name: .long, help: "The pipelines file (YAML).")
    var config: String

    @Option(name: .long, help: "The pipeline to replay (default: the only one, or the first).")
    var pipeline: String?

    @Option(name: .long, help: "Input file of JSON lines; '-' or absent: standard input.")
    var input: String = "-"

    @Option(name: .long, help: "Output file; '-' or absent: standard output.")
    var output: String = "-"

    func run() throws {
        let service = try ServiceConfiguration(contentsOf: config)
        guard let configuration = pipeline.map({ name in service.pipelines.first { $0.name == name } }) ?? service.pipelines.first
        else {
            throw ValidationError("--pipeline: no pipeline named \(pipeline ?? "") in \(config); pipelines: \(service.pipelines.map(\.name).joined(separator: ", "))")
        }
        let data: Data
        if input == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: input) else {
                throw ValidationError("--input: cannot read \(input)")
            }
            data = contents
        }
        var replay = Replay(configuration: configuration)
        replay.feed(contentsOf: Array(data))
        replay.finish()
        let text = replay.results.map { Replay.jsonLine($0) + "\n" }.joined()
        if output == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        }
        let counters = replay.processor.counters
        FileHandle.standardError.write(
            Data("replayed \(counters.recordsIn) records: \(counters.windowsClosed) windows, \(replay.results.count) results, \(replay.deadLetters.count) dead letters, \(counters.late) late\n".utf8))
    }
}
