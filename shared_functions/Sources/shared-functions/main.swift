import Foundation
import MicroBatching
import SharedFunctions

/// `shared-functions`: a small command-line companion of the package.
///
///     shared-functions functions      list the registered functions and their parameters (JSON)
///     shared-functions sample         run function_a and function_b over 5-minute windows of a
///                                     generated sample and print each window's results
///     shared-functions benchmark      engine throughput and memory (release builds only)
let usage = """
    usage: shared-functions <command>
      functions   list the registered functions and their parameters as JSON
      sample      run function_a and function_b over 5-minute windows of generated sensor readings
      benchmark [N [K [CASE]]]  push N (default 10 million) pre-decoded records with K keys (default
                     100,000) through the engine and function_a; CASE (tumbling, hopping,
                     sessions or counts) runs one case only, without the memory probe, for
                     profiling (build with -c release)
    """

func listFunctions() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(FunctionRegistry.standard.descriptions), as: UTF8.self))
}

func runSample() throws {
    let specification = try WindowSpecification.tumbling(size: 300_000)
    let readings = SampleReadings().generate()
    var batches: [Window: [String: [BatchRecord<[UInt8]>]]] = [:]
    for (offset, reading) in readings.enumerated() {
        let value = Array(#"{"value":\#(reading.value)}"#.utf8)
        for window in specification.windows(containing: reading.eventTime) {
            batches[window, default: [:]][reading.sensor, default: []].append(
                BatchRecord(eventTime: reading.eventTime, offset: Int64(offset), key: reading.sensor, value: value))
        }
    }
    let functions = try ["function_a", "function_b"].map { try FunctionRegistry.standard.prepare($0) }
    print("\(readings.count) readings from 3 sensors, 5-minute tumbling windows")
    for window in batches.keys.sorted() {
        for (key, records) in batches[window, default: [:]].sorted(by: { $0.key < $1.key }) {
            let batch = WindowBatch(window: window, key: key, records: records)
            for function in functions {
                for output in try function.run(batch) {
                    print("\(window) \(key) \(function.name) \(String(decoding: output, as: UTF8.self))")
                }
            }
        }
    }
}

do {
    switch CommandLine.arguments.dropFirst().first {
    case "functions": try listFunctions()
    case "sample": try runSample()
    case "benchmark":
        var benchmark = EngineBenchmark()
        if let records = CommandLine.arguments.dropFirst(2).first.flatMap({ Int($0) }) { benchmark.records = records }
        if let keys = CommandLine.arguments.dropFirst(3).first.flatMap({ Int($0) }) { benchmark.keys = keys }
        if let only = CommandLine.arguments.dropFirst(4).first {
            guard let selected = EngineBenchmark.Case(rawValue: only) else {
                FileHandle.standardError.write(Data("error: CASE is tumbling or hopping, not '\(only)'\n".utf8))
                exit(64)
            }
            benchmark.only = selected
        }
        try benchmark.run()
    case "memory-probe":
        let arguments = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }
        try EngineBenchmark.probeMemory(
            payloadBytes: arguments.first ?? 0, keys: arguments.dropFirst().first ?? 100_000,
            heldRecords: arguments.dropFirst(2).first ?? 2_000_000)
    case "-h", "--help", "help": print(usage)
    default:
        FileHandle.standardError.write(Data((usage + "\n").utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
