import Foundation
import MicroBatching
import SharedFunctions

/// The engine benchmark: pre-decoded sensor readings through the engine and `function_a`, on one
/// core, printing records per second, peak RSS and memory per buffered record.
struct EngineBenchmark {
    var records = 10_000_000
    var keys = 100_000
    /// Records per second of event time: 3,333 per second puts a million records, ten per key,
    /// in each 5-minute window.
    var recordsPerSecond: Int64 = 3_333

    func run() throws {
        print("engine benchmark: \(records) pre-decoded records, \(keys) keys, function_a, one core")
        try measureMemoryPerRecord()
        print("")
        print("| windows | keys | records/s | batches | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|")
        try measureThroughput("tumbling 5 min", try .tumbling(size: 300_000), keys: keys)
        try measureThroughput("hopping 5 min / 1 min", try .hopping(size: 300_000, advance: 60_000), keys: keys)
        try measureThroughput("tumbling 5 min", try .tumbling(size: 300_000), keys: 1_000)
    }

    private func keyNames(_ keys: Int) -> [String] {
        (0..<keys).map { "sensor-\(String($0, radix: 10))" }
    }

    private func measureThroughput(_ label: String, _ window: WindowSpecification, keys: Int) throws {
        let names = keyNames(keys)
        let clock = ManualClock(0)
        var engine = MicroBatchEngine<NumericField>(configuration: try EngineConfiguration(window: window), clock: clock)
        let parameters = FunctionA.Parameters()
        var batches = 0
        var checksum = 0.0
        var random = SplitMix64(seed: 7)
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<records {
            let eventTime = Int64(index) * 1_000 / recordsPerSecond
            let value = 20 + Double(random.next() % 1_000) / 100
            _ = engine.ingest(
                InputRecord(
                    partition: Int32(index & 7), offset: Int64(index >> 3), key: names[index % keys],
                    eventTime: eventTime, payload: NumericField(value), byteCount: 16))
            if index & 0xFFFF == 0xFFFF {
                for closed in engine.closeWindows() {
                    batches += 1
                    checksum += FunctionA.apply(closed.batch, parameters: parameters).first?.sum ?? 0
                }
            }
        }
        for closed in engine.closeAllWindows() {
            batches += 1
            checksum += FunctionA.apply(closed.batch, parameters: parameters).first?.sum ?? 0
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = Double(records) / seconds
        print("| \(label) | \(keys) | \(Int(rate)) | \(batches) | \(ProcessMemory.peakResident >> 20) |")
        if checksum.isNaN { print("unreachable: \(checksum)") }
    }

    /// Measures memory per buffered record for both payload kinds, each in a fresh process so that
    /// memory freed by earlier work cannot hide growth.
    private func measureMemoryPerRecord() throws {
        for (label, payloadBytes) in [("pre-decoded NumericField", 0), ("60-byte JSON value", 60)] {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            probe.arguments = ["memory-probe", String(payloadBytes), String(keys)]
            let output = Pipe()
            probe.standardOutput = output
            try probe.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            probe.waitUntilExit()
            let perRecord = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
            let payloadSize = payloadBytes > 0 ? payloadBytes : MemoryLayout<NumericField>.stride
            print(
                "memory per buffered record (\(label), \(Self.heldRecords) records over \(keys) keys): "
                    + "\(String(format: "%.1f", perRecord)) bytes (goal: at most 2 x \(payloadSize) + 48 = \(2 * payloadSize + 48))")
        }
    }

    static let heldRecords = 2_000_000

    /// The body of `memory-probe`: buffers records without closing any window and prints the growth
    /// of resident memory divided by the number of records held.
    static func probeMemory(payloadBytes: Int, keys: Int) throws {
        let names = (0..<keys).map { "sensor-\($0)" }
        let configuration = try EngineConfiguration(window: .tumbling(size: 86_400_000))
        let template = Array(repeating: UInt8(ascii: "x"), count: payloadBytes)
        let before = ProcessMemory.resident
        if payloadBytes > 0 {
            var engine = MicroBatchEngine<[UInt8]>(configuration: configuration, clock: ManualClock(0))
            for index in 0..<heldRecords {
                var value = template
                value[0] = UInt8(truncatingIfNeeded: index)
                _ = engine.ingest(
                    InputRecord(
                        partition: 0, offset: Int64(index), key: names[index % keys], eventTime: Int64(index),
                        payload: value, byteCount: payloadBytes))
            }
            print(Double(ProcessMemory.resident - before) / Double(heldRecords))
            withExtendedLifetime(engine) {}
        } else {
            var engine = MicroBatchEngine<NumericField>(configuration: configuration, clock: ManualClock(0))
            for index in 0..<heldRecords {
                _ = engine.ingest(
                    InputRecord(
                        partition: 0, offset: Int64(index), key: names[index % keys], eventTime: Int64(index),
                        payload: NumericField(Double(index)), byteCount: 16))
            }
            print(Double(ProcessMemory.resident - before) / Double(heldRecords))
            withExtendedLifetime(engine) {}
        }
    }
}
